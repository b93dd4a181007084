import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROMETHEUS_REPLICA_LABEL, PROMETHEUS_SELF_JOB } from "../src/ha/long-term-store.js";
import { PAIR_FOLDER, renderPrometheusPairFiles } from "../src/ha/pair-files.js";
import { PROMETHEUS_REPLICAS, prometheusReplicaConfig, REPLICA_LABEL } from "../src/ha/prometheus-pair.js";
import { instantQuery, startPrometheus, type PrometheusServer } from "./support/prometheus-server.js";
import { ROOT } from "./support/report-cli.js";
import { startVictoriaMetrics, type VictoriaMetricsServer } from "./support/victoria-metrics.js";

/**
 * Issue 13 item 2, live: the two replicas of the Prometheus pair (configs made by the same generator as
 * prometheus/ha/, from a single config scaled to seconds) scrape one real target, evaluate one recording
 * rule and remote-write to a real VictoriaMetrics with the deployed settings (src/ha/long-term-store.ts).
 * The store must answer the rule's series once (no `replica` label, one sample per evaluation, at the
 * timestamps both replicas share), and keep getting it from replica b once replica a is stopped.
 */
const run = promisify(execFile);
const RULE = "smt:probe_success:sum";
const INTERVAL_MS = 1_000;

let dir: string;
let target: Server;
let store: VictoriaMetricsServer | undefined;
const replicas = new Map<string, PrometheusServer>();

/** A raw export of the store's samples of the rule (GET /api/v1/export: after dedup, before any PromQL). */
async function storedSamples(): Promise<{ metric: Record<string, string>; timestamps: number[] }[]> {
  const res = await fetch(`${store!.url}/api/v1/export?${new URLSearchParams({ "match[]": RULE })}`);
  const text = await res.text();
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as { metric: Record<string, string>; timestamps: number[] });
}

