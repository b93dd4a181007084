import { createServer, type Server } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNotifierConfig } from "../src/config/notifier-load.js";
import { Exporter } from "../src/exporter/exporter.js";
import { Notifier } from "../src/notices/notifier.js";
import { ALERT_ANNOTATIONS as A, ALERT_LABELS, ALERT_NAMES, SEVERITIES } from "../src/rules/alert-contract.js";
import { startSimulator, type RunningSimulator } from "../src/simulator/simulator.js";
import { startAlertmanager, testAlertmanagerConfig, type RunningAlertmanager } from "./support/alertmanager.js";
import { captureLogger } from "./support/capture-logger.js";
import { get, sample, waitFor } from "./support/http.js";
import { REVIEWER, WEBHOOK_TOKEN, basic, freePort, writeNotifierConfig } from "./support/notifier-fixture.js";

/**
 * Issue 10 item 3, end to end: the simulator's late_data fault on the file delivery, read by a real
 * exporter's SFTP energy-data check (time to market), raised as SMTDataDeliveryLate through a real
 * Alertmanager 0.25 (the repository's alertmanager.yml, short timings) to the real notifier, yields
 * exactly one BUSINESS_PROCESS draft however often Alertmanager repeats it and Prometheus re-sends it,
 * announced on the on-call channel and on the review page with its .eml; then, once the data
 * arrives (the fault cleared, the check sees the day), the resolution yields its COMPLETION.
 *
 * The alert is posted to Alertmanager as Prometheus would send it, its annotations computed from the
 * exporter's series as the rule does (the rule itself: prometheus/tests/data-delivery.test.yml,
 * promtool), so the test does not wait the rule's 20 minutes.
 */
const ZONE = "America/Chicago";
const ONCOR = "10443720000000001";
const CNP = "1008901000000000000001";
/** Noon Central a few days ago: the exporter's clock (the notifier's and Alertmanager's are real). */
const noon = DateTime.now().setZone(ZONE).startOf("day").minus({ days: 4 }).set({ hour: 12 });
const realStart = Date.now();
const clock = { now: () => noon.toMillis() + (Date.now() - realStart), random: () => 0.99 };
const labels = { service: "ftps", check: "sftp_interval_data", location: "it" };
const ymd = (seconds: number) => DateTime.fromSeconds(seconds, { zone: ZONE }).toISODate()!;

let dir: string;
let sim: RunningSimulator;
let exporter: Exporter;
let exporterUrl: string;
let notifier: Notifier;
let notifierUrl: string;
let am: RunningAlertmanager;
let chat: Server;
const chatMessages: { text: string; notice: { id: string; kind: string } }[] = [];

async function scrape(): Promise<string> {
  // twice: a run already going is waited for, then a fresh one runs
  await exporter.marketData.runAllNow();
  await exporter.marketData.runAllNow();
  const res = await get(`${exporterUrl}/metrics`);
  expect(res.status).toBe(200);
  return res.text;
}

