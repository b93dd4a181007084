import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadConfig } from "../src/config/load.js";
import { DEFAULT_DEMO_PORTS, prepareDemo } from "../src/demo/demo-setup.js";
import { Exporter } from "../src/exporter/exporter.js";
import { CENTRAL_TIME_ZONE } from "../src/maintenance/central-time.js";
import { runCheck } from "../src/probes/run.js";
import type { RangeSeries } from "../src/report/promql-client.js";
import { energyDataNeeds, energyDataSection } from "../src/report/energy-data-report.js";
import { reportMonth } from "../src/report/report-month.js";
import { startSimulator, type RunningSimulator } from "../src/simulator/simulator.js";
import { captureLogger } from "./support/capture-logger.js";
import { get, sample } from "./support/http.js";

/**
 * Issue 9, item 1: late data is time to market, never downtime. The demo's checks (config/demo.yaml,
 * derived for this run as `smt-monitor demo` derives it) run in the real exporter against the real
 * simulator, on a clock moved through two simulated hours of the simulator's `late_data` fault:
 * 22:00-24:00 Central on day X, across the FTPS deadline of day X-1 (23:00 on X).
 *
 * - the availability checks (API: token and a dated request; FTPS: connect, log in, list, download)
 *   succeed at every run, although the API answers "no data yet" for the day they ask for;
 * - the energy-data checks see the days late;
 * - the exporter's scrapes, minute by minute, go through the production rules with promtool: every
 *   minute of the window is recorded available, SMTUnplannedOutage stays silent and
 *   SMTDataDeliveryLate fires with the late usage days;
 * - the committee report's time-to-market section, computed from the same series, shows day X-1 late.
 *
 * Every check runs every 15 simulated minutes (the energy-data checks' production interval; the
 * availability checks run every 30 s in production, and the simulator's answers only change with the
 * date and the fault); the gauges hold a run's result until the next one, so every minute has its
 * sample, as Prometheus would scrape it.
 */
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const ZONE = CENTRAL_TIME_ZONE;
/** Every check runs every 15 simulated minutes (the energy-data checks' production interval). */
const STEP_MINUTES = 15;
const WINDOW_MINUTES = 120;
/** Day X: a week ago (the simulator makes its certificates at the simulated time; TLS checks them in real time). */
const X = DateTime.now().setZone(ZONE).startOf("day").minus({ days: 7 });
const WINDOW_START = X.set({ hour: 22 });
/** API data a day late (day D posted at 06:00 on D+3); FTPS at the simulator's default (20 h: 01:30 on D+2). */
const API_LATENESS_MS = 24 * 3_600_000;
const dayOf = (days: number) => X.plus({ days });
const dayStartSeconds = (d: DateTime) => d.toMillis() / 1000;
const AVAILABILITY_CHECKS = {
  gui: "gui_home",
  api: "api_interval_reads",
  ftps: "ftps_interval_files",
  han: "han_device_status",
  call_center: "call_center_phone_system",
} as const;
/** The recorded samples of the window's minutes, read at minute WINDOW_MINUTES + 1 (minute k is recorded at k + 2). */
const WINDOW_RANGE = `${WINDOW_MINUTES - 1}m30s`;
/** The series the rules read that this test feeds to promtool (the others compare with time(), which promtool starts at 0). */
const FED_SERIES = [
  "smt_probe_success",
  "smt_maintenance_active",
  "smt_central_utc_offset_seconds",
  "smt_data_expected_usage_day_timestamp_seconds",
  "smt_data_expected_usage_day_deadline_timestamp_seconds",
  "smt_data_latest_usage_day_timestamp_seconds",
];

let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs, random: () => 0.99 };
const setClock = (t: DateTime) => {
  offsetMs = t.toMillis() - Date.now();
};

let dir: string;
let sim: RunningSimulator;
let exporter: Exporter;
let base: string;
const log = captureLogger();
/** The exporter's /metrics at each step: minute of the window (0 = 22:00 on X) and text. */
const scrapes: { minute: number; text: string }[] = [];
/** The previous production example's API check (data must exist), run beside the demo's at each step. */
const controlFailures: string[] = [];

