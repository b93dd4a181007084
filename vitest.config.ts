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

/**
 * Files that start browsers, database servers, Alertmanager clusters or thousands of checks, each
 * using most of a core for a minute or more, and whose bounds (a step of a browser walk, a CLI's
 * start, a reload of 10,000 checks) are what they test. Beside six workers, the linter and the
 * container builds of `.ci/run`, the 2-core machine ran at load 10-20 and one of them ran out of time
 * in each of five fresh-clone CI runs, a different one each time. They run after every other file,
 * two at a time, on a machine that has only them to run (CONTRIBUTING.md, "Keeping the suite fast").
 */
const CPU_HEAVY = [
  "browser-firefox.test.ts",
  "browser-check.test.ts",
  "browser-close.test.ts",
  "status-page.test.ts",
  "notifier-browser.test.ts",
  "call-center-outages.test.ts",
  "demo-ha.test.ts",
  "notifier-replicas-postgres.test.ts",
  "notice-store-postgres.test.ts",
  "alertmanager-cluster.test.ts",
  "long-term-store.test.ts",
  "cli-conventions.test.ts",
  "notifier-startup.test.ts",
  "notifier-token.test.ts",
  "exporter-reload.test.ts",
  "exporter.test.ts",
].map((name) => `test/${name}`);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    sequence: { sequencer: MinuteBoundFirst },
    // One folder per run for what files build once and share (test/support/shared-build.ts).
    globalSetup: ["test/support/global-setup.ts"],
    // Each file's CPU seconds (its worker and the processes it started) into .test-report/cpu/.
    setupFiles: ["test/support/cpu-usage.ts"],
    // The JSON report feeds scripts/slowest-tests.mjs (printed at the end of .ci/run).
    reporters: ["default", ["json", { outputFile: ".test-report/vitest.json" }]],
    projects: [
      {
        extends: true,
        test: {
          name: "suite",
          include: ["test/**/*.test.ts"],
          exclude: CPU_HEAVY,
          // Two cores, but the slowest files mostly wait on the clock, on child processes or on
          // containers: six workers keep both cores busy while the minute-bound ones (four of them
          // several minutes of real time each) wait.
          maxWorkers: 6,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "cpu-heavy",
          include: CPU_HEAVY,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
