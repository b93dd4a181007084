import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./report-cli.js";
import { startPrometheus, type PrometheusServer } from "./prometheus-server.js";
import { writeSyntheticOpenMetrics, type GroundTruth, type SyntheticSchedule } from "./synthetic-month.js";

const run = promisify(execFile);

/**
 * The backfill of test/report-accuracy.test.ts as one step: the schedule's exporter series
 * (`promtool tsdb create-blocks-from openmetrics`), the project's recording rules evaluated over
 * them (`promtool tsdb create-blocks-from rules`, at the group's own offset), and a real Prometheus
 * on the result. For synthetic March 2026 (data from 2026-02-26).
 */
export async function backfilledMarch2026(
  schedule: SyntheticSchedule,
  timed: <T>(name: string, f: () => Promise<T> | T) => Promise<T>,
): Promise<{ dir: string; prometheus: PrometheusServer; truth: GroundTruth }> {
  const dir = mkdtempSync(join(tmpdir(), "smt-backfill-"));
  const input = join(dir, "exporters.om.txt");
  const data = join(dir, "data");
  const { truth } = await timed("generate", () => writeSyntheticOpenMetrics(schedule, input));
  await timed("create-blocks-from openmetrics", () =>
    run("promtool", ["tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=486h", input, data], { maxBuffer: 16 << 20 }),
  );
  rmSync(input);
  let prometheus = await startPrometheus({ dir });
  const rulesOut = join(dir, "rule-blocks");
  await timed("create-blocks-from rules", () =>
    run(
      "promtool",
      [
        "tsdb",
        "create-blocks-from",
        "rules",
        `--url=${prometheus.url}`,
        "--start=2026-02-27T06:00:00Z",
        "--end=2026-04-01T07:00:00Z",
        `--output-dir=${rulesOut}`,
        "--max-block-duration=162h",
        "prometheus/rules/smt-availability.rules.yml",
      ],
      { cwd: ROOT, maxBuffer: 16 << 20 },
    ),
  );
  await prometheus.stop();
  for (const block of readdirSync(rulesOut)) renameSync(join(rulesOut, block), join(data, block));
  prometheus = await timed("restart prometheus", () => startPrometheus({ dir }));
  return { dir, prometheus, truth };
}
