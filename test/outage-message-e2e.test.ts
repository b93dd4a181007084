import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { DEFAULT_DEMO_PORTS, prepareDemo } from "../src/demo/demo-setup.js";
import { Exporter } from "../src/exporter/exporter.js";
import { alertSignal } from "../src/notices/alert-signal.js";
import { ALERT_NAMES } from "../src/rules/alert-contract.js";
import { captureLogger } from "./support/capture-logger.js";
import { get, sample } from "./support/http.js";
import { startSimulatorFixture, type SimulatorFixture } from "./support/simulator-fixture.js";

/**
 * Issue 10, item 4, end to end without waiting real minutes: the demo's checks (config/demo.yaml,
 * derived as `smt-monitor demo` derives it, with its outage_message pattern) run in the real exporter
 * against the real simulator through three scenarios of the simulator's faults (a run whenever the
 * faults change and every 5 simulated minutes); the exporter's /metrics of each simulated minute is
 * fed to the production rules with promtool, minute k at k min.
 *
 * - the API refused from minute 5 and the homepage without the message (outage_message_missing):
 *   SMTOutageMessageMissing fires with SMTUnplannedOutage, at the 16th unavailable minute;
 * - the same outage with the simulator's banner: no alert on the message;
 * - the banner while nothing is down (outage_message_stale): SMTOutageMessageStale after 15 minutes.
 */
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const CHECKS = ["gui_home", "api_interval_reads"];
const FED_SERIES = ["smt_probe_success", "smt_homepage_outage_message_shown"];
const GUI = { service: "gui", check: "gui_home", location: "demo-local" };

interface Scenario {
  name: string;
  minutes: number;
  /** The simulator's faults in a minute. */
  faults(minute: number): [service: "gui" | "api", fault: string][];
  scrapes: string[];
}
const scenarios: Scenario[] = [
  {
    name: "the API refused from minute 5, the homepage without the message",
    minutes: 25,
    faults: (m) =>
      m < 5
        ? []
        : [
            ["api", "refused"],
            ["gui", "outage_message_missing"],
          ],
    scrapes: [],
  },
  {
    name: "the API refused from minute 5, the simulator's banner on the homepage",
    minutes: 25,
    faults: (m) => (m < 5 ? [] : [["api", "refused"]]),
    scrapes: [],
  },
  { name: "a stale banner, nothing down", minutes: 17, faults: () => [["gui", "outage_message_stale"]], scrapes: [] },
];

let fx: SimulatorFixture;
let exporter: Exporter;

beforeAll(async () => {
  fx = await startSimulatorFixture();
  const p = fx.sim.ports;
  const layout = await prepareDemo({
    dataDir: fx.dir,
    exporterTemplate: join(ROOT, "config", "demo.yaml"),
    alertmanagerTemplate: join(ROOT, "alertmanager", "alertmanager.yml"),
    ports: {
      ...DEFAULT_DEMO_PORTS,
      simulatorAdmin: p.admin,
      simulatorGui: p.gui,
      simulatorApi: p.api,
      simulatorHan: p.han,
      simulatorFtps: p.ftps,
      simulatorSftp: p.sftp,
    },
    now: Date.now(),
    keepState: true,
  });
  // The demo's portal and API checks as they are; the test runs them itself, once per simulated minute.
  const config = parse(readFileSync(layout.exporterConfig, "utf8")) as Record<string, unknown> & { checks: { name: string }[] };
  config.checks = config.checks.filter((c) => CHECKS.includes(c.name));
  config.defaults = { interval: "1h", timeout: "10s" };
  config.listen_address = "127.0.0.1:0";
  delete config.energy_data;
  delete config.market_figures;
  writeFileSync(layout.exporterConfig, stringify(config));
  exporter = new Exporter({ configFile: layout.exporterConfig, logger: captureLogger().logger, clock: { now: Date.now, random: () => 0.99 } });
  const base = `http://127.0.0.1:${(await exporter.start()).port}`;
  for (const scenario of scenarios) {
    let previous = "none";
    for (let minute = 0; minute < scenario.minutes; minute++) {
      // The checks run when the faults change and every 5 simulated minutes; between runs the gauges
      // hold the latest run's result, as a scrape would read them.
      const faults = scenario.faults(minute);
      if (JSON.stringify(faults) !== previous || minute % 5 === 0) {
        previous = JSON.stringify(faults);
        await fx.sim.clearFaults();
        for (const [service, fault] of faults) expect(await fx.sim.setFault(service, fault)).toBeUndefined();
        await exporter.runChecksNow();
      }
      const res = await get(`${base}/metrics`);
      expect(res.status).toBe(200);
      scenario.scrapes.push(res.text);
    }
  }
  await fx.sim.clearFaults();
}, 120_000);

afterAll(async () => {
  await exporter?.stop();
  await fx?.stop();
});

