import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNotifierConfig } from "../src/config/notifier-load.js";
import { Notifier } from "../src/notices/notifier.js";
import { ALERT_NAMES, NOTICE_ALERT_NAMES } from "../src/rules/alert-contract.js";
import { AMTOOL, promAlert, startAlertmanager, testAlertmanagerConfig, type RunningAlertmanager } from "./support/alertmanager.js";
import { captureLogger } from "./support/capture-logger.js";
import { waitFor } from "./support/http.js";
import { WEBHOOK_TOKEN, freePort, writeNotifierConfig } from "./support/notifier-fixture.js";

/**
 * End to end with a real Alertmanager 0.25 (Debian package) delivering to the real notifier over
 * loopback, routed by the repository's alertmanager/alertmanager.yml (only URL, token file and
 * timings changed for the test).
 */
describe("prometheus/notices: the notifier's alerts (real promtool)", () => {
  const dir = join(__dirname, "..", "prometheus", "notices");
  it("pass promtool check rules --lint=all --lint-fatal and their promtool unit tests", () => {
    expect(execFileSync("promtool", ["check", "rules", "--lint=all", "--lint-fatal", join(dir, "smt-notices.rules.yml")]).toString()).toContain(
      "SUCCESS: 2 rules found",
    );
    expect(execFileSync("promtool", ["test", "rules", "smt-notices.test.yml"], { cwd: dir }).toString()).toContain("SUCCESS");
  });
});

describe("alertmanager/alertmanager.yml", () => {
  it("passes amtool check-config and routes every SMT alert, grouped by alertname and service, to the notifier", () => {
    const file = join(__dirname, "..", "alertmanager", "alertmanager.yml");
    expect(execFileSync(AMTOOL, ["check-config", file]).toString()).toContain("SUCCESS");
    // Every alert the rules export (src/rules/alert-contract.ts; test/alert-contract.test.ts checks the rule files).
    for (const alertname of [...Object.values(ALERT_NAMES), ...Object.values(NOTICE_ALERT_NAMES)]) {
      const out = execFileSync(AMTOOL, ["config", "routes", "test", "--config.file", file, `alertname=${alertname}`, "service=gui"])
        .toString()
        .trim();
      expect(out).toBe("smt-notifier");
    }
    expect(execFileSync(AMTOOL, ["config", "routes", "test", "--config.file", file, "alertname=Watchdog"]).toString().trim()).toBe("blackhole");
  });
});