async function step(minute: number, runControl: (() => Promise<void>) | undefined): Promise<void> {
  setClock(WINDOW_START.plus({ minutes: minute }));
  await Promise.all([exporter.runChecksNow(), exporter.marketData.runAllNow()]);
  await runControl?.();
  const res = await get(`${base}/metrics`);
  expect(res.status).toBe(200);
  scrapes.push({ minute, text: res.text });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "smt-late-"));
  setClock(WINDOW_START);
  sim = await startSimulator({
    stateDir: join(dir, "simulator"),
    ports: { admin: 0, gui: 0, api: 0, han: 0, ftps: 0 },
    pasvRange: [45000 + (process.pid % 50) * 20, 45019 + (process.pid % 50) * 20],
    now: clock.now,
  });
  const layout = await prepareDemo({
    dataDir: dir,
    exporterTemplate: join(ROOT, "config", "demo.yaml"),
    alertmanagerTemplate: join(ROOT, "alertmanager", "alertmanager.yml"),
    ports: {
      ...DEFAULT_DEMO_PORTS,
      simulatorAdmin: sim.ports.admin,
      simulatorGui: sim.ports.gui,
      simulatorApi: sim.ports.api,
      simulatorHan: sim.ports.han,
      simulatorFtps: sim.ports.ftps,
    },
    now: clock.now(),
    keepState: true,
  });
  // The demo's checks as they are; only their rhythm is slowed down, so that the test runs them itself.
  const config = parse(readFileSync(layout.exporterConfig, "utf8")) as Record<string, Record<string, unknown>>;
  config.defaults = { ...config.defaults, interval: "1h", timeout: "30s" }; // a loaded test machine is no outage
  config.energy_data = { ...config.energy_data, interval: "1h" };
  delete config.market_figures; // call-center and HAN figures are another section's
  // The portal's browser walk is other tests' (test/demo-browser-check.test.ts); it does not count for availability.
  config.checks = (config.checks as unknown as { kind: string }[]).filter((c) => c.kind !== "browser") as unknown as Record<string, unknown>;
  writeFileSync(layout.exporterConfig, stringify(config));
  exporter = new Exporter({ configFile: layout.exporterConfig, logger: log.logger, clock, listenAddress: { host: "127.0.0.1", port: 0 } });
  base = `http://127.0.0.1:${(await exporter.start()).port}`;

  // The control: the API check of the previous production example, asserting that the day's data exists.
  const apiCheck = (config.checks as unknown as { name: string; api: { steps: { assert?: unknown }[] } }[]).find((c) => c.name === AVAILABILITY_CHECKS.api)!;
  apiCheck.api.steps[1]!.assert = [{ path: "energyData[0].esiid", exists: true }];
  const controlFile = join(dir, "control.yaml");
  writeFileSync(controlFile, stringify({ checks: [{ ...apiCheck, name: "api_data_exists", freshness_is_availability: true }] }));
  const control = loadConfig(controlFile).checks[0]!;
  const runControl = async () => {
    const result = await runCheck(control, { now: clock.now });
    if (result.failure) controlFailures.push(result.failure.reason);
  };

  expect(await sim.setFault("api", "late_data", API_LATENESS_MS)).toBeUndefined();
  expect(await sim.setFault("ftps", "late_data")).toBeUndefined();
  for (let minute = 0; minute < WINDOW_MINUTES; minute += STEP_MINUTES) await step(minute, runControl);
  // The two hours are over: the data arrives.
  await sim.clearFaults();
  await step(WINDOW_MINUTES, undefined);
}, 240_000);

