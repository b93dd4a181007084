import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");

/**
 * The browser engines (playwright-core, puppeteer-core) cost about a CPU-second of module loading;
 * a process without a browser check must not pay it (src/probes/lazy-browser-driver.ts). Checked
 * in a fresh process on the built modules, since the test runner shares its own module cache.
 */
describe("browser engines load only when a browser check runs", () => {
  it("importing the exporter, the probe command and the CLI loads neither playwright-core nor puppeteer-core", async () => {
    for (const f of ["dist/exporter/exporter.js", "dist/cli/probe-command.js", "dist/probes/browser-pool.js"]) {
      if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run npm run build first (npm test does)`);
    }
    const script = `
      import { createRequire } from "node:module";
      await import("./dist/exporter/exporter.js");
      await import("./dist/cli/probe-command.js");
      const pool = await import("./dist/probes/browser-pool.js");
      const before = Object.keys(createRequire(import.meta.url).cache).filter((k) => /playwright-core|puppeteer-core/.test(k)).length;
      // a driver asked for but not used loads nothing; closing it neither
      pool.browserDriver("chromium");
      await pool.closeBrowsers();
      const after = Object.keys(createRequire(import.meta.url).cache).filter((k) => /playwright-core|puppeteer-core/.test(k)).length;
      console.log(JSON.stringify({ before, after }));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: root });
    expect(JSON.parse(stdout.trim())).toEqual({ before: 0, after: 0 });
  });
});