/** SMTDataDeliveryLate for the file delivery as Prometheus sends it to Alertmanager, from the exporter's series. */
function lateAlert(text: string, endsAt: Date): Record<string, unknown> {
  const expected = sample(text, "smt_data_expected_usage_day_timestamp_seconds", labels)!;
  const latest = sample(text, "smt_data_latest_usage_day_timestamp_seconds", labels);
  const deadline = sample(text, "smt_data_expected_usage_day_deadline_timestamp_seconds", labels)!;
  return {
    labels: { [ALERT_LABELS.alertname]: ALERT_NAMES.dataDeliveryLate, [ALERT_LABELS.service]: "ftps", [ALERT_LABELS.severity]: SEVERITIES.warning },
    annotations: {
      [A.summary]: `SMT FTPS energy data for ${ymd(expected)} is late`,
      [A.description]: "The energy data is not available although its delivery deadline has passed.",
      [A.runbookUrl]: "https://github.com/smt-monitor/smt-monitor/blob/main/docs/runbook.md#smtdatadeliverylate",
      [A.usageDay]: ymd(expected),
      [A.deadlineTimestamp]: String(deadline),
      [A.latestUsageDay]: latest === undefined ? "" : ymd(latest),
    },
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: endsAt.toISOString(),
    generatorURL: "http://prometheus.example/graph?g0.expr=smt",
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "smt-bpf-"));
  sim = await startSimulator({ stateDir: join(dir, "sim"), ports: { admin: 0, gui: 0, api: 0, han: 0, ftps: 0, sftp: 0 }, now: clock.now });
  const exporterConfig = join(dir, "exporter.yaml");
  writeFileSync(
    exporterConfig,
    `listen_address: "127.0.0.1:0"
location: it
checks: []
energy_data:
  canary_esiids: ["${ONCOR}", "${CNP}"]
  interval: 1h
  timeout: 20s
  checks:
    - name: sftp_interval_data
      service: ftps
      kind: sftp
      sftp:
        host: 127.0.0.1
        port: ${sim.ports.sftp}
        username: ${sim.credentials.ftpsUsername}
        private_key_file: ${sim.files.sftpPrivateKey}
        passphrase_file: ${sim.files.sftpPassphrase}
        host_key_sha256: "${sim.sftpHostKeySha256}"
        file_pattern: '^IntervalMeterUsage(?<ts>\\d{14})_\\d+\\.CSV\\.\\d+\\.asc$'
        file_time: name
      files: { max_files: 2 }
`,
  );
  exporter = new Exporter({ configFile: exporterConfig, logger: captureLogger().logger, clock, listenAddress: { host: "127.0.0.1", port: 0 } });
  exporterUrl = `http://127.0.0.1:${(await exporter.start()).port}`;

  chat = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      chatMessages.push(JSON.parse(body) as (typeof chatMessages)[number]);
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => chat.listen(0, "127.0.0.1", resolve));
  const chatPort = (chat.address() as { port: number }).port;

  const port = await freePort();
  notifierUrl = `http://127.0.0.1:${port}`;
  const notifierDir = join(dir, "notifier");
  mkdirSync(notifierDir);
  const configFile = writeNotifierConfig(notifierDir, {
    port,
    channels: `  - name: oncall-chat\n    kind: webhook\n    url: http://127.0.0.1:${chatPort}/hook`,
  });
  notifier = new Notifier({ config: loadNotifierConfig(configFile), logger: captureLogger().logger, tickIntervalMs: 60_000 });
  await notifier.start();
  am = await startAlertmanager(dir, testAlertmanagerConfig(dir, notifierUrl, WEBHOOK_TOKEN));
}, 90_000);

