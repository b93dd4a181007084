import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceName } from "../src/report/committee-format.js";
import { NoticeStore } from "../src/notices/notice-store.js";
import { reportMonth } from "../src/report/report-month.js";
import { CLI as cli, runReport as report, stepTimer } from "./support/report-cli.js";
import type { PrometheusServer } from "./support/prometheus-server.js";
import { SERVICES_IN_ORDER, syntheticMarch2026, type GroundTruth } from "./support/synthetic-month.js";
import { writeSyntheticEnergyData, type EnergyTruth } from "./support/synthetic-energy-data.js";
import { backfilledMarch2026 } from "./support/backfilled-month.js";
import { CHROMIUM, CHROMIUM_ARGS } from "./support/chromium.js";

/**
 * The committee report on a backfilled synthetic March 2026 (DST starts on the 8th): the rules
 * engineer's probe series and ground truth (test/support/synthetic-month.ts) plus energy-data, ticket
 * and HAN series (test/support/synthetic-energy-data.ts) go through `promtool tsdb create-blocks-from
 * openmetrics`, the project's recording rules through `create-blocks-from rules` (the probe series'
 * blocks are built once per run with test/report-accuracy.test.ts: test/support/backfilled-month.ts),
 * a notifier store gets a few notices, and `smt-monitor report --month 2026-03` must print exactly
 * the figures the test derives itself from the generated samples. Then the HTML report is opened in
 * a real Chromium.
 */
const MINUTE = 60_000;

let dir: string;
let prometheus: PrometheusServer | undefined;
let truth: GroundTruth;
let energy: EnergyTruth;
let noticesDb: string;
const month = reportMonth("2026-03");

interface Run {
  service: string;
  kind: "unplanned" | "planned";
  /** The month's part. */
  startMs: number;
  endMs: number;
  /** unplanned: the whole incident's length (first to last unavailable minute), also outside the month. */
  lengthMinutes: number;
  unavailableMinutes: number;
  startsBeforeMonth: boolean;
  endsAfterMonth: boolean;
}

/**
 * Outage incidents (docs/slo.md: from an unavailable minute until a maintenance minute or 5
 * consecutive available minutes; an unmeasured minute starts the count of available minutes again)
 * and runs of maintenance minutes in March, straight from the ground truth (a day around the month).
 */
function truthRuns(): Run[] {
  const runs: Run[] = [];
  const DAY = 1_440 * MINUTE;
  for (const service of SERVICES_IN_ORDER) {
    let unavailable: number[] = [];
    let availableInARow = 0;
    const close = () => {
      const inMonth = unavailable.filter((m) => m >= month.fromMs && m < month.toMs);
      if (inMonth.length > 0) {
        const first = unavailable[0]!;
        const last = unavailable[unavailable.length - 1]! + MINUTE;
        runs.push({
          service,
          kind: "unplanned",
          startMs: Math.max(first, month.fromMs),
          endMs: Math.min(last, month.toMs),
          lengthMinutes: (last - first) / MINUTE,
          unavailableMinutes: inMonth.length,
          startsBeforeMonth: first < month.fromMs,
          endsAfterMonth: last > month.toMs,
        });
      }
      unavailable = [];
    };
    for (let m = month.fromMs - DAY; m < month.toMs + DAY; m += MINUTE) {
      const state = truth.state(service, m);
      if (state === "unavailable") {
        unavailable.push(m);
        availableInARow = 0;
      } else if (unavailable.length > 0) {
        if (state === "maintenance") close();
        else if (state === "available" && ++availableInARow === 5) close();
        else if (state === "unmeasured") availableInARow = 0;
      }
    }
    if (unavailable.length > 0) close();
    let start: number | undefined;
    for (let m = month.fromMs; m <= month.toMs; m += MINUTE) {
      const on = m < month.toMs && truth.state(service, m) === "maintenance";
      if (on && start === undefined) start = m;
      if (!on && start !== undefined) {
        const minutes = (m - start) / MINUTE;
        runs.push({
          service,
          kind: "planned",
          startMs: start,
          endMs: m,
          lengthMinutes: minutes,
          unavailableMinutes: minutes,
          startsBeforeMonth: start === month.fromMs && truth.state(service, month.fromMs - MINUTE) === "maintenance",
          endsAfterMonth: m === month.toMs && truth.state(service, month.toMs) === "maintenance",
        });
        start = undefined;
      }
    }
  }
  return runs;
}

