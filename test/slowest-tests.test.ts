import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * scripts/slowest-tests.mjs, printed at the end of .ci/run: the slowest files by wall time and the
 * files that cost the most CPU, from vitest's JSON report and test/support/cpu-usage.ts's records.
 */
const script = join(import.meta.dirname, "..", "scripts", "slowest-tests.mjs");
const dir = mkdtempSync(join(tmpdir(), "smt-slowest-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("scripts/slowest-tests.mjs", () => {
  it("prints each file's wall time (with its beforeAll), CPU, worker and child seconds, and the files that cost the most CPU", () => {
    const cwd = join(dir, "repo");
    mkdirSync(join(cwd, ".test-report", "cpu"), { recursive: true });
    const result = (name: string, startTime: number, endTime: number) => ({ name: join(cwd, name), startTime, endTime });
    writeFileSync(
      join(cwd, ".test-report", "vitest.json"),
      JSON.stringify({
        startTime: 0,
        numPassedTests: 3,
        numFailedTests: 0,
        numPendingTests: 0,
        testResults: [result("test/waits.test.ts", 0, 90_000), result("test/backfill.test.ts", 80_000, 85_000), result("test/unit.test.ts", 0, 1_000)],
      }),
    );
    const cpu = (file: string, worker: number, children: number, wall: number) =>
      writeFileSync(join(cwd, ".test-report", "cpu", `${file.replaceAll("/", "_")}.json`), JSON.stringify({ file, worker, children, wall }));
    cpu("test/waits.test.ts", 2, 1, 90);
    cpu("test/backfill.test.ts", 5, 40, 85); // its beforeAll took 80 s: the report's own times say 5 s
    cpu("test/unit.test.ts", 0.5, 0, 1);
    const out = execFileSync(process.execPath, [script, "--count", "2"], { cwd, encoding: "utf8" });
    const lines = out.split("\n");
    const slowest = lines.indexOf(lines.find((l) => l.startsWith("Slowest 2 test files"))!);
    expect(lines[slowest + 2]).toMatch(/^\s+90\.0 s\s+3\.0\s+2\.0\s+1\.0\s+test\/waits\.test\.ts$/);
    expect(lines[slowest + 3]).toMatch(/^\s+85\.0 s\s+45\.0\s+5\.0\s+40\.0\s+test\/backfill\.test\.ts$/);
    const most = lines.indexOf(lines.find((l) => l.startsWith("Most CPU (3 files, 49 CPU-s in all"))!);
    expect(most).toBeGreaterThan(slowest);
    expect(lines[most + 2]).toMatch(/test\/backfill\.test\.ts$/);
    expect(lines[most + 3]).toMatch(/test\/waits\.test\.ts$/);
    expect(out).toMatch(/tests: 3 passed, 0 failed, 0 skipped\n$/);
  });
});
