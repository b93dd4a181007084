import { execFileSync } from "node:child_process";
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { DateTime } from "luxon";
import type { Service } from "../../src/config/services.js";
import { MINUTE_STATE_SERIES, availabilityRatioSeries } from "../../src/rules/availability-rules.js";

/**
 * A synthetic year of smt-monitor data for the dashboard tests, as OpenMetrics text for
 * `promtool tsdb create-blocks-from openmetrics` (test/support/prometheus-server.ts starts the
 * server): the recorded minute series as the rules record them (one sample per service and minute,
 * 70 s + the group's offset after the minute starts) for 13 calendar months, rolling ratios and
 * ALERTS for the last weeks, raw exporter series (two locations, one check per service; the call
 * center's a status feed without certificates) for the last
 * two days, and the notifier's series for the last 45 days. The minute states come from a plain
 * model (`stateAt`), the independent side of the value checks. Deterministic.
 */

export const ZONE = "America/Chicago";
export const SERVICES: Service[] = ["gui", "api", "ftps", "han", "call_center"];
const MINUTE = 60_000;
/** The minute group's evaluation offset inside the minute in this synthetic Prometheus. */
const GROUP_OFFSET_MS = 17_300;
/** The sample for minute m is at m + 70 s + the group offset (docs/slo.md). */
export const sampleTime = (minuteStart: number) => minuteStart + 70_000 + GROUP_OFFSET_MS;

export type MinuteState = "available" | "unavailable" | "maintenance" | "unmeasured";

export interface DashboardYear {
  /** "Now" of the test: the data ends here. */
  nowMs: number;
  /** The first minute with recorded data (start of the month 12 months before now's month). */
  fromMs: number;
  stateAt(service: Service, minuteStart: number): MinuteState;
  /** Minutes per state over the minutes starting in [from, to). */
  count(service: Service, fromMs: number, toMs: number): Record<MinuteState, number>;
  checks: { name: string; service: Service }[];
  locations: string[];
}

export function dashboardYear(nowIso = "2026-03-17T15:42:30"): DashboardYear {
  const now = DateTime.fromISO(nowIso, { zone: ZONE });
  const nowMs = now.toMillis();
  const fromMs = now.startOf("month").minus({ months: 12 }).toMillis();
  const index = (s: Service) => SERVICES.indexOf(s);
  // Unplanned outages: each month on the 10th at 14:00 for (index + 1) * 20 minutes (also across
  // the 16-minute alert threshold); the HAN service has been down for the last 40 minutes.
  const outages = (service: Service): [number, number][] => {
    const list: [number, number][] = [];
    for (let m = DateTime.fromMillis(fromMs, { zone: ZONE }); m.toMillis() < nowMs; m = m.plus({ months: 1 })) {
      const start = m.set({ day: 10, hour: 14, minute: 0 }).toMillis();
      list.push([start, start + (index(service) + 1) * 20 * MINUTE]);
    }
    if (service === "han") list.push([Math.floor(nowMs / MINUTE) * MINUTE - 40 * MINUTE, nowMs + MINUTE]);
    // Recent failures for the service-detail panels: 6 h ago, 5 + 3 * index minutes.
    const recent = Math.floor((nowMs - 6 * 3600_000) / MINUTE) * MINUTE;
    list.push([recent, recent + (5 + 3 * index(service)) * MINUTE]);
    return list;
  };
  const outageList = Object.fromEntries(SERVICES.map((s) => [s, outages(s)])) as Record<Service, [number, number][]>;
  // Central wall-clock fields of a minute, from the UTC offset of its hour (luxon once per hour: fast).
  const offsets = new Map<number, number>();
  const wallClock = (m: number) => {
    const hour = Math.floor(m / 3_600_000);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      offset = DateTime.fromMillis(hour * 3_600_000, { zone: ZONE }).offset * 60_000;
      offsets.set(hour, offset);
    }
    const t = new Date(m + offset);
    return { weekday: t.getUTCDay(), day: t.getUTCDate(), hour: t.getUTCHours(), minute: t.getUTCMinutes() };
  };
  const stateAt = (service: Service, m: number): MinuteState => {
    const t = wallClock(m);
    // The call center is staffed 24x7: no reserved Saturday window (docs/maintenance.md).
    if (t.weekday === 6 && t.hour >= 2 && t.hour < 12 && service !== "call_center") return "maintenance";
    // Prometheus down for 30 minutes on the 2nd of each month at 03:00.
    if (t.day === 2 && t.hour === 3 && t.minute < 30) return "unmeasured";
    if (outageList[service].some(([a, b]) => m >= a && m < b)) return "unavailable";
    return "available";
  };
  const count = (service: Service, from: number, to: number) => {
    const c: Record<MinuteState, number> = { available: 0, unavailable: 0, maintenance: 0, unmeasured: 0 };
    for (let m = from; m < to; m += MINUTE) {
      // Minutes the rules have not recorded yet (their sample lies after now) are unmeasured.
      c[m < fromMs || sampleTime(m) > nowMs ? "unmeasured" : stateAt(service, m)]++;
    }
    return c;
  };
  return {
    nowMs,
    fromMs,
    stateAt,
    count,
    checks: [
      { name: "gui_home", service: "gui" },
      { name: "api_interval_reads", service: "api" },
      { name: "ftps_interval_files", service: "ftps" },
      { name: "han_device_status", service: "han" },
      { name: "call_center_phone_system", service: "call_center" },
    ],
    locations: ["austin", "dallas"],
  };
}

