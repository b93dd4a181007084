import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ALERT_EVALUATION_INTERVAL, DEMO_RULE_PARAMETERS } from "../src/demo/demo-setup.js";
import { Exporter } from "../src/exporter/exporter.js";
import { availabilityRuleFiles, RULE_GROUP_NAMES, type AvailabilityRuleParameters } from "../src/rules/availability-rules.js";
import { renderRuleFile } from "../src/rules/render-rule-file.js";
import { placeRuleFolder } from "../src/rules/rule-group-phase.js";
import { startAlertmanager, testAlertmanagerConfig, type RunningAlertmanager } from "./support/alertmanager.js";
import { captureLogger } from "./support/capture-logger.js";
import { waitFor } from "./support/http.js";
import { WEBHOOK_TOKEN, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";
import { instantQuery, startPrometheus, type PrometheusServer } from "./support/prometheus-server.js";
import { startSimulatorFixture, type SimulatorFixture } from "./support/simulator-fixture.js";

/**
 * Issue 10, the call center end to end with nothing posted by hand: the simulator's phone-system
 * status feed (fault phone_system_down) -> a real exporter's status_feed check -> a real Prometheus
 * scraping it every 5 s and evaluating OUR generated rule files -> a real Alertmanager (the
 * repository's alertmanager.yml, short group timings) -> the real notifier, which drafts INITIAL and,
 * once the feed says up again, COMPLETION.
 *
 * The rules are the production generator's output with the demo's parameters (the demo's threshold of
 * 1 minute instead of 15, its alert group every 10 s) and an incident that ends after 1 available
 * minute instead of 5: the same expressions, only the minute counts differ, so the chain runs in about
 * five minutes of wall-clock time (a minute is recorded about 75 s after it began) instead of half an
 * hour. The 15-minute threshold itself is covered by promtool (prometheus/tests/call-center.test.yml).
 */
const MINUTE = 60_000;
const PARAMETERS: AvailabilityRuleParameters = { ...DEMO_RULE_PARAMETERS, incidentRecoveryMinutes: 1 };

let dir: string;
let fx: SimulatorFixture;
let exporter: Exporter;
let notifier: RunningNotifier;
let am: RunningAlertmanager;
let prometheus: PrometheusServer;

/** The generated rule files for PARAMETERS, in a folder where the minute group runs 12-22 s into the minute. */
async function writeRules(): Promise<string> {
  const files = availabilityRuleFiles(PARAMETERS).map((f) => ({
    ...f,
    groups: f.groups.map((g) => (g.name === RULE_GROUP_NAMES.alerts ? { ...g, interval: DEMO_ALERT_EVALUATION_INTERVAL } : g)),
  }));
  const minuteFile = files.find((f) => f.groups.some((g) => g.name === RULE_GROUP_NAMES.minutes))!;
  const { folder } = await placeRuleFolder(dir, "rules", [
    { file: minuteFile.name, group: RULE_GROUP_NAMES.minutes, intervalMs: MINUTE, fromMs: 12_000, toMs: 22_000 },
  ]);
  for (const f of files) writeFileSync(join(folder, f.name), renderRuleFile(f, "test/call-center-live-chain.test.ts"));
  return join(folder, "*.rules.yml");
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "smt-cc-live-"));
  fx = await startSimulatorFixture();
  const exporterConfig = join(dir, "exporter.yaml");
  writeFileSync(
    exporterConfig,
    `location: it-austin
defaults: { interval: 5s, timeout: 3s }
checks:
  - name: call_center_phone_system
    service: call_center
    kind: status_feed
    status_feed: { url: "http://127.0.0.1:${fx.sim.ports.admin}/call-center/status" }
`,
  );
  exporter = new Exporter({ configFile: exporterConfig, logger: captureLogger().logger, listenAddress: { host: "127.0.0.1", port: 0 } });
  const { port } = await exporter.start();
  notifier = await startNotifier();
  am = await startAlertmanager(dir, testAlertmanagerConfig(dir, notifier.url, WEBHOOK_TOKEN));
  const rules = await writeRules();
  prometheus = await startPrometheus({
    dir,
    config: `global:
  scrape_interval: 5s
  scrape_timeout: 4s
  evaluation_interval: 1m
rule_files: ["${rules}"]
alerting:
  alertmanagers: [{ static_configs: [{ targets: ["${am.url.replace("http://", "")}"] }] }]
scrape_configs:
  - job_name: smt-exporter
    static_configs: [{ targets: ["127.0.0.1:${port}"] }]
`,
  });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await am?.stop();
  await notifier?.stop();
  await exporter?.stop();
  await fx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the call center's status feed through exporter, Prometheus (our rules), Alertmanager and notifier", () => {
  it(
    "phone_system_down drafts INITIAL naming the call center; the feed back up drafts COMPLETION",
    async () => {
      const notices = () => notifier.notifier.store.listNotices({ service: "call_center", limit: 100 }).reverse();
      const log = () =>
        `\nprometheus:\n${prometheus.log().slice(-2000)}\nalertmanager:\n${am.output().slice(-2000)}\nnotifier:\n${notifier.logs().slice(-2000)}`;
      await waitFor(
        "the first scrape of the call center's feed",
        async () => ((await instantQuery(prometheus.url, 'smt_probe_success{service="call_center"} == 1')).length ? true : undefined),
        60_000,
        500,
      );
      expect(notices()).toEqual([]);

      const injected = Date.now();
      expect(await fx.sim.setFault("call_center", "phone_system_down")).toBeUndefined();
      await waitFor(`the INITIAL draft${log()}`, async () => (notices().length > 0 ? true : undefined), 5 * MINUTE, 1_000);
      const initial = notices()[0]!;
      console.log(`call center down at ${new Date(injected).toISOString()}; INITIAL drafted ${Math.round((Date.now() - injected) / 1000)} s later`);
      expect(initial.kind).toBe("INITIAL");
      expect(initial.services).toEqual(["call_center"]);
      expect(initial.subject).toMatch(/INITIAL: Unplanned Outage - Smart Meter Texas call center$/);
      // The outage starts at the first unavailable minute the rules recorded: the fault's minute or the next.
      const firing = await instantQuery(prometheus.url, 'ALERTS{alertname="SMTUnplannedOutage",alertstate="firing",service="call_center"}');
      expect(firing).toHaveLength(1);
      const starts = await instantQuery(prometheus.url, 'smt:service_unplanned_outage:start_timestamp_seconds{service="call_center"}');
      const startMs = (starts[0]?.value ?? 0) * 1000;
      expect([Math.floor(injected / MINUTE) * MINUTE, Math.floor(injected / MINUTE) * MINUTE + MINUTE]).toContain(startMs);

      const cleared = Date.now();
      await fx.sim.clearFaults("call_center");
      await waitFor(`the COMPLETION draft${log()}`, async () => (notices().length === 2 ? true : undefined), 5 * MINUTE, 1_000);
      console.log(`call center up at ${new Date(cleared).toISOString()}; COMPLETION drafted ${Math.round((Date.now() - cleared) / 1000)} s later`);
      expect(notices().map((n) => n.kind)).toEqual(["INITIAL", "COMPLETION"]);
      expect(notices()[1]!.body).toMatch(/LONG DESCRIPTION: The unplanned outage of the Smart Meter Texas call center has ended\./);
      // Only the call center: no other service is probed, so nothing else was noticed.
      expect(notifier.notifier.store.listNotices({ limit: 100 }).map((n) => n.services)).toEqual([["call_center"], ["call_center"]]);
    },
    13 * MINUTE,
  );
});
