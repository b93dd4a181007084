import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeEach } from "vitest";

/**
 * vitest setupFile (vitest.config.ts): records the CPU seconds each test file cost, its worker's own
 * and those of the child processes it started and waited for (Prometheus, an exporter, a browser:
 * /proc/self/stat's cutime and cstime), into .test-report/cpu/, which scripts/slowest-tests.mjs
 * prints beside the wall times. The suite is bound by CPU on the 2-core machine (CONTRIBUTING.md,
 * "Keeping the suite fast"), so these are the figures to cut. Counted from this module's evaluation,
 * before the test file's own imports; a child still running when the file ends is not counted.
 */

/** Clock ticks per second of /proc's times (getconf CLK_TCK: 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface CpuSeconds {
  worker: number;
  children: number;
}

function cpuSeconds(): CpuSeconds {
  const usage = process.cpuUsage();
  let children = 0;
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name "(...)": state is field 3, cutime and cstime are 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    children = (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
  } catch {
    // Not Linux: only the worker's own time.
  }
  return { worker: (usage.user + usage.system) / 1e6, children };
}

const start = cpuSeconds();
/** The file's wall-clock time from the same start: vitest's JSON report leaves out the time before the first test (beforeAll). */
const startedAt = Date.now();

let filepath: string | undefined;
beforeEach(({ task }) => {
  filepath = task.file.filepath;
});

afterAll(() => {
  const end = cpuSeconds();
  if (filepath === undefined) return;
  const file = relative(process.cwd(), filepath);
  const dir = join(process.cwd(), ".test-report", "cpu");
  mkdirSync(dir, { recursive: true });
  const record = { file, worker: end.worker - start.worker, children: end.children - start.children, wall: (Date.now() - startedAt) / 1000 };
  writeFileSync(join(dir, `${file.replaceAll("/", "_")}.json`), JSON.stringify(record));
});
