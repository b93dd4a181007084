import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { readIssuesFeed } from "../src/market-figures/market-issues.js";
import { NoticeStore, NoticeStoreReader, type NoticeEvidence, type NoticeRow } from "../src/notices/notice-store.js";
import { formatCommitteeMonth, formatCommitteeYear } from "../src/report/committee-format.js";
import { committeeMonthHtml, committeeYearHtml } from "../src/report/committee-html.js";
import { annualSummary, committeeMonth, committeeMonthNeeds, type CommitteeMonthData, type CommitteeMonthReport } from "../src/report/committee-report.js";
import { leadBusinessDays } from "../src/report/notice-evidence.js";
import { loadReportSettings } from "../src/report/report-config.js";
import { reportMonth } from "../src/report/report-month.js";
import { minuteFlags } from "../src/report/outage-list.js";
import { SLO_DELIVERY_DEADLINES } from "../src/energy-data/delivery-deadline.js";
import { maintenanceCalendar } from "../src/maintenance/maintenance-calendar.js";
import { maintenanceConfig } from "../src/config/maintenance-schema.js";

/**
 * Issue 9 items 5 to 8: the report's notice evidence (from a real notifier store file), the
 * audiences, objectives with history and the issues feed (a real file and a real HTTP server). The
 * sections are pure functions of the data built here; no Prometheus.
 */

const MINUTE = 60_000;
const STEP_OFFSET = 129_999;
const central = (iso: string) => DateTime.fromISO(iso, { zone: "America/Chicago" }).toMillis();
const march = reportMonth("2026-03");
const now = central("2026-05-01T00:00");
const needs = committeeMonthNeeds(march, now, SLO_DELIVERY_DEADLINES);
const calendar = maintenanceCalendar(maintenanceConfig.parse({}));
const settings = { outageThresholdMinutes: 15, deadlines: SLO_DELIVERY_DEADLINES, calendar };

function flagSeries(service: string, state: string, from: number, to: number) {
  const points = new Map<number, number>();
  for (let m = from - 30 * MINUTE; m < to + 30 * MINUTE; m += MINUTE) points.set(m + STEP_OFFSET, m >= from && m < to ? 1 : 0);
  return { metric: { service, state }, points };
}

const guiOutage = central("2026-03-10T10:00"); // 30 min, INITIAL sent, UPDATE still a draft
const apiOutage = central("2026-03-11T09:00"); // 20 min, INITIAL a draft never sent: flagged
const apiWindow = central("2026-03-14T02:00"); // Saturday; PLANNED sent Thursday 03-12: 2 business days, late
const guiWindow = central("2026-03-21T02:00"); // Saturday; PLANNED sent Monday 03-16: 5 business days, met
const sentInitial = central("2026-03-10T10:40");
const sentLate = central("2026-03-12T09:00");
const sentEarly = central("2026-03-16T09:00");

let dir: string;
let evidence: NoticeEvidence;