/** The call center's outage of Saturday March 21 from 03:00 CDT (test/support/synthetic-month.ts), inside the other services' reserved window. */
const CALL_CENTER_OUTAGE_START = Date.parse("2026-03-21T08:00:00Z");

/** The notifier's store with notices for three unplanned outages (one of the call center) and the planned window of March 7. */
function writeNotices(runs: Run[]): Map<string, string[]> {
  const expected = new Map<string, string[]>();
  const store = NoticeStore.open(noticesDb);
  const long = runs.filter((r) => r.kind === "unplanned" && r.lengthMinutes > 15);
  const picks = [
    long.find((r) => r.service === "gui")!,
    long.find((r) => r.service === "api")!,
    long.find((r) => r.service === "call_center" && r.startMs === CALL_CENTER_OUTAGE_START)!,
  ];
  picks.forEach((r, i) => {
    const series = ["SMT-M-A030126", "SMT-M-B040126", "SMT-M-A032126"][i]!;
    const incident = store.insertIncident({
      kind: "unplanned",
      series_id: series,
      planned_key: null,
      status: "resolved",
      start_ms: r.startMs,
      end_ms: r.endMs,
      services: JSON.stringify([r.service]),
      summary: null,
      description: null,
      runbook_url: null,
      due_date: null,
      overrun: 0,
      created_at: r.startMs + 16 * MINUTE,
      next_update_at: null,
    });
    // the alert's outage start is the first unavailable minute
    store.insertOutage({
      service: r.service as "gui",
      start_s: r.startMs / 1000,
      incident_id: incident.id,
      status: "resolved",
      end_ms: r.endMs,
      alertname: "SMTUnplannedOutage",
      first_seen: r.startMs,
      last_seen: r.endMs,
    });
    const ids = [`${series}-01`, `${series}-02`];
    ids.forEach((id, k) =>
      store.insertNotice({
        id,
        incident_id: incident.id,
        sequence: k + 1,
        kind: k === 0 ? "INITIAL" : "COMPLETION",
        status: "sent",
        services: JSON.stringify([r.service]),
        subject: id,
        body: "",
        version: 1,
        created_at: r.startMs + (16 + k) * MINUTE,
        updated_at: r.startMs,
        approved_by: null,
        approved_at: null,
        sent_by: "oncall",
        sent_at: r.startMs + (16 + k) * MINUTE,
      }),
    );
    expected.set(`${r.service} ${r.startMs}`, ids);
  });
  const windowStart = Date.UTC(2026, 2, 7, 8); // 02:00 CST
  const planned = store.insertIncident({
    kind: "planned",
    series_id: "SMT-M-A030226",
    planned_key: "saturday-maintenance@2026-03-07",
    status: "scheduled",
    start_ms: windowStart,
    end_ms: windowStart + 10 * 3_600_000,
    services: JSON.stringify(["gui", "api", "ftps", "han"]),
    summary: null,
    description: null,
    runbook_url: null,
    due_date: "2026-03-04",
    overrun: 0,
    created_at: windowStart - 5 * 86_400_000,
    next_update_at: null,
  });
  store.insertNotice({
    id: "SMT-M-A030226-01",
    incident_id: planned.id,
    sequence: 1,
    kind: "PLANNED",
    status: "sent",
    services: JSON.stringify(["gui", "api", "ftps", "han"]),
    subject: "x",
    body: "",
    version: 1,
    created_at: windowStart - 5 * 86_400_000,
    updated_at: 0,
    approved_by: null,
    approved_at: null,
    sent_by: "oncall",
    sent_at: windowStart - 5 * 86_400_000, // Monday 2026-03-02: 5 business days ahead
  });
  for (const r of runs.filter((x) => x.kind === "planned" && x.startMs < windowStart + 10 * 3_600_000 && x.endMs > windowStart))
    expected.set(`${r.service} ${r.startMs}`, ["SMT-M-A030226-01"]);
  store.close();
  return expected;
}

