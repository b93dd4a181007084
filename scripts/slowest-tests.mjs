#!/usr/bin/env node
// Prints the slowest test files of the last `npm test` run (from vitest's JSON report), slowest first.
// Usage: node scripts/slowest-tests.mjs [--count N] [--report FILE]
import { readFileSync } from "node:fs";

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
const files = report.testResults
  .map((r) => ({ name: r.name.startsWith(root) ? r.name.slice(root.length) : r.name, ms: r.endTime - r.startTime }))
  .sort((a, b) => b.ms - a.ms)
  .slice(0, count);
const wall = Math.max(...report.testResults.map((r) => r.endTime)) - report.startTime;
process.stdout.write(`Slowest ${files.length} test files (the whole run took ${(wall / 1000).toFixed(0)} s):\n`);
for (const f of files) process.stdout.write(`${(f.ms / 1000).toFixed(1).padStart(8)} s  ${f.name}\n`);
// The plain closing line CI reads: "N passed, N failed, N skipped".
process.stdout.write(
  `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + (report.numTodoTests ?? 0)} skipped\n`,
);
