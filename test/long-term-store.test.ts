import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPLICA_LABEL, scrapeIntervalMs } from "../src/ha/prometheus-pair.js";
import { backfilledMarch2026 } from "./support/backfilled-month.js";
import type { PrometheusServer } from "./support/prometheus-server.js";
import { CLI as cli, ROOT, runReport as report, stepTimer } from "./support/report-cli.js";
import { SERVICES_IN_ORDER, syntheticMarch2026 } from "./support/synthetic-month.js";
import { copySeries, startVictoriaMetrics, type VictoriaMetricsServer } from "./support/victoria-metrics.js";

/**
 * Issue 13 item 2: the committee report reads any PromQL endpoint. The shared backfilled March 2026
 * (test/support/backfilled-month.ts: the synthetic exporter series and the project's recording rules)
 * is loaded into a real VictoriaMetrics with the deployed settings (src/ha/long-term-store.ts) as
 * the two Prometheus replicas would write it: every sample twice, with `replica` "a" and "b", and
 * replica b missing one hour of the month (down: no scrapes, no rule evaluations; a covered it).
 * `smt-monitor report --month 2026-03` must print the same figures from the single Prometheus, from
 * the store, and (control) different ones from a store holding only replica b. A store without the
 * deployed settings keeps both replicas' series apart: the report must refuse it, naming the label,
 * rather than print either replica's figures.
 */
const SINGLE_CONFIG = readFileSync(join(ROOT, "prometheus", "prometheus.yml"), "utf8");
/** The samples the replicas write that the report reads: the recording rules' series (the store would hold every series). */
const REPORT_SERIES = '{__name__=~"smt:.+"}';
/** The backfilled stretch (test/support/backfilled-month.ts). */
const DATA_FROM = Date.parse("2026-02-26T00:00:00Z");
const DATA_TO = Date.parse("2026-04-01T08:00:00Z");
/** Replica b is down 2026-03-17 10:00-11:00 CDT (a Tuesday: no maintenance): no scrapes, no rule evaluations. */
const HOLE = { fromMs: Date.parse("2026-03-17T15:00:00Z"), toMs: Date.parse("2026-03-17T16:00:00Z") };

let dir: string;
let prometheus: PrometheusServer | undefined;
let pair: VictoriaMetricsServer | undefined;
let replicaB: VictoriaMetricsServer | undefined;
let plain: VictoriaMetricsServer | undefined;
const { timings, timed } = stepTimer();

beforeAll(async () => {
  statSync(cli); // `npm test` builds first; alone: npx tsc -p .
  ({ dir, prometheus } = await backfilledMarch2026(syntheticMarch2026(), timed));
  const scrape = scrapeIntervalMs(SINGLE_CONFIG);
  [pair, replicaB, plain] = await Promise.all([
    startVictoriaMetrics({ dir: join(dir, "vm-pair"), scrapeIntervalMs: scrape }),
    startVictoriaMetrics({ dir: join(dir, "vm-replica-b"), scrapeIntervalMs: scrape }),
    startVictoriaMetrics({ dir: join(dir, "vm-plain"), scrapeIntervalMs: scrape, deduplicate: false }),
  ]);
  const copy = { match: REPORT_SERIES, fromMs: DATA_FROM, toMs: DATA_TO };
  await timed("import", () =>
    Promise.all([
      copySeries(prometheus!.url, pair!, { ...copy, labels: { [REPLICA_LABEL]: "a" } }),
      copySeries(prometheus!.url, pair!, { ...copy, labels: { [REPLICA_LABEL]: "b" }, skip: HOLE }),
      copySeries(prometheus!.url, replicaB!, { ...copy, labels: { [REPLICA_LABEL]: "b" }, skip: HOLE }),
      copySeries(prometheus!.url, plain!, { ...copy, labels: { [REPLICA_LABEL]: "a" } }),
      copySeries(prometheus!.url, plain!, { ...copy, labels: { [REPLICA_LABEL]: "b" }, skip: HOLE }),
    ]),
  );
  await Promise.all([pair.flush(), replicaB.flush(), plain.flush()]);
}, 600_000);

afterAll(async () => {
  await Promise.all([prometheus?.stop(), pair?.stop(), replicaB?.stop(), plain?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
  console.log(`long-term store timings (ms): ${JSON.stringify(timings)}`);
});

describe("the committee report from the long-term store (real Prometheus and VictoriaMetrics)", () => {
  it("March 2026 gives the same figures from one Prometheus and from the pair's store, one replica down for an hour", async () => {
    const month = ["--month", "2026-03", "--format", "json"];
    const [single, store, onlyB] = await timed("reports", () =>
      Promise.all([
        report(["--prometheus", prometheus!.url, ...month]),
        report(["--prometheus", pair!.url, ...month]),
        report(["--prometheus", replicaB!.url, ...month]),
      ]),
    );
    for (const r of [single, store, onlyB]) expect(r.code, r.stderr).toBe(0);
    const fromSingle = JSON.parse(single.stdout);
    expect(fromSingle.services.length).toBeGreaterThan(0);
    expect(JSON.parse(store.stdout)).toEqual(fromSingle);
    // the control: replica b alone misses the hour of every probed service, which the store had from replica a
    const unmeasured = (r: { stdout: string }) =>
      Object.fromEntries(
        (JSON.parse(r.stdout) as { services: { service: string; unmeasured_minutes: number }[] }).services.map((l) => [l.service, l.unmeasured_minutes]),
      );
    const [withHole, reference] = [unmeasured(onlyB), unmeasured(single)];
    for (const service of SERVICES_IN_ORDER) expect(withHole[service]! - reference[service]!, service).toBe(60);
  }, 180_000);

  it("the year's report (ranges fetched across months) is the same from one Prometheus and from the store", async () => {
    const year = ["--year", "2026", "--at", "2026-11-01T00:00:00Z", "--format", "json"];
    const [single, store] = await timed("year reports", () =>
      Promise.all([report(["--prometheus", prometheus!.url, ...year]), report(["--prometheus", pair!.url, ...year])]),
    );
    for (const r of [single, store]) expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(store.stdout)).toEqual(JSON.parse(single.stdout));
  }, 180_000);

  it("refuses a store that keeps the replicas' copies apart (no relabeling, no dedup), naming the label that tells them apart", async () => {
    const r = await report(["--prometheus", plain!.url, "--month", "2026-03", "--format", "json"]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/minutes come back as more than one series \(labels differing: replica "a" and "b"\)/);
    expect(r.stderr).toContain("docs/ha.md");
    expect(r.stderr.trim().split("\n"), "one line, no stack trace").toHaveLength(1);
  });
});