let runs: Run[];
let expectedNotices: Map<string, string[]>;
const { timings, timed } = stepTimer();

beforeAll(async () => {
  statSync(cli); // `npm test` builds first; alone: npx tsc -p .
  // the probe series and the recording rules (built once per run, shared with report-accuracy), plus the market series
  ({ dir, prometheus, truth } = await backfilledMarch2026(syntheticMarch2026(), timed, {
    extraOpenMetrics: (own) => {
      const market = join(own, "market.om.txt");
      energy = writeSyntheticEnergyData(market);
      return [market];
    },
  }));
  noticesDb = join(dir, "notices.db");
  runs = truthRuns();
  expectedNotices = writeNotices(runs);
}, 600_000);

afterAll(async () => {
  await prometheus?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  console.log(`committee report timings (ms): ${JSON.stringify(timings)}`);
});

interface Json {
  month: string;
  services: { service: string; available_minutes: number; maintenance_minutes: number; availability: number; met: boolean }[];
  outage_threshold_minutes: number;
  outages: {
    service: string;
    kind: string;
    start: string;
    end: string;
    minutes: number;
    unavailable_minutes: number;
    starts_before_month: boolean;
    ends_after_month: boolean;
    notice_ids: string[] | null;
  }[];
  short_unplanned_outages: { service: string; count: number; minutes: number }[];
  time_to_market: {
    service: string;
    days: number;
    on_time: number;
    late: number;
    missing: number;
    unmeasured: number;
    pending: number;
    share_on_time: number | null;
    days_detail: { usage_day: string; status: string; minutes_late: number | null }[];
  }[];
  data_quality: {
    service: string;
    days_measured: number;
    expected: number;
    received: number;
    missing: number;
    duplicate: number;
    negative: number;
    estimated: number;
    days_with_issues: { usage_day: string }[];
  }[];
  call_center: { total: number; by_type: { type: string; tickets: number }[] } | null;
  han_devices: { total: number; by_status_and_tdsp: { status: string; tdsp: string; devices: number }[]; by_tdsp: { tdsp: string; devices: number }[] } | null;
}
let json: Json;

