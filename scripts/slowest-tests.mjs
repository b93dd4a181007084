#!/usr/bin/env node
// Prints the slowest test files of the last `npm test` run (from vitest's JSON report), slowest first,
// with the CPU seconds each cost (its worker and the processes it started; test/support/cpu-usage.ts),
// and the files that cost the most CPU.
// Usage: node scripts/slowest-tests.mjs [--count N] [--report FILE]
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const args = process.argv.slice(2);
if (args.includes("--help")) {
  process.stdout.write(
    "usage: node scripts/slowest-tests.mjs [--count N] [--report FILE]\nPrints the slowest test files of the last npm test run (vitest's JSON report, .test-report/vitest.json).\n",
  );
  process.exit(0);
}
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const count = Number(option("--count", "10"));
const file = option("--report", ".test-report/vitest.json");
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (err) {
  process.stderr.write(`slowest-tests: cannot read ${file}: ${err.code ?? err.message} (run npm test first)\n`);
  process.exit(1);
}
const root = process.cwd() + "/";
// CPU seconds per file, written beside the report by test/support/cpu-usage.ts.
const cpuDir = join(dirname(file), "cpu");
const cpu = new Map();
if (existsSync(cpuDir)) {
  for (const entry of readdirSync(cpuDir)) {
    const record = JSON.parse(readFileSync(join(cpuDir, entry), "utf8"));
    cpu.set(record.file, record);
  }
}
const all = report.testResults.map((r) => {
  const name = r.name.startsWith(root) ? r.name.slice(root.length) : r.name;
  const c = cpu.get(name);
  // The wall time from test/support/cpu-usage.ts when there is one: it includes the file's beforeAll.
  const ms = c?.wall !== undefined ? c.wall * 1000 : r.endTime - r.startTime;
  return { name, ms, worker: c?.worker, children: c?.children, total: c ? c.worker + c.children : undefined };
});
const seconds = (x) => (x === undefined ? "?" : x.toFixed(1)).padStart(7);
const row = (f) => `${(f.ms / 1000).toFixed(1).padStart(8)} s ${seconds(f.total)} ${seconds(f.worker)} ${seconds(f.children)}  ${f.name}\n`;
const header = "    wall     CPU  worker  child.  (seconds)\n";
const wall = Math.max(...report.testResults.map((r) => r.endTime)) - report.startTime;
const files = [...all].sort((a, b) => b.ms - a.ms).slice(0, count);
process.stdout.write(`Slowest ${files.length} test files (the whole run took ${(wall / 1000).toFixed(0)} s):\n${header}`);
for (const f of files) process.stdout.write(row(f));
if (cpu.size > 0) {
  const measured = all.filter((f) => f.total !== undefined);
  const sum = measured.reduce((s, f) => s + f.total, 0);
  const hungriest = [...measured].sort((a, b) => b.total - a.total).slice(0, count);
  process.stdout.write(`Most CPU (${measured.length} files, ${sum.toFixed(0)} CPU-s in all, not counting vitest's main process):\n${header}`);
  for (const f of hungriest) process.stdout.write(row(f));
}
// The plain closing line CI reads: "N passed, N failed, N skipped".
process.stdout.write(
  `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + (report.numTodoTests ?? 0)} skipped\n`,
);