describe("the homepage outage message: the demo's checks on the simulator, the production rules", () => {
  it("the exporter's /metrics records the message during the simulator's faults, and the portal stays available", () => {
    const [missing, shown, stale] = scenarios.map((s) => s.scrapes);
    const at = (scrapes: string[], minute: number) => ({
      success: sample(scrapes[minute]!, "smt_probe_success", GUI),
      shown: sample(scrapes[minute]!, "smt_homepage_outage_message_shown", GUI),
      api: sample(scrapes[minute]!, "smt_probe_success", { service: "api" }),
    });
    expect(at(missing!, 4)).toEqual({ success: 1, shown: 0, api: 1 });
    expect(at(missing!, 10)).toEqual({ success: 1, shown: 0, api: 0 });
    expect(at(shown!, 10)).toEqual({ success: 1, shown: 1, api: 0 });
    expect(at(stale!, 10)).toEqual({ success: 1, shown: 1, api: 1 });
  });

  it("promtool: SMTOutageMessageMissing fires at the 16th minute of an outage without the message, SMTOutageMessageStale after 15 minutes of a stale banner", async () => {
    const testFile = join(fx.dir, "outage-message-e2e.test.yml");
    writeFileSync(testFile, promtoolTests());
    const result = await run("promtool", ["test", "rules", testFile], { cwd: fx.dir }).catch((e: { stdout: string; stderr: string }) => e);
    const output = `${result.stdout}${result.stderr}`;
    expect(output, output).toContain("SUCCESS");
  });

  it("the notifier drafts no notice for either alert: they are operator alerts", () => {
    for (const alertname of [ALERT_NAMES.outageMessageMissing, ALERT_NAMES.outageMessageStale]) {
      const signal = alertSignal(
        { status: "firing", labels: { alertname, service: "gui", severity: "warning" }, annotations: {}, startsAt: new Date().toISOString() },
        Date.now(),
      );
      expect(signal.type, alertname).toBe("other");
    }
  });
});

function seriesOf(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  const out: { labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    const match = /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const m of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!;
    out.push({ labels, value: Number(match[3]) });
  }
  return out;
}

/** The scraped series of a scenario as promtool input, minute k at k min ('_' where a series was absent). */
function inputSeries(scrapes: string[]): { series: string; values: string }[] {
  const values = new Map<string, (number | undefined)[]>();
  scrapes.forEach((text, minute) => {
    for (const name of FED_SERIES) {
      for (const { labels, value } of seriesOf(text, name)) {
        const key = `${name}{${Object.entries({ ...labels, job: "smt-exporter", instance: "demo:9910" })
          .map(([k, v]) => `${k}="${v}"`)
          .join(",")}}`;
        const list = values.get(key) ?? [];
        list[minute] = value;
        values.set(key, list);
      }
    }
  });
  // The last scrape holds until the end of the test window, as Prometheus would keep scraping it.
  const span = 40;
  return [...values].map(([series, list]) => ({
    series,
    values: Array.from({ length: span }, (_, i) => {
      const v = list[Math.min(i, scrapes.length - 1)];
      return v === undefined ? "_" : String(v);
    }).join(" "),
  }));
}

const RUNBOOK = "https://github.com/smt-monitor/smt-monitor/blob/main/docs/runbook.md";
const NOT_A_NOTICE = "An operator alert: no market notice is drafted for it.";
/** The annotations the production rules give (promtool compares them whole). */
const ANNOTATIONS = {
  [ALERT_NAMES.outageMessageMissing]: {
    summary: "The SMT homepage shows no outage message during an outage of more than 15 minutes",
    description:
      "The SMT homepage (GUI checks) answers without the outage message while SMT API has been unavailable for more than 15 minutes. " +
      "The SLO (section 3.3) says the homepage displays a message during outages stating that the site is unavailable: ask SMT operations to put it up. " +
      NOT_A_NOTICE,
    runbook_url: `${RUNBOOK}#smtoutagemessagemissing`,
  },
  [ALERT_NAMES.outageMessageStale]: {
    summary: "The SMT homepage shows the outage message although no service is down",
    description:
      "The SMT homepage (GUI checks) has shown the outage message for more than 15 minutes while no service is in an outage or in maintenance: " +
      "a stale banner tells the market SMT is unavailable when it is not. Ask SMT operations to take it down. " +
      NOT_A_NOTICE,
    runbook_url: `${RUNBOOK}#smtoutagemessagestale`,
  },
};

function promtoolTests(): string {
  const [missing, shown, stale] = scenarios;
  const M = ALERT_NAMES.outageMessageMissing;
  const S = ALERT_NAMES.outageMessageStale;
  const firing = (alertname: typeof M | typeof S, severity: string, eval_time: string) => ({
    eval_time,
    alertname,
    exp_alerts: [{ exp_labels: { service: "gui", severity }, exp_annotations: ANNOTATIONS[alertname] }],
  });
  const none = (alertname: string, eval_time: string) => ({ eval_time, alertname, exp_alerts: [] });
  const test = (scenario: Scenario, alerts: object[]) => ({
    name: scenario.name,
    interval: "1m",
    input_series: inputSeries(scenario.scrapes),
    alert_rule_test: alerts,
  });
  return stringify({
    rule_files: [join(ROOT, "prometheus", "rules", "smt-availability.rules.yml"), join(ROOT, "prometheus", "rules", "smt-alerts.rules.yml")],
    evaluation_interval: "1m",
    group_eval_order: ["smt-availability-minutes", "smt-availability-ratios", "smt-alerts"],
    tests: [
      // API minutes 5-20 unavailable: the 16th is recorded at 22m (minute k at k + 2).
      test(missing!, [none(M, "21m"), firing(M, "warning", "22m"), firing(M, "warning", "30m"), none(S, "30m")]),
      test(shown!, [none(M, "22m"), none(M, "30m"), none(S, "30m")]),
      test(stale!, [none(S, "14m"), firing(S, "info", "15m"), none(M, "30m")]),
    ],
  });
}