afterAll(async () => {
  await am?.stop();
  await notifier?.stop();
  await exporter?.stop();
  await sim?.stop();
  await new Promise<void>((resolve) => (chat ? chat.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const notices = () => notifier.store.listNotices({ limit: 100 }).reverse();
const deliveriesOf = (alertname: string) =>
  (notifier.store.db.prepare("SELECT count(*) AS n FROM deliveries WHERE group_key LIKE ?").get(`%${alertname}%`) as { n: number }).n;
const deliveries = () => deliveriesOf(ALERT_NAMES.dataDeliveryLate);

describe("the simulator's late_data fault through a real Alertmanager", () => {
  it("yields exactly one Business Process Failure draft, then its COMPLETION when the data arrives", async () => {
    // The day before yesterday's file is due (23:00 yesterday) and, 42 hours late, not there.
    expect(await sim.setFault("ftps", "late_data", 42 * 3_600_000)).toBeUndefined();
    const late = await scrape();
    expect(sample(late, "smt_data_check_success", labels)).toBe(1);
    const expected = sample(late, "smt_data_expected_usage_day_timestamp_seconds", labels)!;
    expect(sample(late, "smt_data_latest_usage_day_timestamp_seconds", labels) ?? 0).toBeLessThan(expected);
    const deadline = sample(late, "smt_data_expected_usage_day_deadline_timestamp_seconds", labels)!;
    // FTPS: 23:00 Central on the day after the usage day.
    expect(deadline * 1000).toBe(DateTime.fromSeconds(expected, { zone: ZONE }).plus({ days: 1 }).set({ hour: 23 }).toMillis());

    const firing = lateAlert(late, new Date(Date.now() + 3_600_000));
    await am.post([firing]);
    await waitFor("the BUSINESS_PROCESS draft", async () => (notices().length > 0 ? true : undefined), 30_000);
    // Prometheus re-sends the firing alert at every evaluation, Alertmanager repeats the notification.
    await am.post([firing]);
    await waitFor("repeat notifications", async () => (deliveries() >= 3 ? true : undefined), 30_000);
    expect(notices().map((n) => n.kind)).toEqual(["BUSINESS_PROCESS"]);
    const failure = notices()[0]!;
    const day = DateTime.fromSeconds(expected, { zone: ZONE });
    const deadlineText = DateTime.fromSeconds(deadline, { zone: ZONE }).toFormat("HH:mm ZZZZ 'on' cccc, LLLL d, yyyy");
    expect(failure.subject).toMatch(/ Business Process Failure - Energy Data Delivery Late - Smart Meter Texas file delivery \(SFTP\/FTPS\)$/);
    expect(failure.body.replace(/\s+/g, " ")).toContain(
      `The energy data of usage day ${day.toFormat("cccc, LLLL d, yyyy")} was not available on the Smart Meter Texas file delivery (SFTP/FTPS) by its delivery deadline, ${deadlineText}.`,
    );

    // The same review page, .eml and channel as outage notices.
    const page = await fetch(`${notifierUrl}/notices/${encodeURIComponent(failure.id)}`, { headers: { authorization: basic(REVIEWER) } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Business Process Failure - Energy Data Delivery Late");
    const eml = await fetch(`${notifierUrl}/notices/${encodeURIComponent(failure.id)}/eml`, { headers: { authorization: basic(REVIEWER) } });
    expect(eml.status).toBe(200);
    // Header lines are folded at 78 characters: unfold before reading the subject.
    expect((await eml.text()).replace(/\r?\n[ \t]+/g, " ")).toMatch(/^Subject: .*Business Process Failure - Energy Data Delivery Late/m);
    await waitFor("the on-call announcement", async () => (chatMessages.some((m) => m.notice.id === failure.id) ? true : undefined), 20_000);
    expect(chatMessages.find((m) => m.notice.id === failure.id)!.notice.kind).toBe("BUSINESS_PROCESS");

    // The data arrives: the check sees the day, the rule's expression is false, the alert resolves.
    await sim.clearFaults();
    const arrived = await scrape();
    expect(sample(arrived, "smt_data_latest_usage_day_timestamp_seconds", labels)!).toBeGreaterThanOrEqual(
      sample(arrived, "smt_data_expected_usage_day_timestamp_seconds", labels)!,
    );
    await am.post([lateAlert(late, new Date())]);
    await waitFor("the COMPLETION draft", async () => (notices().length >= 2 ? true : undefined), 30_000);
    expect(notices().map((n) => n.kind)).toEqual(["BUSINESS_PROCESS", "BUSINESS_PROCESS_COMPLETION"]);
    const completion = notices()[1]!;
    expect(completion.id).toBe(failure.id.replace(/-01$/, "-02"));
    expect(completion.subject).toContain("COMPLETION: Business Process Failure Resolved - Energy Data Delivery Late");
    expect(completion.body.replace(/\s+/g, " ")).toMatch(
      new RegExp(
        `by its delivery deadline, ${deadlineText}\\. It has been available since \\d\\d:\\d\\d C[SD]T on .+, \\d+ days? .*after (its delivery deadline|the deadline of usage day .+)\\.`,
      ),
    );
    await waitFor("the COMPLETION's announcement", async () => (chatMessages.some((m) => m.notice.id === completion.id) ? true : undefined), 20_000);
  }, 150_000);

  it("the simulator's flawed_data fault: the canary meters that failed, raised as SMTDataQualityFailing, yield one Energy Data Quality draft", async () => {
    expect(await sim.setFault("ftps", "flawed_data")).toBeUndefined();
    const text = await scrape();
    // The first canary's newest day has a missing, a duplicate and a negative interval; the second is clean.
    expect(sample(text, "smt_data_quality_meters", { ...labels, figure: "checked" })).toBe(2);
    expect(sample(text, "smt_data_quality_meters", { ...labels, figure: "failed" })).toBe(1);
    const day = ymd(sample(text, "smt_data_quality_usage_day_timestamp_seconds", labels)!);
    const before = notices().length;
    const alert = {
      labels: { [ALERT_LABELS.alertname]: ALERT_NAMES.dataQualityFailing, [ALERT_LABELS.service]: "ftps", [ALERT_LABELS.severity]: SEVERITIES.warning },
      annotations: { [A.usageDay]: day, [A.failedMeters]: "1", [A.meters]: "2", [A.failedMeterShareLimit]: "0.05" },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    };
    await am.post([alert]);
    await waitFor("the BUSINESS_PROCESS draft", async () => (notices().length > before ? true : undefined), 30_000);
    await am.post([alert]);
    await waitFor("repeat notifications", async () => (deliveriesOf(ALERT_NAMES.dataQualityFailing) >= 3 ? true : undefined), 30_000);
    const drafted = notices().slice(before);
    expect(drafted.map((n) => n.kind)).toEqual(["BUSINESS_PROCESS"]);
    expect(drafted[0]!.subject).toContain("Business Process Failure - Energy Data Quality - Smart Meter Texas file delivery (SFTP/FTPS)");
    expect(drafted[0]!.body.replace(/\s+/g, " ")).toContain("for 1 of 2 canary meters (50 %; notices are drafted above 5 %).");
    await sim.clearFaults();
  }, 120_000);
});
