import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const ROOT = join(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "dist", "cli", "main.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `smt-monitor report ARGS` as a real process; its exit code and output, whatever they are.
 * `killAfterMs` kills a run that hangs (its code is then null).
 */
export async function runReport(args: string[], options: { killAfterMs?: number } = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, "report", ...args], { cwd: ROOT, maxBuffer: 64 << 20, timeout: options.killAfterMs ?? 0 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as CliResult;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Wall-clock milliseconds of each named step, for the test's closing log line. */
export function stepTimer(): { timings: Record<string, number>; timed<T>(name: string, f: () => Promise<T> | T): Promise<T> } {
  const timings: Record<string, number> = {};
  return {
    timings,
    async timed(name, f) {
      const t0 = performance.now();
      try {
        return await f();
      } finally {
        timings[name] = Math.round(performance.now() - t0);
      }
    },
  };
}