afterAll(async () => {
  await exporter?.stop();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dataLabels = (service: string, check: string) => ({ service, check, location: "demo-local" });

describe(`two hours of late data (${WINDOW_START.toISO()} Central, the simulator's late_data on API and FTPS)`, () => {
  it("the demo config carries no freshness warning", () => {
    expect(log.lines().filter((l) => l.msg === "configuration warning")).toEqual([]);
  });

  it("every availability check succeeded at every run of the window, while data asserting its day failed", () => {
    const window = scrapes.filter((s) => s.minute < WINDOW_MINUTES);
    expect(window).toHaveLength(WINDOW_MINUTES / STEP_MINUTES);
    for (const s of window) {
      for (const [service, check] of Object.entries(AVAILABILITY_CHECKS)) {
        expect(sample(s.text, "smt_probe_success", { service, check }), `${check} at minute ${s.minute}`).toBe(1);
      }
    }
    // The same minutes, the previous example's API check (its day's data must exist) failed every time:
    // the window really had the API answer "no data yet" to the dated request.
    expect(controlFailures).toEqual(window.map(() => "json_assertion"));
  });

  it("the energy-data checks saw the days late: FTPS from its 23:00 deadline, the API (and the portal reading it) throughout", () => {
    const at = (minute: number) => scrapes.find((s) => s.minute === minute)!.text;
    const ftps = dataLabels("ftps", "ftps_interval_data");
    const api = dataLabels("api", "api_interval_data");
    // 22:45: the FTPS file of X-1 is not due yet
    expect(sample(at(45), "smt_data_expected_usage_day_timestamp_seconds", ftps)).toBe(dayStartSeconds(dayOf(-2)));
    expect(sample(at(45), "smt_data_latest_usage_day_timestamp_seconds", ftps)).toBe(dayStartSeconds(dayOf(-2)));
    // 23:00: it is due, and not there
    expect(sample(at(60), "smt_data_expected_usage_day_timestamp_seconds", ftps)).toBe(dayStartSeconds(dayOf(-1)));
    expect(sample(at(60), "smt_data_latest_usage_day_timestamp_seconds", ftps)).toBe(dayStartSeconds(dayOf(-2)));
    expect(sample(at(60), "smt_data_check_success", ftps)).toBe(1);
    // the API's day X-2 was due at 06:00 on X; a day late, it is not there
    expect(sample(at(0), "smt_data_expected_usage_day_timestamp_seconds", api)).toBe(dayStartSeconds(dayOf(-2)));
    expect(sample(at(0), "smt_data_latest_usage_day_timestamp_seconds", api)).toBe(dayStartSeconds(dayOf(-3)));
    // after the window the data is there
    expect(sample(at(WINDOW_MINUTES), "smt_data_latest_usage_day_timestamp_seconds", ftps)).toBe(dayStartSeconds(dayOf(-1)));
    expect(sample(at(WINDOW_MINUTES), "smt_data_latest_usage_day_timestamp_seconds", api)).toBe(dayStartSeconds(dayOf(-2)));
  });

  it("the production rules (promtool) record every minute available, raise no outage and fire SMTDataDeliveryLate", async () => {
    const testFile = join(dir, "late-data.test.yml");
    writeFileSync(testFile, promtoolTest());
    const result = await run("promtool", ["test", "rules", testFile], { cwd: dir }).catch((e: { stdout: string; stderr: string }) => e);
    expect(`${result.stdout}${result.stderr}`).toContain("SUCCESS");
  });

  it("the report's time to market shows the FTPS day X-1 late, delivered when the data came", () => {
    const month = reportMonth(dayOf(-1).toFormat("yyyy-MM"));
    const nowMs = WINDOW_START.plus({ minutes: WINDOW_MINUTES + STEP_MINUTES }).toMillis();
    const needs = energyDataNeeds(month, nowMs);
    const section = energyDataSection(month, nowMs, needs, { latest: latestByServiceSeries(), qualityDay: [], qualityFigures: [] });
    const ftps = section.time_to_market.find((t) => t.service === "ftps")!;
    const late = ftps.days_detail.find((d) => d.usage_day === dayOf(-1).toISODate())!;
    expect(late).toMatchObject({
      status: "late",
      deadline: dayOf(0).set({ hour: 23 }).toUTC().toISO({ suppressMilliseconds: false }),
      delivered_at: WINDOW_START.plus({ minutes: WINDOW_MINUTES }).toUTC().toISO(),
      minutes_late: 60,
    });
    expect(ftps.late).toBe(1);
    expect(ftps.share_on_time).toBe(0);
  });
});

/** What `max by (service) (last_over_time(smt_data_latest_usage_day_timestamp_seconds[1h]))` answers each minute. */
function latestByServiceSeries(): RangeSeries[] {
  const out = new Map<string, RangeSeries>();
  const last = scrapes[scrapes.length - 1]!.minute + STEP_MINUTES;
  for (let minute = 0; minute < last; minute++) {
    const scrape = currentScrape(minute);
    for (const { labels, value } of seriesOf(scrape.text, "smt_data_latest_usage_day_timestamp_seconds")) {
      const series = out.get(labels.service!) ?? { metric: { service: labels.service! }, points: new Map<number, number>() };
      const t = WINDOW_START.plus({ minutes: minute }).toMillis();
      series.points.set(t, Math.max(series.points.get(t) ?? -Infinity, value));
      out.set(labels.service!, series);
    }
  }
  return [...out.values()];
}

/** The scrape whose values the exporter serves in a minute (the latest run's). */
function currentScrape(minute: number) {
  return [...scrapes].reverse().find((s) => s.minute <= minute)!;
}

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

/** A promtool rule test over the scraped series, minute by minute from 22:00 on X (time 0). */
function promtoolTest(): string {
  const minutes = scrapes[scrapes.length - 1]!.minute + STEP_MINUTES;
  const values = new Map<string, (number | undefined)[]>();
  for (let minute = 0; minute < minutes; minute++) {
    const scrape = currentScrape(minute);
    for (const name of FED_SERIES) {
      for (const { labels, value } of seriesOf(scrape.text, name)) {
        const key = `${name}{${Object.entries({ ...labels, job: "smt-exporter", instance: "demo:9910" })
          .map(([k, v]) => `${k}="${v}"`)
          .join(",")}}`;
        const list = values.get(key) ?? [];
        list[minute] = value;
        values.set(key, list);
      }
    }
  }
  const inputSeries = [...values].map(([series, list]) => ({
    series,
    values: Array.from({ length: minutes }, (_, i) => (list[i] === undefined ? "_" : String(list[i]))).join(" "),
  }));
  const ymd = (d: DateTime) => d.toISODate()!;
  const lateAlert = (service: string, usageDay: DateTime, newestSeen: DateTime) => ({
    exp_labels: { service, severity: "warning" },
    exp_annotations: {
      summary: `SMT ${service.toUpperCase()} energy data for ${ymd(usageDay)} is late`,
      description:
        `The energy data of usage day ${ymd(usageDay)} is not available on SMT ${service.toUpperCase()} although its delivery deadline has passed ` +
        `(FTPS: 23:00 Central on the next day; GUI and API: 06:00 Central two days later). The newest usage day the energy-data checks see is ${ymd(newestSeen)}. ` +
        `Time to market is reported to the market monthly.`,
      runbook_url: "https://github.com/smt-monitor/smt-monitor/blob/main/docs/runbook.md#smtdatadeliverylate",
      usage_day: ymd(usageDay),
      // FTPS: 23:00 Central on the next day; GUI and API: 06:00 Central two days later (Unix seconds).
      deadline_timestamp: String(
        (service === "ftps" ? usageDay.plus({ days: 1 }).set({ hour: 23 }) : usageDay.plus({ days: 2 }).set({ hour: 6 })).toMillis() / 1000,
      ),
      latest_usage_day: ymd(newestSeen),
    },
  });
  const services = ["gui", "api", "ftps", "han", "call_center"];
  // Minute k is recorded at (k + 2) min (docs/slo.md): minutes 0-119 are the samples of (1.5 min, 121 min].
  const end = `${WINDOW_MINUTES + 1}m`;
  return stringify({
    rule_files: [join(ROOT, "prometheus", "rules", "smt-availability.rules.yml"), join(ROOT, "prometheus", "rules", "smt-alerts.rules.yml")],
    evaluation_interval: "1m",
    group_eval_order: ["smt-availability-minutes", "smt-availability-ratios", "smt-alerts"],
    tests: [
      {
        name: "two hours of late data",
        interval: "1m",
        input_series: inputSeries,
        promql_expr_test: [
          {
            expr: `sum_over_time(smt:service_minute_available:bool[${WINDOW_RANGE}])`,
            eval_time: end,
            exp_samples: services.map((service) => ({ labels: `{service="${service}"}`, value: WINDOW_MINUTES })),
          },
          {
            expr: `sum_over_time(smt:service_minute_unavailable:bool[${WINDOW_RANGE}]) + sum_over_time(smt:service_minute_unmeasured:bool[${WINDOW_RANGE}])`,
            eval_time: end,
            exp_samples: services.map((service) => ({ labels: `{service="${service}"}`, value: 0 })),
          },
        ],
        alert_rule_test: [
          ...[30, 60, 90, WINDOW_MINUTES + 1].map((m) => ({ eval_time: `${m}m`, alertname: "SMTUnplannedOutage", exp_alerts: [] })),
          // the API's (and the portal's) day X-2 is late from the start: the alert fires after 20 minutes
          { eval_time: "19m", alertname: "SMTDataDeliveryLate", exp_alerts: [] },
          { eval_time: "20m", alertname: "SMTDataDeliveryLate", exp_alerts: [lateAlert("gui", dayOf(-2), dayOf(-3)), lateAlert("api", dayOf(-2), dayOf(-3))] },
          // the FTPS day X-1 is due at 23:00 (minute 60): the alert fires at 23:20
          {
            eval_time: "80m",
            alertname: "SMTDataDeliveryLate",
            exp_alerts: [lateAlert("gui", dayOf(-2), dayOf(-3)), lateAlert("api", dayOf(-2), dayOf(-3)), lateAlert("ftps", dayOf(-1), dayOf(-2))],
          },
          // the data arrives after the window: every alert resolves
          { eval_time: `${WINDOW_MINUTES + 1}m`, alertname: "SMTDataDeliveryLate", exp_alerts: [] },
        ],
      },
    ],
  });
}