describe("committee report of a backfilled DST month (real promtool, Prometheus and notifier store)", () => {
  it("prints every figure of the SLO document's monthly reporting, equal to the ground truth", async () => {
    const r = await report(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "json", "--notices", noticesDb]);
    expect(r.code, r.stderr).toBe(0);
    json = JSON.parse(r.stdout) as Json;

    // availability (the rules engineer's figures, unchanged)
    for (const s of json.services) {
      const c = truth.count(s.service as "gui", month.fromMs, month.toMs);
      expect(s.available_minutes, s.service).toBe(c.available);
      expect(s.maintenance_minutes, s.service).toBe(c.maintenance);
    }

    // outages: unplanned outage incidents over 15 minutes and every maintenance window, with notice ids
    const listed = runs
      .filter((x) => x.kind === "planned" || x.lengthMinutes > 15)
      .sort((a, b) => a.startMs - b.startMs || SERVICES_IN_ORDER.indexOf(a.service as "gui") - SERVICES_IN_ORDER.indexOf(b.service as "gui"));
    expect(
      json.outages.map((o) => `${o.service} ${o.kind} ${o.start} ${o.minutes} ${o.unavailable_minutes} ${o.starts_before_month} ${o.ends_after_month}`),
    ).toEqual(
      listed.map(
        (x) =>
          `${x.service} ${x.kind} ${new Date(x.startMs).toISOString()} ${(x.endMs - x.startMs) / MINUTE} ${x.unavailableMinutes} ${x.startsBeforeMonth} ${x.endsAfterMonth}`,
      ),
    );
    for (const o of json.outages) {
      const key = `${o.service} ${Date.parse(o.start)}`;
      expect(o.notice_ids, key).toEqual(expectedNotices.get(key) ?? []);
    }
    expect([...expectedNotices.values()].flat().length).toBeGreaterThan(2);
    expect(json.outages.some((o) => o.starts_before_month)).toBe(true); // gui's outage across the month's start
    for (const s of json.short_unplanned_outages) {
      const short = runs.filter((x) => x.service === s.service && x.kind === "unplanned" && x.lengthMinutes <= 15);
      expect(s, s.service).toEqual({ service: s.service, count: short.length, minutes: short.reduce((n, x) => n + (x.endMs - x.startMs) / MINUTE, 0) });
    }

    // time to market, day by day
    expect(json.time_to_market.map((t) => t.service).sort()).toEqual(["api", "ftps", "gui"]);
    for (const t of json.time_to_market) {
      const expected = energy.timeToMarket.get(t.service as "api")!;
      expect(
        t.days_detail.map((d) => `${d.usage_day} ${d.status} ${d.minutes_late}`),
        t.service,
      ).toEqual([...expected].map(([day, e]) => `${day} ${e.status} ${e.minutesLate}`));
      const count = (s: string) => [...expected.values()].filter((e) => e.status === s).length;
      expect([t.on_time, t.late, t.missing, t.unmeasured, t.pending]).toEqual([count("on_time"), count("late"), count("missing"), count("unmeasured"), 0]);
      expect(t.share_on_time).toBeCloseTo(count("on_time") / (count("on_time") + count("late") + count("missing")), 12);
    }
    const ftps = json.time_to_market.find((t) => t.service === "ftps")!;
    expect(ftps.days_detail.find((d) => d.usage_day === "2026-03-05")).toMatchObject({ status: "late" });
    expect(ftps.days_detail.find((d) => d.usage_day === "2026-03-07")).toMatchObject({ status: "on_time" });
    expect(ftps.days_detail.find((d) => d.usage_day === "2026-03-31")).toMatchObject({ status: "missing" });
    expect(json.time_to_market.find((t) => t.service === "api")!.days_detail.find((d) => d.usage_day === "2026-03-10")).toMatchObject({ status: "unmeasured" });

    // data quality, summed over the days observed
    for (const q of json.data_quality) {
      const e = energy.quality.get(q.service as "api")!;
      expect(
        {
          days: q.days_measured,
          expected: q.expected,
          received: q.received,
          missing: q.missing,
          duplicate: q.duplicate,
          negative: q.negative,
          estimated: q.estimated,
        },
        q.service,
      ).toEqual({
        days: e.days,
        expected: e.expected,
        received: e.received,
        missing: e.missing,
        duplicate: e.duplicate,
        negative: e.negative,
        estimated: e.estimated,
      });
      expect(q.days_with_issues.map((d) => d.usage_day)).toEqual(e.daysWithIssues);
    }

    // the call center is measured: its availability, and its outage of March 21 with the notices
    const callCenter = truth.count("call_center", month.fromMs, month.toMs);
    expect(json.services.find((s) => s.service === "call_center")).toMatchObject({ available_minutes: callCenter.available, maintenance_minutes: 0 });
    expect(callCenter.unmeasured).toBeLessThan(44_580 / 10);
    expect(json.outages.find((o) => o.service === "call_center" && Date.parse(o.start) === CALL_CENTER_OUTAGE_START)).toMatchObject({
      kind: "unplanned",
      notice_ids: ["SMT-M-A032126-01", "SMT-M-A032126-02"],
    });

    // call-center tickets by type; HAN devices at the month's end by status and TDSP
    expect(json.call_center!.by_type.map((t) => [t.type, t.tickets]).sort()).toEqual([...energy.tickets].sort());
    expect(json.call_center!.total).toBe([...energy.tickets.values()].reduce((a, b) => a + b, 0));
    expect(Object.fromEntries(json.han_devices!.by_status_and_tdsp.map((e) => [`${e.status}\t${e.tdsp}`, e.devices]))).toEqual(Object.fromEntries(energy.han));
    expect(json.han_devices!.by_tdsp.find((t) => t.tdsp === "aep_texas_north")!.devices).toBe(6);
  });

  it("the text formats carry the same sections", async () => {
    const md = await report(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "md", "--notices", noticesDb]);
    expect(md.code, md.stderr).toBe(0);
    for (const title of [
      "### Outages, 2026-03",
      "### Time to market, 2026-03",
      "### Data quality, 2026-03",
      "### Call-center tickets, 2026-03",
      "### HAN devices at the end of 2026-03",
    ])
      expect(md.stdout).toContain(title);
    expect(md.stdout).toContain("SMT-M-A030226-01");
    // the call-center section: availability, the outage of March 21 with its notices, the tickets, together
    const c = truth.count("call_center", month.fromMs, month.toMs);
    const percent = `${((c.available / (month.totalMinutes - c.maintenance)) * 100).toFixed(1)} %`;
    const met = c.available / (month.totalMinutes - c.maintenance) > 0.99 ? "met" : "MISSED";
    const section = md.stdout.slice(md.stdout.indexOf("Call center, 2026-03:"));
    expect(section.split("\n")[0]).toMatch(
      new RegExp(
        `^Call center, 2026-03: availability ${percent.replace(".", "\\.")} \\(objective ${met}, over 99 %, 24x7\\), ${c.unavailable} unavailable and ${c.unmeasured} unmeasured minutes; \\d+ unplanned outages? noticed to the market`,
      ),
    );
    expect(section).toMatch(/\| unplanned \| 2026-03-21 03:00 CDT \| 2026-03-21 03:4\d CDT \| \d+ \| \d+ \| SMT-M-A032126-01 INITIAL sent/);
    expect(section.indexOf("Call-center tickets, 2026-03")).toBeGreaterThan(0);
    const csv = await report(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "csv"]);
    const blocks = csv.stdout.trim().split("\n\n");
    expect(blocks[0]!.split("\n")[0]).toBe(
      "month,service,total_minutes,maintenance_minutes,unavailable_minutes,unmeasured_minutes,available_minutes,availability,objective,met",
    );
    const ttm = blocks.find((b) => b.startsWith("month,delivery_service,"))!.split("\n");
    expect(ttm.length).toBe(1 + 3 * 31);
    expect(ttm).toContain(`2026-03,ftps,2026-03-31,${new Date(Date.UTC(2026, 3, 2, 4)).toISOString()},missing,,`);
    const tickets = blocks.find((b) => b.startsWith("month,ticket_type,"))!.split("\n");
    expect(tickets).toContain(`2026-03,Account Access,${energy.tickets.get("Account Access")}`);
  });

  it("--year: the months that can be reported, annual sums, progress on stderr", async () => {
    const r = await report(["--prometheus", prometheus!.url, "--year", "2026", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    type Line = { service: string; available_minutes: number; maintenance_minutes: number; total_minutes: number; availability: number | null; months: number };
    const year = JSON.parse(r.stdout) as {
      months: { month: string; services: Line[] }[];
      months_missing: { month: string }[];
      annual: { services: Line[]; call_center: { total: number; by_month: { month: string; tickets: number }[] } };
    };
    // the data begins on February 26 and the rules were run from February 27 to April 1, 02:00 Central
    expect(year.months.map((m) => m.month)).toEqual(["2026-02", "2026-03", "2026-04"]);
    expect(year.months_missing.map((m) => m.month)).toEqual([
      "2026-01",
      "2026-05",
      "2026-06",
      "2026-07",
      "2026-08",
      "2026-09",
      "2026-10",
      "2026-11",
      "2026-12",
    ]);
    const march = year.months.find((m) => m.month === "2026-03")!;
    for (const s of year.annual.services) {
      const service = s.service as "gui";
      const lines = year.months.map((m) => m.services.find((x) => x.service === service)!);
      const sum = (k: "available_minutes" | "maintenance_minutes" | "total_minutes") => lines.reduce((n, l) => n + l[k], 0);
      expect(march.services.find((x) => x.service === service)!.available_minutes).toBe(truth.count(service, month.fromMs, month.toMs).available);
      expect([s.available_minutes, s.maintenance_minutes, s.total_minutes, s.months], s.service).toEqual([
        sum("available_minutes"),
        sum("maintenance_minutes"),
        sum("total_minutes"),
        3,
      ]);
      // over the year's minutes, not an average of the monthly ratios
      expect(s.total_minutes).toBe(["2026-02", "2026-03", "2026-04"].map((m) => reportMonth(m).totalMinutes).reduce((a, b) => a + b, 0));
      expect(s.availability).toBeCloseTo(sum("available_minutes") / (sum("total_minutes") - sum("maintenance_minutes")), 12);
    }
    // February's series (999 a type and source, two sources, three types): reported in its month only
    expect(year.annual.call_center.by_month).toEqual([
      { month: "2026-02", tickets: 2 * 3 * 999 },
      { month: "2026-03", tickets: [...energy.tickets.values()].reduce((a, b) => a + b, 0) },
    ]);
    expect(r.stderr).toMatch(/smt-monitor report: month 1\/12: 2026-01\n[\s\S]*month 12\/12: 2026-12/);
    expect(r.stderr).toMatch(/2026-03: time to market and data quality/);
  });

  it("bad arguments and a store that is not the notifier's are refused with exit 2", async () => {
    const both = await report(["--prometheus", prometheus!.url, "--month", "2026-03", "--year", "2026"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/exactly one of --month YYYY-MM or --year YYYY/);
    const badYear = await report(["--prometheus", prometheus!.url, "--year", "26"]);
    expect(badYear.stderr).toMatch(/--year: expected a year as YYYY/);
    const notStore = await report(["--prometheus", prometheus!.url, "--month", "2026-03", "--notices", join(dir, "nope.db")]);
    expect(notStore.code).toBe(2);
    expect(notStore.stderr).toMatch(/--notices: cannot open the notifier's store/);
    const audience = await report(["--prometheus", prometheus!.url, "--month", "2026-03", "--audience", "ercot"]);
    expect([audience.code, audience.stderr]).toEqual([2, 'smt-monitor report: --audience: expected one of jdoa, amwg, amit, got "ercot"\n']);
  });

  it("--audience and --config.file: the AMWG's GUI figures judged by the objective in force, notices as evidence, the JDOA's issues feed", async () => {
    const config = join(dir, "report-config.yaml");
    writeFileSync(
      config,
      "objectives:\n  - { service: gui, target: 0.99, from: 2013-04-30 }\n  - { service: gui, target: 0.9999, from: 2026-03-01 }\nreport:\n  issues: { file: issues.csv }\n",
    );
    writeFileSync(
      join(dir, "issues.csv"),
      "id,service,opened,closed,kind,status,title\nCR-1,gui,2026-03-03,,change_request,approved,Bulk download\nI-1,gui,not a date,,issue,open,x\n",
    );
    const amwg = await report([
      "--prometheus",
      prometheus!.url,
      "--month",
      "2026-03",
      "--format",
      "json",
      "--notices",
      noticesDb,
      "--audience",
      "amwg",
      "--config.file",
      config,
    ]);
    expect(amwg.code, amwg.stderr).toBe(0);
    const r = JSON.parse(amwg.stdout) as {
      audience: string;
      objectives: unknown[];
      services: { service: string; objective: number; met: boolean }[];
      outages: {
        service: string;
        kind: string;
        notices: { id: string; status: string; sent_at: string | null }[];
        announcement: { rule: string; lead_business_days: number } | null;
      }[];
      evidence_flags: { service: string; problem: string }[];
      call_center: unknown;
      issues: unknown;
    };
    expect(r.audience).toBe("amwg");
    expect(r.objectives).toEqual([{ service: "gui", target: 0.9999, from: "2026-03-01" }]);
    expect(r.services.map((s) => [s.service, s.objective, s.met])).toEqual([["gui", 0.9999, false]]);
    expect([r.call_center, r.issues]).toEqual([null, null]);
    expect(new Set(r.outages.map((o) => o.service))).toEqual(new Set(["gui"]));
    const noticed = r.outages.filter((o) => o.notices.length > 0);
    expect(noticed.find((o) => o.kind === "unplanned")!.notices.map((n) => n.status)).toEqual(["sent", "sent"]);
    expect(noticed.find((o) => o.kind === "planned")!.announcement).toMatchObject({ rule: "met", lead_business_days: 5 });
    // every other gui outage over 15 minutes has no notice in the store: flagged
    const unnoticed = r.outages.filter((o) => o.kind === "unplanned" && o.notices.length === 0).length;
    expect(unnoticed).toBeGreaterThan(0);
    expect(r.evidence_flags.filter((f) => f.problem === "no_sent_notice")).toHaveLength(unnoticed);

    const jdoa = await report(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "md", "--config.file", config]);
    expect(jdoa.code, jdoa.stderr).toBe(0);
    expect(jdoa.stdout).toContain("| GUI | CR-1 | change_request | approved | 2026-03-03 | 29 | Bulk download |");
    expect(jdoa.stdout).toContain(`${join(dir, "issues.csv")}:3: opened: expected a date-time`);
    expect(jdoa.stderr).toContain(`issues feed: 1 row(s) left out, e.g. ${join(dir, "issues.csv")}:3: opened`);
  });

  describe("the HTML report in Chromium", () => {
    let context: BrowserContext;
    let htmlFile: string;
    let profile: string;
    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium package`);
      htmlFile = join(dir, "report-2026-03.html");
      const r = await report(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "html", "--notices", noticesDb, "--output", htmlFile]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`wrote ${htmlFile}`);
      // SMT_REPORT_COPY=path keeps a copy of the page to look at
      if (process.env.SMT_REPORT_COPY) copyFileSync(htmlFile, process.env.SMT_REPORT_COPY);
      const flagged = (readFileSync(htmlFile, "utf8").match(/<tr data-service="\w+" data-problem="/g) ?? []).length;
      expect(flagged).toBeGreaterThan(5);
      profile = mkdtempSync(join(tmpdir(), "smt-chromium-"));
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      });
    }, 120_000);
    afterAll(async () => {
      await context?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it("is one self-contained file: no script, no request but the file, no console error", async () => {
      const html = readFileSync(htmlFile, "utf8");
      expect(html).not.toMatch(/<script|<link|@import|url\(|src=/i);
      const page = await context.newPage();
      const requests: string[] = [];
      const problems: string[] = [];
      page.on("request", (req) => requests.push(req.url()));
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(pathToFileURL(htmlFile).href);
      expect(requests).toEqual([pathToFileURL(htmlFile).href]);
      expect(problems).toEqual([]);
      await page.close();
    });

    it("its charts and tables show the report's figures", async () => {
      const page = await context.newPage();
      await page.goto(pathToFileURL(htmlFile).href);
      expect(await page.title()).toBe("Smart Meter Texas service-level report, March 2026");
      // availability: one bar per service, its value and verdict; the objective line at 99 %
      const bars = await page.$$eval("svg#chart-availability g.bar", (gs) =>
        gs.map((g) => ({
          service: g.getAttribute("data-service"),
          availability: Number(g.getAttribute("data-availability")),
          met: g.getAttribute("data-met"),
          width: Number(g.querySelector("rect")!.getAttribute("width")),
        })),
      );
      expect(bars.map((b) => b.service)).toEqual(["gui", "api", "ftps", "han", "call_center"]);
      for (const b of bars) {
        const s = json.services.find((x) => x.service === b.service)!;
        expect(b.availability).toBeCloseTo(s.availability, 12);
        expect(b.met).toBe(String(s.met));
        expect(b.width).toBeGreaterThan(0);
      }
      expect(await page.getAttribute("svg#chart-availability g.reference", "data-value")).toBe("0.99");
      const rowText = await page.$$eval("#table-availability tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
      expect(rowText.map((r) => r[8])).toEqual(json.services.map((s) => (s.met ? "met" : "MISSED")));
      expect(rowText.map((r) => r[6])).toEqual(json.services.map((s) => `${(s.availability * 100).toFixed(3)} %`));

      // outages: one row each, with the notice ids
      expect(await page.locator("#table-outages tbody tr").count()).toBe(json.outages.length);
      for (const id of [...expectedNotices.values()].flat()) expect(await page.locator(`#table-outages code:text-is("${id}")`).count()).toBeGreaterThan(0);

      // time to market: one square per usage day and service, colored by the day's status
      for (const t of json.time_to_market) {
        const statuses = await page.$$eval(`svg#chart-time-to-market g.strip[data-label="${serviceName(t.service)}"] rect.cell`, (rs) =>
          rs.map((r) => r.getAttribute("data-status")),
        );
        expect(statuses, t.service).toEqual(t.days_detail.map((d) => d.status));
        const cells = await page.$$eval(`#table-time-to-market tr[data-service="${t.service}"] td`, (tds) => tds.map((td) => td.textContent));
        expect(cells.slice(2, 8)).toEqual([t.days, t.on_time, t.late, t.missing, t.unmeasured, t.pending].map(String));
      }
      expect(await page.locator("#table-late-days tbody tr").count()).toBe(json.time_to_market.reduce((n, t) => n + t.late + t.missing, 0));

      // data quality, tickets and HAN devices
      for (const q of json.data_quality) {
        const v = await page.getAttribute(`svg#chart-data-quality g.bar[data-service="${q.service}"][data-figure="missing"]`, "data-value");
        expect(Number(v)).toBe(q.missing);
      }
      const ticketBars = await page.$$eval("svg#chart-call-center g.bar", (gs) =>
        gs.map((g) => [g.getAttribute("data-type"), Number(g.getAttribute("data-value"))]),
      );
      expect(ticketBars).toEqual(json.call_center!.by_type.map((t) => [t.type, t.tickets]));
      const stacks = await page.$$eval("svg#chart-han-devices g.stack", (gs) => gs.map((g) => Number(g.getAttribute("data-value"))));
      expect(stacks).toEqual(json.han_devices!.by_tdsp.map((t) => t.devices));
      expect(await page.textContent('#table-han-devices tr[data-status="total"] td:last-child')).toBe(String(json.han_devices!.total));

      // every chart is drawn, inside the page
      const boxes = await page.$$eval("svg.chart", (svgs) =>
        svgs.map((s) => s.getBoundingClientRect()).map((r) => ({ w: r.width, h: r.height, right: r.right })),
      );
      expect(boxes.length).toBe(5);
      const width = await page.evaluate(() => document.documentElement.clientWidth);
      for (const b of boxes) {
        expect(b.w).toBeGreaterThan(100);
        expect(b.h).toBeGreaterThan(20);
        expect(b.right).toBeLessThanOrEqual(width);
      }
      await page.close();
    });

    it("the year's page renders too: its charts and the months' availability", async () => {
      const yearFile = join(dir, "report-2026.html");
      const r = await report(["--prometheus", prometheus!.url, "--year", "2026", "--format", "html", "--output", yearFile]);
      expect(r.code, r.stderr).toBe(0);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      await page.goto(pathToFileURL(yearFile).href);
      expect(problems).toEqual([]);
      expect(await page.title()).toBe("Smart Meter Texas service-level report, 2026");
      expect(await page.locator("#table-monthly-availability tbody tr").count()).toBe(3);
      expect(await page.locator("svg#chart-availability g.bar").count()).toBe(5);
      const columns = await page.$$eval("svg#chart-call-center-months g.column", (gs) =>
        gs.map((g) => [g.getAttribute("data-label"), Number(g.getAttribute("data-value"))]),
      );
      expect(columns).toEqual([
        ["02", 2 * 3 * 999],
        ["03", json.call_center!.total],
      ]);
      await page.close();
    });

    it("prints to PDF on Letter pages without cutting a chart or running off the page", async () => {
      const page = await context.newPage();
      await page.setViewportSize({ width: 816, height: 1056 }); // Letter at 96 dpi
      await page.goto(pathToFileURL(htmlFile).href);
      await page.emulateMedia({ media: "print" });
      const sections = await page.$$eval("section", (ss) => ss.map((s) => getComputedStyle(s).breakInside));
      expect(sections.length).toBe(7); // with the notice evidence (issue 9 item 5)
      expect(new Set(sections)).toEqual(new Set(["avoid"]));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const pdf = await page.pdf({ format: "Letter", printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      expect(pages).toBeGreaterThanOrEqual(2);
      // the notice evidence (issue 9 item 5) lists each outage of the synthetic month without a sent notice;
      // the call-center section (issue 10) lists the call center's outage of March 21
      expect(pages).toBeLessThanOrEqual(11);
      await page.close();
    });
  });
});
