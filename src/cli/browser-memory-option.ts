import type { Command } from "commander";

/** The range of `--browser.memory-limit`, in MiB: a headless browser needs about 100 MiB; 64 GiB is beyond any prober. */
export const BROWSER_MEMORY_LIMIT_MIB = { min: 64, max: 65_536 } as const;

/** `--browser.memory-limit <MiB>`: the bound on each browser kind's resident memory (src/probes/memory-bound-driver.ts). */
export function addBrowserMemoryOption(cmd: Command, defaultMiB: number): void {
  cmd.option(
    "--browser.memory-limit <MiB>",
    `restart a browser (Chromium, Firefox) when its processes' resident memory exceeds this many MiB (${BROWSER_MEMORY_LIMIT_MIB.min} to ${BROWSER_MEMORY_LIMIT_MIB.max})`,
    String(defaultMiB),
  );
}

/** The bound in MiB, or "invalid" after printing the problem and setting exit code 2 (commander stores it as "browser.memoryLimit"). */
export function browserMemoryOption(opts: { "browser.memoryLimit"?: string }): number | "invalid" {
  const text = opts["browser.memoryLimit"] ?? "";
  const mib = /^\d+$/.test(text) ? Number(text) : NaN;
  if (mib >= BROWSER_MEMORY_LIMIT_MIB.min && mib <= BROWSER_MEMORY_LIMIT_MIB.max) return mib;
  process.stderr.write(
    `--browser.memory-limit: expected a whole number of MiB from ${BROWSER_MEMORY_LIMIT_MIB.min} to ${BROWSER_MEMORY_LIMIT_MIB.max}, got "${text}"\n`,
  );
  process.exitCode = 2;
  return "invalid";
}