/** A notifier store file with the notices above, read back through the read-only reader as the report does. */
function buildStore(path: string): NoticeEvidence {
  const store = NoticeStore.open(path);
  const incident = (kind: "unplanned" | "planned", series: string, start: number, end: number, services: string[]) =>
    store.insertIncident({
      kind,
      series_id: series,
      planned_key: kind === "planned" ? `planned:${series}` : null,
      status: kind === "planned" ? "scheduled" : "resolved",
      start_ms: start,
      end_ms: end,
      services: JSON.stringify(services),
      summary: null,
      description: null,
      runbook_url: null,
      due_date: null,
      overrun: 0,
      created_at: start,
      next_update_at: null,
    }).id;
  const notice = (incidentId: number, id: string, sequence: number, kind: NoticeRow["kind"], status: NoticeRow["status"], sentAt: number | null) =>
    store.insertNotice({
      id,
      incident_id: incidentId,
      sequence,
      kind,
      status,
      services: "[]",
      subject: id,
      body: id,
      version: 1,
      created_at: 0,
      updated_at: 0,
      approved_by: null,
      approved_at: null,
      sent_by: sentAt === null ? null : "oncor",
      sent_at: sentAt,
    });
  const outage = (service: "gui" | "api", start: number, incidentId: number) =>
    store.insertOutage({
      service,
      start_s: start / 1000,
      incident_id: incidentId,
      status: "resolved",
      end_ms: start + 30 * MINUTE,
      alertname: "SMTUnplannedOutage",
      first_seen: start,
      last_seen: start,
    });
  const a = incident("unplanned", "SMT-M-A031026", guiOutage, guiOutage + 30 * MINUTE, ["gui"]);
  outage("gui", guiOutage, a);
  notice(a, "SMT-M-A031026-01", 1, "INITIAL", "sent", sentInitial);
  notice(a, "SMT-M-A031026-02", 2, "UPDATE", "draft", null);
  const b = incident("unplanned", "SMT-M-A031126", apiOutage, apiOutage + 20 * MINUTE, ["api"]);
  outage("api", apiOutage, b);
  notice(b, "SMT-M-A031126-01", 1, "INITIAL", "draft", null);
  const c = incident("planned", "SMT-M-A030926", apiWindow, apiWindow + 600 * MINUTE, ["api"]);
  notice(c, "SMT-M-A030926-01", 1, "PLANNED", "sent", sentLate);
  const d = incident("planned", "SMT-M-A031626", guiWindow, guiWindow + 600 * MINUTE, ["gui"]);
  notice(d, "SMT-M-A031626-01", 1, "PLANNED", "sent", sentEarly);
  store.close();
  const reader = NoticeStoreReader.open(path);
  try {
    return reader.noticeEvidence(march.fromMs - 2 * MINUTE, march.toMs);
  } finally {
    reader.close();
  }
}