/** Polls until `check` holds (the store's data arrive with the replicas' remote-write batches). */
async function eventually<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    await store!.flush();
    last = await read();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms; last seen ${JSON.stringify(last)}\n${store!.log()}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "smt-pair-"));
  target = createServer((_req, res) => {
    res.setHeader("content-type", "text/plain; version=0.0.4");
    res.end('smt_probe_success{service="gui",check="gui_home",location="austin"} 1\n');
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  const port = (target.address() as { port: number }).port;
  store = await startVictoriaMetrics({ dir: join(dir, "store"), scrapeIntervalMs: INTERVAL_MS });
  const rules = join(dir, "pair.rules.yml");
  writeFileSync(rules, `groups:\n  - name: pair\n    rules:\n      - record: ${RULE}\n        expr: sum by (service) (smt_probe_success)\n`);
  const single =
    `global:\n  scrape_interval: ${INTERVAL_MS}ms\n  evaluation_interval: ${INTERVAL_MS}ms\n` +
    `rule_files:\n  - ${rules}\n` +
    `scrape_configs:\n  - job_name: smt-exporter\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`;
  for (const replica of PROMETHEUS_REPLICAS) {
    const config = prometheusReplicaConfig(single, { replica, remoteWriteUrl: `${store.url}/api/v1/write` });
    replicas.set(replica, await startPrometheus({ dir: join(dir, `prometheus-${replica}`), config }));
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([...replicas.values()].map((p) => p.stop()));
  await store?.stop();
  await new Promise((resolve) => target?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the Prometheus pair remote-writes to one deduplicated long-term store (real Prometheus x2, VictoriaMetrics)", () => {
  it("the store answers the recording rule's series once, at the replicas' shared evaluation instants, and keeps it when a replica stops", async () => {
    // each replica has its own copy, labelled with its replica
    for (const [replica, prometheus] of replicas) {
      const own = await eventually(
        `replica ${replica} records`,
        () => instantQuery(prometheus.url, RULE),
        (r) => r.length > 0,
      );
      expect(own.map((s) => s.metric[REPLICA_LABEL])).toEqual([undefined]); // external labels are added on the way out only
    }
    const stored = await eventually("the store holds 5 evaluations", storedSamples, (s) => s.length > 0 && s[0]!.timestamps.length >= 5);
    expect(stored, "one series, without the replica label").toHaveLength(1);
    expect(stored[0]!.metric).toEqual({ __name__: RULE, service: "gui" });
    const ts = stored[0]!.timestamps;
    expect(new Set(ts).size, "one sample per evaluation").toBe(ts.length);
    for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!, `evaluations ${i - 1} and ${i}`).toBeGreaterThanOrEqual(INTERVAL_MS);
    // both replicas evaluated at the same instants (same rule file path and group: same phase)
    const phases = new Set(ts.map((t) => t % INTERVAL_MS));
    expect(phases.size, `phases ${[...phases].join(", ")}`).toBe(1);

    // replica a stops: replica b alone keeps the series going
    const stoppedAt = Date.now();
    await replicas.get("a")!.stop();
    replicas.delete("a");
    const later = await eventually(
      "samples after replica a stopped",
      storedSamples,
      (s) => (s[0]?.timestamps ?? []).filter((t) => t > stoppedAt + 2 * INTERVAL_MS).length >= 3,
    );
    expect(later).toHaveLength(1);
  }, 90_000);
});

describe("the store's relabeling (real VictoriaMetrics)", () => {
  it("merges the replicas' copies of a series, but keeps the replicas' own metrics (job prometheus, same address on both) apart", async () => {
    const at = Date.now() - 60_000;
    const lines = PROMETHEUS_REPLICAS.flatMap((replica, i) => [
      { metric: { __name__: "up", job: PROMETHEUS_SELF_JOB, instance: "127.0.0.1:9090", [REPLICA_LABEL]: replica }, values: [i], timestamps: [at] },
      { metric: { __name__: "up", job: "smt-exporter", instance: "127.0.0.1:9910", [REPLICA_LABEL]: replica }, values: [1], timestamps: [at] },
    ]);
    const res = await fetch(`${store!.url}/api/v1/import`, { method: "POST", body: lines.map((l) => JSON.stringify(l)).join("\n") + "\n" });
    expect(res.status).toBe(204);
    await store!.flush();
    const series = await fetch(`${store!.url}/api/v1/export?${new URLSearchParams({ "match[]": 'up{instance=~"127.0.0.1:(9090|9910)"}' })}`).then((r) =>
      r.text(),
    );
    const metrics = series
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => (JSON.parse(l) as { metric: Record<string, string> }).metric)
      .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(metrics).toEqual([
      { __name__: "up", job: PROMETHEUS_SELF_JOB, instance: "127.0.0.1:9090", [PROMETHEUS_REPLICA_LABEL]: "a" },
      { __name__: "up", job: PROMETHEUS_SELF_JOB, instance: "127.0.0.1:9090", [PROMETHEUS_REPLICA_LABEL]: "b" },
      { __name__: "up", job: "smt-exporter", instance: "127.0.0.1:9910" },
    ]);
  });
});

describe("the pair's deployed files (prometheus/ha/)", () => {
  const prometheusDir = join(ROOT, "prometheus");
  const files = renderPrometheusPairFiles(readFileSync(join(prometheusDir, "prometheus.yml"), "utf8"));

  it("are what the generator makes from prometheus/prometheus.yml (run scripts/generate-prometheus-pair.mjs after changing it)", () => {
    for (const [name, text] of files) expect(readFileSync(join(prometheusDir, PAIR_FOLDER, name), "utf8"), name).toBe(text);
  });

  it("pass `promtool check config`, with the single config's rule files, and differ from it only in the replica, alert relabeling and remote write", async () => {
    const configs = PROMETHEUS_REPLICAS.map((r) => `prometheus-${r}.yml`);
    const { stdout } = await run("promtool", ["check", "config", ...configs], { cwd: join(prometheusDir, PAIR_FOLDER) });
    expect(stdout.match(/is valid prometheus config file syntax/g)).toHaveLength(2);
    expect(stdout).toContain("../rules/smt-availability.rules.yml");
    const b = files.get("prometheus-b.yml")!;
    expect(b).toMatch(/external_labels:\n\s+replica: b\n/);
    expect(b).toMatch(/alert_relabel_configs:\n\s+- action: labeldrop\n\s+regex: replica\n/);
    expect(b).toMatch(/remote_write:\n\s+- url: http:\/\/127\.0\.0\.1:8428\/api\/v1\/write\n/);
    expect(files.get("victoria-metrics.default")).toContain("-retentionPeriod=13 -dedup.minScrapeInterval=15s");
  });
});
