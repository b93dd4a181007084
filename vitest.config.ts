import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * End-to-end tests bound by the wall clock (real minutes must pass in a real Prometheus, the demo's
 * alert fires after whole minutes): they mostly wait, so they start first and the rest of the
 * suite runs beside them. The compose stack test (containers, several minutes of Prometheus minutes)
 * is the longest of them.
 */
const MINUTE_BOUND = [
  "compose-stack.test.ts",
  "prometheus-integration.test.ts",
  "call-center-live-chain.test.ts",
  "probe-locations.test.ts",
  "demo.test.ts",
  "committee-report.test.ts",
  "report-accuracy.test.ts",
  "fault-matrix.test.ts",
];

class MinuteBoundFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const index = MINUTE_BOUND.findIndex((name) => spec.moduleId.endsWith(`/${name}`));
      return index < 0 ? MINUTE_BOUND.length : index;
    };
    return sorted
      .map((spec, order) => ({ spec, order }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.order - b.order)
      .map((x) => x.spec);
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores, but the slowest files mostly wait on the clock, on child processes or on containers:
    // six workers keep both cores busy while the minute-bound ones (four of them several minutes of
    // real time each) wait.
    maxWorkers: 6,
    sequence: { sequencer: MinuteBoundFirst },
    // One folder per run for what files build once and share (test/support/shared-build.ts).
    globalSetup: ["test/support/global-setup.ts"],
    // Each file's CPU seconds (its worker and the processes it started) into .test-report/cpu/.
    setupFiles: ["test/support/cpu-usage.ts"],
    // The JSON report feeds scripts/slowest-tests.mjs (printed at the end of .ci/run).
    reporters: ["default", ["json", { outputFile: ".test-report/vitest.json" }]],
  },
});