function data(): CommitteeMonthData {
  return {
    availability: (["gui", "api", "ftps", "han"] as const).flatMap((service) => [
      { metric: { service, state: "available" }, value: 43_900 },
      { metric: { service, state: "maintenance" }, value: 600 },
      { metric: { service, state: "unavailable" }, value: 80 },
    ]),
    minuteFlags: minuteFlags([
      flagSeries("gui", "unavailable", guiOutage, guiOutage + 30 * MINUTE),
      flagSeries("api", "unavailable", apiOutage, apiOutage + 20 * MINUTE),
      flagSeries("api", "maintenance", apiWindow, apiWindow + 600 * MINUTE),
      flagSeries("gui", "maintenance", guiWindow, guiWindow + 600 * MINUTE),
    ]),
    reservedWindows: [],
    energy: { latest: [], qualityDay: [], qualityFigures: [] },
    callCenter: [{ metric: { source: "phone", type: "Account Access" }, value: 7 }],
    han: [{ metric: { source: "a", status: "joined", tdsp: "oncor" }, value: 12 }],
    notices: evidence,
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "smt-report-evidence-"));
  evidence = buildStore(join(dir, "notices.db"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("item 5: the report as evidence (notices with status, sent time, lead time; flags)", () => {
  it("lead time counts business days from the sent day to the day before the start", () => {
    expect(leadBusinessDays(central("2026-03-11T18:00"), apiWindow, calendar)).toBe(3); // Wed, Thu, Fri
    expect(leadBusinessDays(sentLate, apiWindow, calendar)).toBe(2);
    const thanksgiving = maintenanceCalendar(maintenanceConfig.parse({ holidays: ["2026-11-26", "2026-11-27"] }));
    expect(leadBusinessDays(central("2026-11-23T12:00"), central("2026-11-30T02:00"), thanksgiving)).toBe(3);
    expect(leadBusinessDays(central("2026-11-24T12:00"), central("2026-11-30T02:00"), thanksgiving)).toBe(2);
  });

  const report = () => committeeMonth(march, now, needs, data(), settings);

  it("json: each notice with its status; only a sent notice has a sent time; the summary flags the draft-only outage and the late window", () => {
    const r = JSON.parse(formatCommitteeMonth(report(), "json")) as CommitteeMonthReport;
    const byStart = new Map(r.outages.map((o) => [`${o.service} ${o.kind}`, o]));
    expect(byStart.get("gui unplanned")!.notices).toEqual([
      { id: "SMT-M-A031026-01", kind: "INITIAL", status: "sent", sent_at: new Date(sentInitial).toISOString() },
      { id: "SMT-M-A031026-02", kind: "UPDATE", status: "draft", sent_at: null },
    ]);
    expect(byStart.get("api unplanned")!.notices).toEqual([{ id: "SMT-M-A031126-01", kind: "INITIAL", status: "draft", sent_at: null }]);
    expect(byStart.get("api planned")!.announcement).toEqual({
      rule: "missed",
      required_business_days: 3,
      notice_id: "SMT-M-A030926-01",
      sent_at: new Date(sentLate).toISOString(),
      lead_business_days: 2,
    });
    expect(byStart.get("gui planned")!.announcement).toMatchObject({ rule: "met", lead_business_days: 5 });
    expect(r.evidence_flags!.map((f) => [f.service, f.kind, f.problem])).toEqual([
      ["api", "unplanned", "no_sent_notice"],
      ["api", "planned", "announced_late"],
    ]);
    expect(r.evidence_flags![1]!.text).toBe("planned maintenance API 2026-03-14 02:00 CDT (600 min): announced 2 business days ahead, 3 required");
  });

  it("csv, md and table: the flags, each notice's status, and a draft never reads as sent", () => {
    const csv = formatCommitteeMonth(report(), "csv");
    expect(csv).toContain("period,evidence_service,kind,start,minutes,problem,text\n");
    expect(csv).toContain(`2026-03,api,unplanned,${new Date(apiOutage).toISOString()},20,no_sent_notice,`);
    expect(csv).toContain(`2026-03,api,planned,${new Date(apiWindow).toISOString()},600,announced_late,`);
    expect(csv).toContain(`,"SMT-M-A031026-01 INITIAL sent ${new Date(sentInitial).toISOString()}; SMT-M-A031026-02 UPDATE draft, NOT SENT",,\n`);
    expect(csv).toMatch(/,SMT-M-A030926-01 PLANNED sent [^,]+,missed,2\n/);
    for (const format of ["md", "table"] as const) {
      const text = formatCommitteeMonth(report(), format);
      expect(text, format).toContain("Notice evidence, 2026-03: 2 flagged");
      expect(text, format).toContain("unplanned outage API 2026-03-11 09:00 CDT (20 min): no market notice was sent");
      expect(text, format).toContain("SMT-M-A031126-01 INITIAL draft, NOT SENT");
      expect(text, format).toContain("MISSED (2 business days ahead)");
      expect(text, format).toContain("met (5 business days ahead)");
      expect(text, format).not.toMatch(/SMT-M-A031126-01 INITIAL sent/);
    }
  });

  it("html: flagged rows, each notice with data-status, a sent time only on the sent one", () => {
    const html = committeeMonthHtml(report(), now);
    expect(html).toContain('id="table-notice-flags"');
    expect(html.match(/<tr data-service="api" data-problem="(\w+)">/g)).toEqual([
      '<tr data-service="api" data-problem="no_sent_notice">',
      '<tr data-service="api" data-problem="announced_late">',
    ]);
    expect(html).toContain(
      `<span class="notice" data-notice-id="SMT-M-A031026-01" data-status="sent" data-sent-at="${new Date(sentInitial).toISOString()}"><code>SMT-M-A031026-01</code> INITIAL sent`,
    );
    expect(html).toContain(
      '<span class="notice" data-notice-id="SMT-M-A031126-01" data-status="draft"><code>SMT-M-A031126-01</code> INITIAL draft, NOT SENT</span>',
    );
    expect(html).toContain('<strong class="flag" data-rule="missed">MISSED (2 business days ahead)</strong>');
  });

  it("without a store nothing is judged: no flags, and the report says so", () => {
    const r = committeeMonth(march, now, needs, { ...data(), notices: null }, settings);
    expect(r.evidence_flags).toBeNull();
    expect(r.outages.every((o) => o.notices === null && o.announcement === null)).toBe(true);
    expect(formatCommitteeMonth(r, "md")).toContain("Notice evidence, 2026-03: no notice store given");
  });

  it("the year report carries every month's flags", () => {
    const m = report();
    const year = {
      year: "2026",
      timezone: m.timezone,
      audience: m.audience,
      audience_title: m.audience_title,
      objectives: m.objectives,
      months: [m],
      months_missing: [],
      annual: annualSummary([m], m.objectives),
    };
    expect(year.annual.evidence_flags).toHaveLength(2);
    expect(formatCommitteeYear(year, "md")).toContain("Notice evidence, 2026: 2 flagged");
  });
});

describe("item 6: one report per audience", () => {
  it("AMWG gets the GUI figures only; AMIT the API, FTPS, HAN and call-center figures; JDOA all of them", () => {
    const amwg = committeeMonth(march, now, needs, data(), { ...settings, audience: "amwg" });
    expect(amwg.audience_title).toBe("Advanced Metering Working Group (AMWG)");
    expect(amwg.services.map((s) => s.service)).toEqual(["gui"]);
    expect(new Set(amwg.outages.map((o) => o.service))).toEqual(new Set(["gui"]));
    expect([amwg.call_center, amwg.han_devices, amwg.issues]).toEqual([null, null, null]);
    expect(amwg.evidence_flags).toEqual([]);
    const amwgMd = formatCommitteeMonth(amwg, "md");
    expect(amwgMd).toContain("For the Advanced Metering Working Group (AMWG).");
    expect(amwgMd).not.toContain("Call-center tickets");
    expect(amwgMd).not.toContain("HAN devices");
    expect(committeeMonthHtml(amwg, now)).not.toContain('id="call-center"');

    const amit = committeeMonth(march, now, needs, data(), { ...settings, audience: "amit" });
    expect(amit.audience_title).toBe("AMIT Operations Working Group and AMIT Steering Committee");
    expect(amit.services.map((s) => s.service)).toEqual(["api", "ftps", "han", "call_center"]);
    expect(amit.outages.every((o) => o.service === "api")).toBe(true);
    expect(amit.call_center?.total).toBe(7);
    expect(amit.han_devices?.total).toBe(12);
    const amitHtml = committeeMonthHtml(amit, now);
    expect(amitHtml).toContain("Monthly report for the AMIT Operations Working Group and AMIT Steering Committee");
    expect(amitHtml).toContain('id="call-center"');
    expect(amitHtml).toContain('id="han-devices"');
    expect(
      formatCommitteeMonth(amit, "csv")
        .split("\n")
        .filter((l) => /^2026-03,gui,/.test(l)),
    ).toEqual([]);

    const jdoa = committeeMonth(march, now, needs, data(), settings);
    expect(jdoa.audience).toBe("jdoa");
    expect(jdoa.services.map((s) => s.service)).toEqual(["gui", "api", "ftps", "han", "call_center"]);
    expect(formatCommitteeMonth(jdoa, "md")).toContain("For the SMT JDOA Committee.");
  });
});

describe("item 6: the year report per audience", () => {
  it("the AMWG's year: GUI only, no call-center or HAN section, in every format", () => {
    const m = committeeMonth(march, now, needs, data(), { ...settings, audience: "amwg" });
    const frame = { audience: m.audience, audience_title: m.audience_title, objectives: m.objectives };
    const year = { year: "2026", timezone: m.timezone, ...frame, months: [m], months_missing: [], annual: annualSummary([m], m.objectives) };
    expect(year.annual.services.map((s) => s.service)).toEqual(["gui"]);
    expect(year.annual.call_center).toBeNull();
    const md = formatCommitteeYear(year, "md");
    expect(md).toContain("Annual review for the Advanced Metering Working Group (AMWG).");
    expect(md).not.toContain("Call-center tickets");
    expect(md).not.toContain("HAN devices");
    const html = committeeYearHtml(year, now);
    expect(html).toContain("Annual review for the Advanced Metering Working Group (AMWG)");
    expect(html).not.toContain('id="call-center"');
    expect(html).not.toContain('id="han-devices"');
    expect(html).toContain('id="table-planned"');
    expect(JSON.parse(formatCommitteeYear(year, "json"))).toMatchObject({ audience: "amwg", annual: { evidence_flags: [] } });
    expect(formatCommitteeYear(year, "csv")).toContain("2026,gui,0.99,,amwg");
  });
});

describe("item 7: objectives with history", () => {
  const objectives = [
    { service: "gui" as const, target: 0.99, from: "2013-04-30" },
    { service: "gui" as const, target: 0.999, from: "2026-03-15" },
  ];
  it("a month is judged by the objective in force on its first day, and the report prints it", () => {
    // 43 900 of 43 980 counted minutes: 99.82 %, over 99 %, not over 99.9 %
    const before = committeeMonth(march, now, needs, data(), { ...settings, objectives });
    expect(before.services[0]).toMatchObject({ service: "gui", objective: 0.99, met: true });
    expect(before.objectives[0]).toEqual({ service: "gui", target: 0.99, from: "2013-04-30" });
    expect(before.objectives[1]).toEqual({ service: "api", target: 0.99, from: null });
    const april = reportMonth("2026-04");
    // 42 500 of 42 600 counted minutes: 99.77 %
    const aprilMinutes = (["gui", "api", "ftps", "han"] as const).flatMap((service) => [
      { metric: { service, state: "available" }, value: 42_500 },
      { metric: { service, state: "maintenance" }, value: 600 },
      { metric: { service, state: "unavailable" }, value: 80 },
    ]);
    const after = committeeMonth(
      april,
      now,
      committeeMonthNeeds(april, now, SLO_DELIVERY_DEADLINES),
      { ...data(), availability: aprilMinutes, minuteFlags: new Map() },
      { ...settings, objectives },
    );
    expect(after.services[0]).toMatchObject({ service: "gui", objective: 0.999, met: false });
    expect(after.services[1]).toMatchObject({ service: "api", objective: 0.99, met: true });
    expect(formatCommitteeMonth(after, "md")).toContain("Objectives used: GUI over 99.9 % (in force from 2026-03-15); API over 99 % (SLO document)");
    expect(formatCommitteeMonth(after, "table")).toMatch(/^gui +43200 +600 +80 +20 +42500 +99\.765 % +99\.900 % +MISSED$/m);
    expect(formatCommitteeMonth(after, "csv")).toContain("2026-04,gui,0.999,2026-03-15,jdoa");
    expect(committeeMonthHtml(after, now)).toContain("GUI over 99.9 % (in force from 2026-03-15)");
  });

  it("objectives come from the config, validated with file, line and field", () => {
    const good = join(dir, "objectives.yaml");
    writeFileSync(good, "objectives:\n  - { service: gui, target: 0.99, from: 2013-04-30 }\n  - { service: gui, target: 0.995, from: 2026-07-01 }\n");
    expect(loadReportSettings(good).objectives).toEqual([
      { service: "gui", target: 0.99, from: "2013-04-30" },
      { service: "gui", target: 0.995, from: "2026-07-01" },
    ]);
    const bad = join(dir, "objectives-bad.yaml");
    writeFileSync(bad, "objectives:\n  - { service: gui, target: 99, from: 2013-04-30 }\n  - service: web\n    target: 0.99\n    from: 2013-02-30\n");
    const err = (() => {
      try {
        loadReportSettings(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toContain(`${bad}:2`);
    expect(message).toMatch(/objectives\[0\]\.target.*expected a share of minutes above 0 and below 1/);
    expect(message).toMatch(new RegExp(`${bad}:3:.*objectives\\[1\\]\\.service`));
    expect(message).toMatch(new RegExp(`${bad}:5:.*objectives\\[1\\]\\.from: expected a real date "YYYY-MM-DD", got "2013-02-30"`));
  });
});

describe("item 8: issues and change requests from a feed", () => {
  const csv = [
    "id,service,opened,closed,kind,status,title",
    "I-1,gui,2026-02-20,,issue,investigating,Portal login loops for some users",
    "CR-7,API,2026-03-02 10:00,2026-03-20,change_request,implemented,Add a bulk interval endpoint",
    "I-2,han,2026-03-05,,issue,open,HAN join fails for one meter model",
    "I-3,portal,2026-03-06,,issue,open,unknown service",
    "CR-8,call center,2026-03-09,,change request,under review,Callback queue",
    "I-4,ftps,yesterday,,issue,open,bad date",
    "I-2,api,2026-03-10,,issue,open,duplicate id",
    "I-5,api,2026-04-02,,issue,open,opened after the month",
    "",
  ].join("\n");
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          {
            rows: [
              { id: "I-9", service: "ftps", opened: "2026-03-03", closed: "", kind: "issue", status: "open", title: "Stale files" },
              { id: "I-10", service: "ftps", opened: "2026-03-04", closed: "2026-03-01", kind: "issue", status: "closed", title: "closed before opened" },
            ],
          },
          null,
          2,
        ),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/issues.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("a file feed: counts and the open list per service; bad rows named with file and line, the good ones still counted", async () => {
    const feedFile = join(dir, "issues.csv");
    writeFileSync(feedFile, csv);
    const config = join(dir, "report.yaml");
    writeFileSync(config, "report:\n  issues:\n    file: issues.csv\n");
    const settingsRead = loadReportSettings(config);
    const feed = await readIssuesFeed(settingsRead.issuesFeed!);
    expect(feed.error).toBeNull();
    const r = committeeMonth(march, now, needs, { ...data(), issues: feed }, settings);
    const s = r.issues!;
    expect(s.bad_rows).toEqual([
      `${feedFile}:5: service: expected one of gui, api, ftps, han, call_center, got "portal"`,
      `${feedFile}:7: opened: expected a date-time (2026-03-05, 2026-03-05T14:20, 03/05/2026 14:20), got "yesterday"`,
      `${feedFile}:8: id I-2 already given at line 4`,
    ]);
    const row = (service: string) => s.by_service.find((c) => c.service === service);
    expect(row("gui")).toMatchObject({ opened_issues: 0, open_issues: 1, open_change_requests: 0 });
    expect(row("api")).toMatchObject({ opened_change_requests: 1, closed_change_requests: 1, open_change_requests: 0, open_issues: 0 });
    expect(row("han")).toMatchObject({ opened_issues: 1, open_issues: 1 });
    expect(row("call_center")).toMatchObject({ opened_change_requests: 1, open_change_requests: 1 });
    expect(s.open.map((i) => [i.service, i.id, i.kind, i.status, i.opened])).toEqual([
      ["gui", "I-1", "issue", "investigating", "2026-02-20"],
      ["han", "I-2", "issue", "open", "2026-03-05"],
      ["call_center", "CR-8", "change_request", "under review", "2026-03-09"],
    ]);
    const md = formatCommitteeMonth(r, "md");
    expect(md).toContain("### Issues and change requests, 2026-03");
    expect(md).toContain("| HAN | I-2 | issue | open | 2026-03-05 | 27 | HAN join fails for one meter model |");
    expect(md).toContain(`${feedFile}:5: service`);
    expect(formatCommitteeMonth(r, "csv")).toContain("2026-03,CR-8,call_center,change_request,under review,2026-03-09,23,Callback queue");
    expect(committeeMonthHtml(r, now)).toContain('<tr data-id="I-1">');
    // the JDOA's: not in the working groups' reports
    expect(committeeMonth(march, now, needs, { ...data(), issues: feed }, { ...settings, audience: "amit" }).issues).toBeNull();
  });

  it("an HTTP feed (JSON): its bad row is named with the URL and line", async () => {
    const config = join(dir, "report-http.yaml");
    writeFileSync(config, `report:\n  issues:\n    http:\n      steps:\n        - name: issues\n          url: ${url}\n`);
    const feed = await readIssuesFeed(loadReportSettings(config).issuesFeed!);
    const s = committeeMonth(march, now, needs, { ...data(), issues: feed }, settings).issues!;
    expect(s.open.map((i) => i.id)).toEqual(["I-9"]);
    expect(s.bad_rows).toEqual([`${url}:12: closed: 2026-03-01 is before opened (2026-03-04)`]);
  });

  it("the HTTP feed's own secrets are read, and a problem with them names file, line and field", () => {
    const config = join(dir, "report-secret.yaml");
    writeFileSync(
      config,
      `report:\n  issues:\n    http:\n      secrets:\n        token: { file: no-such-token }\n      steps:\n        - name: issues\n          url: ${url}\n          headers: { Authorization: "Bearer {{ secret.token }}" }\n`,
    );
    expect(() => loadReportSettings(config)).toThrow(
      new RegExp(`${config}:5:\\d+: report\\.issues\\.http\\.secrets\\.token: cannot read secret file .*no-such-token: ENOENT`),
    );
  });

  it("a feed that cannot be read says so instead of reporting zeros", async () => {
    const feed = await readIssuesFeed({ file: join(dir, "missing.csv"), maxBytes: 1000, timeoutMs: 5000 });
    const r = committeeMonth(march, now, needs, { ...data(), issues: feed }, settings);
    expect(r.issues!.read_error).toMatch(/cannot read .*missing\.csv: ENOENT/);
    expect(formatCommitteeMonth(r, "md")).toMatch(/The feed could not be read: cannot read .*missing\.csv: ENOENT/);
  });
});
