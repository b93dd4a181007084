import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { linkContents, machineCached } from "./machine-cache.js";
import { ROOT } from "./report-cli.js";
import { startPrometheus, type PrometheusServer } from "./prometheus-server.js";
import { sharedBuild } from "./shared-build.js";
import { syntheticGroundTruth, writeSyntheticOpenMetrics, type GroundTruth, type SyntheticSchedule } from "./synthetic-month.js";

const run = promisify(execFile);
type Timed = <T>(name: string, f: () => Promise<T> | T) => Promise<T>;

/**
 * A synthetic March 2026 (data from 2026-02-26) backfilled into a real Prometheus: the schedule's
 * exporter series (`promtool tsdb create-blocks-from openmetrics`), the project's recording rules
 * evaluated over them (`promtool tsdb create-blocks-from rules` against a real Prometheus on those
 * blocks, at the group's own offset, like a live server: the rule file path is the project's), and
 * the ground truth counted from the same samples (test/support/synthetic-month.ts).
 *
 * The blocks of a schedule are built once per vitest run (test/support/shared-build.ts): the files
 * that backfill the same schedule (report-accuracy and committee-report) share them, and each gets
 * its own folder with hard links of the blocks (which no Prometheus changes in place) and its own
 * Prometheus. The blocks are also kept on the machine between runs (test/support/machine-cache.ts,
 * keyed by the schedule, the generator's and the rule file's contents and the tools' versions), so a
 * later run, a fresh clone too, links them instead of running promtool (about 45 CPU-s a schedule).
 * `extraOpenMetrics` writes more series into the caller's folder (OpenMetrics files,
 * turned into blocks there): series the recording rules do not read, such as the energy-data ones.
 */
export async function backfilledMarch2026(
  schedule: SyntheticSchedule,
  timed: Timed,
  options: { extraOpenMetrics?: (dir: string) => string[] } = {},
): Promise<{ dir: string; prometheus: PrometheusServer; truth: GroundTruth }> {
  const key = createHash("sha256").update(JSON.stringify(schedule)).digest("hex").slice(0, 16);
  const shared = await timed("backfill (shared, once per run)", () =>
    sharedBuild(`march-2026-${key}`, async (work) => {
      // Kept on the machine between runs (test/support/machine-cache.ts), keyed by all it depends on.
      const how = await machineCached("backfilled-march-2026", backfillInputs(schedule), join(work, "data"), async (data) => {
        const scratch = mkdtempSync(join(tmpdir(), "smt-backfill-build-"));
        try {
          const input = join(scratch, "exporters.om.txt");
          await timed("generate", () => writeSyntheticOpenMetrics(schedule, input));
          await backfill(scratch, [input], timed);
          linkBlocks(scratch, data);
        } finally {
          rmSync(scratch, { recursive: true, force: true });
        }
      });
      await timed(`blocks ${how}`, () => undefined);
    }),
  );
  const dir = mkdtempSync(join(tmpdir(), "smt-backfill-"));
  const data = join(dir, "data");
  linkBlocks(shared, data);
  for (const input of options.extraOpenMetrics?.(dir) ?? []) await openMetricsBlocks(input, data, timed);
  const truth = await timed("ground truth", () => syntheticGroundTruth(schedule));
  const prometheus = await timed("start prometheus", () => startPrometheus({ dir }));
  return { dir, prometheus, truth };
}

/** The rule file the backfill evaluates (ROOT-relative, the path promtool is given). */
const RULE_FILE = "prometheus/rules/smt-availability.rules.yml";

/**
 * Everything the backfilled blocks depend on, for the machine's cache: the schedule, the generator
 * and this file, the rule file, the versions of promtool, Prometheus, Node (its time zone data) and luxon.
 */
function backfillInputs(schedule: SyntheticSchedule): string[] {
  const version = (tool: string) => execFileSync(tool, ["--version"], { encoding: "utf8" });
  return [
    JSON.stringify(schedule),
    ...["test/support/synthetic-month.ts", "test/support/backfilled-month.ts", RULE_FILE].map((f) => readFileSync(join(ROOT, f), "utf8")),
    version("promtool"),
    version("prometheus"),
    process.version,
    JSON.stringify(process.versions),
    readFileSync(join(ROOT, "node_modules", "luxon", "package.json"), "utf8"),
  ];
}

/**
 * The exporter series, then the recording rules over them from a day after the data starts (the
 * maintenance gauges are remembered for a day) to past the recording of March's last minute, as
 * blocks in `dir`/data. Leaves no server running.
 */
async function backfill(dir: string, openMetrics: string[], timed: Timed): Promise<void> {
  const data = join(dir, "data");
  for (const input of openMetrics) await openMetricsBlocks(input, data, timed);
  const prometheus = await startPrometheus({ dir });
  const rulesOut = join(dir, "rule-blocks");
  try {
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
          RULE_FILE,
        ],
        { cwd: ROOT, maxBuffer: 16 << 20 },
      ),
    );
  } finally {
    await prometheus.stop();
  }
  for (const block of readdirSync(rulesOut)) renameSync(join(rulesOut, block), join(data, block));
}

async function openMetricsBlocks(input: string, data: string, timed: Timed): Promise<void> {
  await timed(`create-blocks-from openmetrics ${input.replace(/.*\//, "")}`, () =>
    run("promtool", ["tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=486h", input, data], { maxBuffer: 16 << 20 }),
  );
  rmSync(input);
}

/** Hard links of every TSDB block (a folder with a meta.json) of `from`/data into `to`; not the WAL or the lock of the Prometheus that made them. */
function linkBlocks(from: string, to: string): void {
  const data = join(from, "data");
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(data, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(data, entry.name, "meta.json"))) {
      mkdirSync(join(to, entry.name));
      linkContents(join(data, entry.name), join(to, entry.name));
    }
  }
}
