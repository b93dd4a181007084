import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNotifierConfig } from "../src/config/notifier-load.js";
import { Notifier } from "../src/notices/notifier.js";
import { ALERT_ANNOTATIONS as A, ALERT_LABELS, ALERT_NAMES, SEVERITIES } from "../src/rules/alert-contract.js";
import type { Service } from "../src/config/schema.js";
import { startAlertmanagerCluster, testAlertmanagerConfig, type RunningAlertmanager } from "./support/alertmanager.js";
import { captureLogger } from "./support/capture-logger.js";
import { waitFor } from "./support/http.js";
import { WEBHOOK_TOKEN, freePort, writeNotifierConfig } from "./support/notifier-fixture.js";
import { startPrometheus, type PrometheusServer } from "./support/prometheus-server.js";

/** Each wait of a delivery: Alertmanager's retries and Prometheus' evaluations take longer on a machine running the whole suite (load 10-20). */
const BUSY_WAIT_MS = 60_000;

/**
 * An Alertmanager cluster (docs/ha.md, "Alertmanager cluster"): two real Alertmanagers 0.25 peered on
 * loopback (--cluster.listen-address, --cluster.peer), a real Prometheus sending its alerts to both,
 * and the real notifier behind them with its SQLite store. The alert is SMTUnplannedOutage with the
 * annotations of the alert contract, from a one-rule file evaluated every second on a series the test
 * serves (the generated rules need minutes of wall-clock time per outage; what is tested here is the
 * delivery path after Prometheus, which is the same).
 *
 * Both Alertmanagers deliver the same notification when neither has logged it yet, e.g. while the
 * notifier is away and both retry: the notifier is away when the outage begins (both deliver the
 * firing notification once it is back) and again when it ends. Exactly one INITIAL and one
 * COMPLETION must result, and again when one Alertmanager is killed (SIGKILL) mid-outage.
 */
const OUTAGE_METRIC = "test_outage_start_timestamp_seconds";

let dir: string;
let notifierPort: number;
let notifierConfig: string;
let notifier: Notifier | undefined;
let cluster: RunningAlertmanager[] = [];
let prometheus: PrometheusServer | undefined;
let target: Server;
/** The outages the scrape target reports: service -> start (Unix seconds). */
const outages = new Map<Service, number>();

