#!/usr/bin/env node
// Prints the container tests' time and outcome from the last vitest run (its JSON report), on one line
// of their own in .ci/run's output: they run beside the rest of the suite, and on a machine where no
// Docker engine starts they skip (the test output says why, "SKIPPED compose stack test: ...").
// Usage: node scripts/container-test-time.mjs [--report FILE]
import { readFileSync } from "node:fs";

const CONTAINER_TESTS = ["test/compose-stack.test.ts"];
const args = process.argv.slice(2);
const i = args.indexOf("--report");
const file = i >= 0 && args[i + 1] ? args[i + 1] : ".test-report/vitest.json";
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (err) {
  process.stderr.write(`container-test-time: cannot read ${file}: ${err.code ?? err.message} (run npm test first)\n`);
  process.exit(1);
}
for (const name of CONTAINER_TESTS) {
  const result = report.testResults.find((r) => r.name.endsWith(`/${name}`));
  if (!result) {
    console.log(`== container tests (${name}): not in this run`);
    continue;
  }
  const counts = {};
  for (const a of result.assertionResults) counts[a.status] = (counts[a.status] ?? 0) + 1;
  const outcome = Object.entries(counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(", ");
  const ran = result.assertionResults.some((a) => a.status === "passed" || a.status === "failed");
  console.log(
    `== container tests (${name}): ${Math.round((result.endTime - result.startTime) / 1000)} s beside the suite, ${ran ? "ran" : "did not run"}: ${outcome || result.status}`,
  );
}