describe("a real Alertmanager 0.25 delivering to the notifier", () => {
  let dir: string;
  let port: number;
  let configFile: string;
  let notifier: Notifier | undefined;
  const ams: RunningAlertmanager[] = [];

  const startNotifier = async () => {
    notifier = new Notifier({ config: loadNotifierConfig(configFile), logger: captureLogger().logger, tickIntervalMs: 60_000 });
    await notifier.start();
  };
  const notices = () => notifier!.store.listNotices({ limit: 1000 }).reverse();
  const resolvedDeliveries = (groupKeyPart: string) =>
    (
      notifier!.store.db.prepare("SELECT count(*) AS n FROM deliveries WHERE status = 'resolved' AND group_key LIKE ?").get(`%${groupKeyPart}%`) as {
        n: number;
      }
    ).n;
  const deliveries = (groupKeyPart: string) =>
    (notifier!.store.db.prepare("SELECT count(*) AS n FROM deliveries WHERE group_key LIKE ?").get(`%${groupKeyPart}%`) as { n: number }).n;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "smt-am-"));
    port = await freePort();
    configFile = writeNotifierConfig(dir, { port });
  });
  afterAll(async () => {
    await Promise.all(ams.map((am) => am.stop()));
    await notifier?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("notifier down for the first delivery: Alertmanager retries and exactly one INITIAL draft results", async () => {
    const amConfig = testAlertmanagerConfig(dir, `http://127.0.0.1:${port}`, WEBHOOK_TOKEN);
    const am = await startAlertmanager(dir, amConfig);
    ams.push(am);
    const start = Math.floor(Date.now() / 1000) - 1800;
    const t0 = Date.now();
    const mark = (what: string) => process.stderr.write(`[alertmanager test] ${what} after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    await am.post([promAlert({ service: "api", start })]);
    // Nothing listens yet: wait until Alertmanager has failed at least once.
    await waitFor(
      "a failed webhook delivery",
      async () => ((await am.metric("alertmanager_notifications_failed_total", { integration: "webhook" })) > 0 ? true : undefined),
      20_000,
    );
    mark("first failed delivery");
    await startNotifier();
    await waitFor("the INITIAL draft", async () => (notices().length > 0 ? true : undefined), 30_000);
    mark("INITIAL draft");
    // Let a few more repeats arrive.
    await waitFor("repeat notifications", async () => (deliveries('service="api"') >= 3 ? true : undefined), 20_000);
    expect(notices().map((n) => n.kind)).toEqual(["INITIAL"]);
    const initial = notices()[0]!;
    expect(initial.subject).toMatch(/^SMT-M-\(provisional-\d+\)-01 INITIAL: Unplanned Outage - Smart Meter Texas energy data API$/);
    // The alert's summary stays with on-call; the market text is the operator wording.
    expect(initial.body).not.toContain("SMT api unavailable for over 15 minutes");
    expect(initial.body).toMatch(/unplanned outage of the energy data API since \d\d:\d\d C[SD]T on /);

    // Resolve: one COMPLETION, with start, end and duration.
    await am.post([promAlert({ service: "api", start, endsAt: new Date() })]);
    await waitFor("the COMPLETION draft", async () => (notices().length === 2 ? true : undefined), 20_000);
    // A second delivery of the resolution (where a duplicate COMPLETION could come from) is the HA pair's test below:
    // one Alertmanager does not send a resolution twice (its notification log).
    expect(notices().map((n) => n.kind)).toEqual(["INITIAL", "COMPLETION"]);
    const completion = notices()[1]!;
    expect(completion.id).toBe(initial.id.replace(/-01$/, "-02"));
    expect(completion.body).toMatch(
      /LONG DESCRIPTION: The unplanned outage of the Smart Meter Texas energy data API has ended\. Service was restored at \d\d:\d\d C[SD]T on .+, after being unavailable for \d+ minutes? since \d\d:\d\d C[SD]T on .+\./,
    );
  }, 150_000);

  it("an outage injected into an HA pair (two Alertmanagers) with repeats yields exactly one INITIAL and one COMPLETION in the ERCOT format; other alerts draft nothing", async () => {
    const second = await startAlertmanager(dir, testAlertmanagerConfig(dir, `http://127.0.0.1:${port}`, WEBHOOK_TOKEN));
    ams.push(second);
    const pair = [ams[0]!, second];
    const before = notices().length;
    const start = Math.floor(Date.now() / 1000) - 1000;
    const other = promAlert({ alertname: "SMTProbeDataMissing", service: "han", start });
    await Promise.all(pair.map((am) => am.post([promAlert({ service: "gui", start }), other])));
    await waitFor("repeats from both", async () => (deliveries('service="gui"') >= 6 ? true : undefined), 30_000);
    expect(
      notices()
        .slice(before)
        .map((n) => n.kind),
    ).toEqual(["INITIAL"]);
    expect(deliveries("SMTProbeDataMissing")).toBeGreaterThanOrEqual(2);
    expect(notifier!.store.listAlerts().some((a) => a.alertname === "SMTProbeDataMissing")).toBe(true);

    await Promise.all(pair.map((am) => am.post([promAlert({ service: "gui", start, endsAt: new Date() })])));
    await waitFor("the COMPLETION draft", async () => (notices().length === before + 2 ? true : undefined), 20_000);
    // Both Alertmanagers delivered the resolution: the second one must not make a second COMPLETION.
    await waitFor("the resolution from both", async () => (resolvedDeliveries('service="gui"') >= 2 ? true : undefined), 20_000);
    const series = notices().slice(before);
    expect(series.map((n) => n.kind)).toEqual(["INITIAL", "COMPLETION"]);
    // A second incident is a series of its own (provisional until its first notice is sent); its notices count from -01.
    expect(series[0]!.id).toMatch(/^SMT-M-\(provisional-\d+\)-01$/);
    expect(series[0]!.id.replace(/-01$/, "")).not.toBe(notices()[0]!.id.replace(/-01$/, ""));
    const fields = [...series[1]!.body.matchAll(/^([A-Z ]+): /gm)].map((m) => m[1]);
    expect(fields).toEqual([
      "NOTICE DATE",
      "NOTICE TYPE",
      "SHORT DESCRIPTION",
      "INTENDED AUDIENCE",
      "DAYS AFFECTED",
      "LONG DESCRIPTION",
      "ACTION REQUIRED",
      "CONTACT",
    ]);
    expect(series[1]!.body).toContain(`NOTICE TYPE: ${series[1]!.id} Retail`);
  }, 150_000);
});