const startNotifier = async () => {
  notifier = new Notifier({ config: loadNotifierConfig(notifierConfig), logger: captureLogger().logger, tickIntervalMs: 60_000 });
  await notifier.start();
};
const stopNotifier = async () => {
  await notifier?.stop();
  notifier = undefined;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "smt-am-cluster-"));
  notifierPort = await freePort();
  notifierConfig = writeNotifierConfig(dir, { port: notifierPort });
  cluster = await startAlertmanagerCluster(dir, testAlertmanagerConfig(dir, `http://127.0.0.1:${notifierPort}`, WEBHOOK_TOKEN), 2);
  target = createServer((_req, res) => {
    res.setHeader("content-type", "text/plain; version=0.0.4");
    res.end([...outages].map(([service, start]) => `${OUTAGE_METRIC}{service="${service}"} ${start}\n`).join(""));
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  const targetPort = (target.address() as { port: number }).port;
  const rules = `groups:
  - name: outage
    interval: 1s
    rules:
      - alert: ${ALERT_NAMES.unplannedOutage}
        expr: ${OUTAGE_METRIC}
        labels: { ${ALERT_LABELS.severity}: ${SEVERITIES.critical} }
        annotations:
          ${A.summary}: "SMT {{ $labels.service }} unavailable for more than 15 minutes"
          ${A.description}: "Unavailable at a majority of the probe locations."
          ${A.outageStartTimestamp}: '{{ printf "%.0f" $value }}'
`;
  writeFileSync(join(dir, "outage.rules.yml"), rules);
  prometheus = await startPrometheus({
    dir,
    config: `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ["${join(dir, "outage.rules.yml")}"]
alerting:
  alertmanagers:
    - static_configs:
        - targets: [${cluster.map((am) => `"${am.url.replace("http://", "")}"`).join(", ")}]
scrape_configs:
  - job_name: outage
    static_configs: [{ targets: ["127.0.0.1:${targetPort}"] }]
`,
    extraArgs: ["--rules.alert.resend-delay=1s"],
  });
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all(cluster.map((am) => am.stop()));
  await stopNotifier();
  await new Promise((resolve) => target?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const notices = (service: Service) =>
  notifier!.store
    .listNotices({ limit: 1000 })
    .reverse()
    .filter((n) => n.services.includes(service));
/** The Alertmanagers (their externalURL) that delivered a notification of this status for the service's group. */
const deliveredBy = (service: Service, status: "firing" | "resolved") =>
  new Set(
    (
      notifier!.store.db.prepare("SELECT payload FROM deliveries WHERE status = ? AND group_key LIKE ?").all(status, `%service="${service}"%`) as {
        payload: string;
      }[]
    ).map((row) => (JSON.parse(row.payload) as { externalURL: string }).externalURL),
  );
/** Webhook requests that failed (each attempt of Alertmanager's retries counts). */
const failedDeliveries = async (am: RunningAlertmanager) => am.metric("alertmanager_notification_requests_failed_total", { integration: "webhook" });

describe("an Alertmanager cluster of two, peered on loopback, with Prometheus sending to both", () => {
  it(
    "both Alertmanagers deliver the outage (the notifier away and back), and the notifier drafts exactly one INITIAL and one COMPLETION",
    async () => {
      // The notifier is away when the outage begins: both Alertmanagers fail and retry.
      const failedBefore = await Promise.all(cluster.map(failedDeliveries));
      outages.set("gui", Math.floor(Date.now() / 1000) - 1200);
      await waitFor(
        "both Alertmanagers failing to deliver",
        async () => ((await Promise.all(cluster.map(failedDeliveries))).every((n, i) => n > failedBefore[i]!) ? true : undefined),
        BUSY_WAIT_MS,
      );
      await startNotifier();
      await waitFor("the INITIAL draft", async () => (notices("gui").length > 0 ? true : undefined), BUSY_WAIT_MS);
      await waitFor("the firing notification from both", async () => (deliveredBy("gui", "firing").size === 2 ? true : undefined), BUSY_WAIT_MS);

      // The notifier goes away again, the outage ends, both retry the resolution.
      await stopNotifier();
      const failedMid = await Promise.all(cluster.map(failedDeliveries));
      outages.delete("gui");
      await waitFor(
        "both Alertmanagers failing to deliver the resolution",
        async () => ((await Promise.all(cluster.map(failedDeliveries))).every((n, i) => n > failedMid[i]!) ? true : undefined),
        BUSY_WAIT_MS,
      );
      await startNotifier();
      await waitFor("the COMPLETION draft", async () => (notices("gui").length === 2 ? true : undefined), BUSY_WAIT_MS);
      // The resolution comes from one of them or from both (the second drops it once the first one's
      // notification log has reached it by gossip); the firing notification came from both.
      expect(deliveredBy("gui", "resolved").size).toBeGreaterThanOrEqual(1);
      expect(notices("gui").map((n) => n.kind)).toEqual(["INITIAL", "COMPLETION"]);
      expect([...deliveredBy("gui", "firing")].sort()).toEqual(cluster.map((am) => am.url).sort());
    },
    8 * BUSY_WAIT_MS,
  );

  it(
    "one Alertmanager killed mid-outage: the other delivers the end, still exactly one INITIAL and one COMPLETION",
    async () => {
      outages.set("api", Math.floor(Date.now() / 1000) - 1200);
      await waitFor("the INITIAL draft", async () => (notices("api").length > 0 ? true : undefined), BUSY_WAIT_MS);
      const [killed, survivor] = cluster as [RunningAlertmanager, RunningAlertmanager];
      killed.child.kill("SIGKILL");
      await waitFor(
        "the killed Alertmanager gone",
        async () => (killed.child.exitCode !== null || killed.child.signalCode !== null ? true : undefined),
        10_000,
      );
      outages.delete("api");
      await waitFor("the COMPLETION draft", async () => (notices("api").length === 2 ? true : undefined), BUSY_WAIT_MS);
      expect(deliveredBy("api", "resolved")).toEqual(new Set([survivor.url]));
      expect(notices("api").map((n) => n.kind)).toEqual(["INITIAL", "COMPLETION"]);
    },
    6 * BUSY_WAIT_MS,
  );
});