/** Buffered writer of OpenMetrics sample lines. */
class OpenMetricsFile {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;
  samples = 0;
  constructor(path: string) {
    this.fd = openSync(path, "w");
  }
  sample(series: string, value: number, ms: number): void {
    const line = `${series} ${value} ${ms / 1000}\n`;
    this.buf.push(line);
    this.size += line.length;
    this.samples++;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    writeSync(this.fd, this.buf.join(""));
    this.buf = [];
    this.size = 0;
  }
  close(): void {
    this.buf.push("# EOF\n");
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Writes the year into several OpenMetrics files (so promtool can turn them into blocks in
 * parallel); returns their paths.
 */
/**
 * Everything writeDashboardYear's blocks depend on, for the machine's cache (test/support/machine-cache.ts):
 * this file, the year's "now", the rule series names it writes, the versions of promtool, Node (its
 * time zone data) and luxon.
 */
export function dashboardYearInputs(year: DashboardYear): string[] {
  return [
    readFileSync(join(import.meta.dirname, "dashboard-year.ts"), "utf8"),
    String(year.nowMs),
    JSON.stringify(MINUTE_STATE_SERIES),
    availabilityRatioSeries("1d"),
    availabilityRatioSeries("30d"),
    execFileSync("promtool", ["--version"], { encoding: "utf8" }),
    JSON.stringify(process.versions),
    readFileSync(join(import.meta.dirname, "..", "..", "node_modules", "luxon", "package.json"), "utf8"),
  ];
}

export function writeDashboardYear(year: DashboardYear, pathOf: (part: number) => string): string[] {
  const { nowMs, fromMs } = year;
  const lastMinute = (t: number) => Math.floor((t - 70_000 - GROUP_OFFSET_MS) / MINUTE) * MINUTE; // last minute recorded by now
  const recentFrom = DateTime.fromMillis(nowMs, { zone: ZONE }).startOf("month").minus({ months: 1 }).minus({ days: 14 }).toMillis();
  const split = DateTime.fromMillis(fromMs, { zone: ZONE }).plus({ months: 6 }).toMillis();
  const paths: string[] = [];
  const file = () => {
    const path = pathOf(paths.length);
    paths.push(path);
    return new OpenMetricsFile(path);
  };

  // Parts 1 and 2: available and maintenance minutes of the older months (the month-by-month panels).
  for (const [a, b] of [
    [fromMs, split],
    [split, recentFrom],
  ] as const) {
    const f = file();
    for (const service of SERVICES) {
      for (const state of ["available", "maintenance"] as const) {
        const series = `${MINUTE_STATE_SERIES[state]}{service="${service}"}`;
        for (let m = a; m < b; m += MINUTE) {
          const s = year.stateAt(service, m);
          f.sample(series, s === state ? 1 : 0, sampleTime(m));
        }
      }
    }
    f.close();
  }

  // Part 3: the last weeks in full, ratios, ALERTS, raw exporter series, notifier series.
  const f = file();
  const last = lastMinute(nowMs);
  for (const service of SERVICES) {
    const states: MinuteState[] = [];
    for (const state of ["available", "maintenance", "unavailable", "unmeasured"] as const) {
      const series = `${MINUTE_STATE_SERIES[state]}{service="${service}"}`;
      for (let m = recentFrom; m <= last; m += MINUTE) f.sample(series, year.stateAt(service, m) === state ? 1 : 0, sampleTime(m));
    }
    for (let m = recentFrom - 30 * 86_400_000; m <= last; m += MINUTE) states.push(year.stateAt(service, m));
    // Rolling ratios over the recorded minutes (1 day, 30 days) for the last weeks.
    for (const [name, minutes] of [
      ["1d", 1_440],
      ["30d", 43_200],
    ] as const) {
      const series = `${availabilityRatioSeries(name)}{service="${service}"}`;
      let avail = 0;
      let maint = 0;
      states.forEach((s, i) => {
        if (s === "available") avail++;
        if (s === "maintenance") maint++;
        const out = states[i - minutes];
        if (out === "available") avail--;
        if (out === "maintenance") maint--;
        const m = recentFrom - 30 * 86_400_000 + i * MINUTE;
        if (m >= recentFrom && minutes - maint > 0) f.sample(series, avail / (minutes - maint), sampleTime(m));
      });
    }
    // ALERTS: SMTUnplannedOutage from the 16th consecutive unavailable minute, evaluated every minute.
    let run = 0;
    states.forEach((s, i) => {
      run = s === "unavailable" ? run + 1 : 0;
      const m = recentFrom - 30 * 86_400_000 + i * MINUTE;
      if (run > 15 && m >= recentFrom)
        f.sample(`ALERTS{alertname="SMTUnplannedOutage",alertstate="firing",service="${service}",severity="critical"}`, 1, sampleTime(m) + 5_000);
    });
  }

  // Raw exporter series: last 2 days, every 30 s, two locations.
  const rawFrom = nowMs - 2 * 86_400_000;
  const phases: Record<Service, string[]> = {
    gui: ["dns", "connect", "tls", "processing", "transfer"],
    api: ["token", "interval_reads"],
    ftps: ["connect", "tls", "login", "list", "transfer"],
    han: ["token", "device_status"],
    call_center: ["read"],
  };
  for (const { name: check, service } of year.checks) {
    for (const [li, location] of year.locations.entries()) {
      const labels = `check="${check}",instance="exporter-${location}:9910",job="smt-exporter",location="${location}",service="${service}"`;
      let ok = 0;
      let failed = 0;
      for (let t = rawFrom + li * 7_000; t <= nowMs; t += 30_000) {
        const m = Math.floor(t / MINUTE) * MINUTE;
        const success = year.stateAt(service, m) === "unavailable" ? 0 : 1;
        if (success) ok++;
        else failed++;
        const duration = 0.05 + 0.01 * ((t / 30_000) % 7) + (success ? 0 : 4);
        f.sample(`smt_probe_success{${labels}}`, success, t);
        f.sample(`smt_probe_duration_seconds{${labels}}`, duration, t);
        phases[service].forEach((phase, pi) => f.sample(`smt_probe_phase_duration_seconds{${labels},phase="${phase}"}`, duration / (pi + 2), t));
        f.sample(`smt_probe_runs_total{${labels},result="success"}`, ok, t);
        f.sample(`smt_probe_runs_total{${labels},result="failure"}`, failed, t);
        const reason = { ftps: "connect", call_center: "status_down" }[service as string] ?? "http_status";
        f.sample(`smt_probe_failures_total{${labels},reason="${reason}"}`, failed, t);
        f.sample(`smt_probe_last_run_timestamp_seconds{${labels}}`, t / 1000, t);
        if (service === "call_center") {
          // The status feed: down while unavailable, degraded for the 10 minutes from 3 h ago, else up.
          const degraded = success === 1 && t >= nowMs - 3 * 3600_000 && t < nowMs - 3 * 3600_000 + 10 * MINUTE;
          const state = success === 0 ? "down" : degraded ? "degraded" : "up";
          for (const s of ["up", "down", "degraded"]) f.sample(`smt_status_feed_state{${labels},state="${s}"}`, s === state ? 1 : 0, t);
        } else {
          f.sample(
            `smt_tls_cert_not_after_timestamp_seconds{${labels}}`,
            nowMs / 1000 + (30 + 20 * year.checks.findIndex((c) => c.name === check)) * 86_400,
            t,
          );
        }
        if (service === "ftps")
          f.sample(`smt_ftps_newest_file_timestamp_seconds{${labels}}`, Math.floor((t - 3 * 3600_000) / 86_400_000) * 86_400 + 5 * 3600, t);
      }
    }
  }

  // The notifier's series: the last 45 days, every 5 minutes (every 60 s in the last 2 days).
  const kinds = ["INITIAL", "UPDATE", "COMPLETION", "PLANNED"];
  const statuses = ["draft", "approved", "sent"];
  const outcomes = ["accepted", "bad_request", "unauthorized", "too_large", "unsupported_media_type", "storage_error"];
  const buckets = ["0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "+Inf"];
  const inst = `instance="notifier:9911",job="smt-notifier"`;
  let requests = 0;
  for (let t = recentFrom, i = 0; t <= nowMs; t += t < nowMs - 2 * 86_400_000 ? 300_000 : 60_000, i++) {
    const day = Math.floor((t - recentFrom) / 86_400_000);
    requests = i % 3 === 0 ? requests + 1 : requests;
    outcomes.forEach((o, oi) =>
      f.sample(`smt_notifier_webhook_requests_total{${inst},outcome="${o}"}`, oi === 0 ? requests : oi === 2 ? Math.floor(day / 10) : 0, t),
    );
    kinds.forEach((k, ki) => f.sample(`smt_notice_drafts_created_total{${inst},kind="${k}"}`, Math.floor((day * (ki + 1)) / 4), t));
    for (const [ki, k] of kinds.entries())
      for (const [si, s] of statuses.entries())
        f.sample(`smt_notices{${inst},kind="${k}",status="${s}"}`, si === 2 ? Math.floor((day * (ki + 1)) / 5) : (ki + si) % 3, t);
    f.sample(`smt_notice_channel_deliveries_total{${inst},channel="oncall-chat"}`, Math.floor(day * 2.5), t);
    f.sample(`smt_notice_channel_failures_total{${inst},channel="oncall-chat"}`, Math.floor(day / 7), t);
    f.sample(`smt_notice_outbox_pending{${inst},channel="oncall-chat"}`, day % 9 === 0 ? 1 : 0, t);
    f.sample(`smt_notice_planned_overdue{${inst}}`, day >= 40 ? 1 : 0, t);
    buckets.forEach((le, bi) =>
      f.sample(`smt_notifier_webhook_duration_seconds_bucket{${inst},le="${le}"}`, Math.floor((requests * (bi + 1)) / buckets.length), t),
    );
    f.sample(`smt_notifier_webhook_duration_seconds_count{${inst}}`, requests, t);
    f.sample(`smt_notifier_webhook_duration_seconds_sum{${inst}}`, requests * 0.004, t);
  }
  // Energy data, call-center tickets and HAN devices (src/dashboards/market-data-panels.ts): the last
  // 2 days, every 5 minutes, one location. The API's data is late in the first 6 hours.
  const dayStart = (daysBack: number) => DateTime.fromMillis(nowMs, { zone: ZONE }).startOf("day").minus({ days: daysBack }).toMillis() / 1000;
  const months = [DateTime.fromMillis(nowMs, { zone: ZONE }), DateTime.fromMillis(nowMs, { zone: ZONE }).minus({ months: 1 })].map((m) =>
    m.toFormat("yyyy-MM"),
  );
  for (let t = rawFrom + 11_000, i = 0; t <= nowMs; t += 300_000, i++) {
    for (const [service, check, lateUntil] of [
      ["ftps", "ftps_interval_data", 0],
      ["api", "api_interval_data", rawFrom + 6 * 3600_000],
    ] as const) {
      const labels = `check="${check}",instance="exporter-austin:9910",job="smt-exporter",location="austin",service="${service}"`;
      const expected = dayStart(2);
      const latest = t < lateUntil ? dayStart(3) : expected;
      f.sample(`smt_data_expected_usage_day_timestamp_seconds{${labels}}`, expected, t);
      f.sample(`smt_data_latest_usage_day_timestamp_seconds{${labels}}`, latest, t);
      f.sample(`smt_data_quality_usage_day_timestamp_seconds{${labels}}`, latest, t);
      const figures = { expected: 192, received: 191, missing: 1, duplicate: service === "ftps" ? 1 : 0, negative: 0, estimated: 4 };
      for (const [figure, v] of Object.entries(figures)) f.sample(`smt_data_quality_intervals{${labels},figure="${figure}"}`, v, t);
    }
    for (const [mi, month] of months.entries()) {
      for (const [ti, type] of ["Password Reset", "Account Access", "Energy Data Access"].entries()) {
        // the same source at two exporters (counted once)
        for (const exporter of ["austin", "dallas"])
          f.sample(
            `smt_call_center_tickets{instance="exporter-${exporter}:9910",job="smt-exporter",month="${month}",source="call_center",type="${type}"}`,
            mi === 0 ? 10 * (ti + 1) + Math.floor(i / 50) : 100 * (ti + 1),
            t,
          );
      }
    }
    for (const [key, v] of Object.entries({ "joined oncor": 40, "pending oncor": 3, "joined centerpoint": 22, "failed tnmp": 1 })) {
      const [status, tdsp] = key.split(" ");
      f.sample(`smt_han_devices{instance="exporter-austin:9910",job="smt-exporter",source="han_feed",status="${status}",tdsp="${tdsp}"}`, v, t);
    }
  }
  f.close();
  return paths;
}
