import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { SLO_DELIVERY_DEADLINES } from "../src/energy-data/delivery-deadline.js";
import { committeeMonth, committeeMonthNeeds, type CommitteeMonthData } from "../src/report/committee-report.js";
import { formatCommitteeMonth } from "../src/report/committee-format.js";
import { committeeMonthHtml } from "../src/report/committee-html.js";
import { reportMonth } from "../src/report/report-month.js";
import { minuteFlags } from "../src/report/outage-list.js";
import { flagSeries } from "./support/minute-flag-series.js";

/**
 * The committee report's call-center section (seed section 6, issue 10 item 2): the call center's
 * availability and outages beside its tickets, for the JDOA and the AMIT, not the AMWG. The data is
 * what Prometheus and the notifier's store would answer for a month with a 25-minute call-center
 * outage (as test/report-sections.test.ts builds it); no server, the clock passed in.
 */
const MINUTE = 60_000;
const central = (iso: string) => DateTime.fromISO(iso, { zone: "America/Chicago" }).toMillis();
const march = reportMonth("2026-03");
const now = central("2026-05-01T00:00");
const settings = { outageThresholdMinutes: 15, deadlines: SLO_DELIVERY_DEADLINES };

const start = central("2026-03-21T03:00"); // a Saturday, inside the other services' reserved window
const recordedFlags = [
  flagSeries("call_center", "unavailable", start, start + 25 * MINUTE, start - 60 * MINUTE, start + 60 * MINUTE),
  flagSeries("call_center", "available", start + 25 * MINUTE, start + 60 * MINUTE, start - 60 * MINUTE, start + 60 * MINUTE),
];
const data: CommitteeMonthData = {
  availability: [
    { metric: { service: "call_center", state: "available" }, value: 44_555 },
    { metric: { service: "call_center", state: "unavailable" }, value: 25 },
  ],
  minuteFlags: minuteFlags(recordedFlags),
  reservedWindows: [],
  energy: { latest: [], qualityDay: [], qualityFigures: [] },
  callCenter: [
    { metric: { source: "tickets", type: "Account Access" }, value: 40 },
    { metric: { source: "tickets", type: "Password Reset" }, value: 60 },
  ],
  han: [],
  notices: {
    outages: [{ service: "call_center", startMs: start, incidentId: 3 }],
    plannedIncidents: [],
    noticeIds: new Map([[3, ["SMT-M-A032126-01", "SMT-M-A032126-02"]]]),
    notices: new Map([
      [
        3,
        [
          { id: "SMT-M-A032126-01", kind: "INITIAL", status: "sent" as const, createdAt: start + 17 * MINUTE, sentAt: start + 20 * MINUTE },
          { id: "SMT-M-A032126-02", kind: "COMPLETION", status: "draft" as const, createdAt: start + 31 * MINUTE, sentAt: null },
        ],
      ],
    ]),
  },
};
const needs = committeeMonthNeeds(march, now, SLO_DELIVERY_DEADLINES);

describe("the committee report's call-center section", () => {
  it("JDOA: availability, the outage with its notices and the tickets together, in text and HTML", () => {
    const report = committeeMonth(march, now, needs, data, settings);
    expect(report.services.map((s) => s.service)).toContain("call_center");
    expect(report.outages.map((o) => [o.service, o.kind, o.minutes, o.notice_ids])).toEqual([
      ["call_center", "unplanned", 25, ["SMT-M-A032126-01", "SMT-M-A032126-02"]],
    ]);

    const text = formatCommitteeMonth(report, "md");
    const section = text.slice(text.indexOf("Call center, 2026-03"));
    expect(section).toMatch(
      /^Call center, 2026-03: availability 99\.9 % \(objective met, over 99 %, 24x7\), 25 unavailable and 0 unmeasured minutes; 1 unplanned outage noticed to the market, 0 shorter \(0 min\)\./,
    );
    expect(section).toContain("| unplanned | 2026-03-21 03:00 CDT | 2026-03-21 03:25 CDT | 25 | 25 | SMT-M-A032126-01 INITIAL sent");
    expect(section.indexOf("Call-center tickets, 2026-03: 100 in total")).toBeGreaterThan(0);

    const page = committeeMonthHtml(report, now);
    const html = page.slice(page.indexOf('<section id="call-center">'));
    expect(html).toMatch(/^<section id="call-center"><h2>[^<]*Call center: availability, outages and tickets<\/h2>/);
    expect(html).toContain('id="call-center-availability">Call center, 2026-03: availability 99.944 %');
    expect(html).toMatch(/<table id="table-call-center-outages">.*<tr data-kind="unplanned"><td class="l">unplanned<\/td>/s);
    expect(html.indexOf('id="table-call-center"')).toBeGreaterThan(html.indexOf('id="table-call-center-outages"'));
  });

  it("the AMIT gets it too; the AMWG (the GUI) does not", () => {
    const amit = committeeMonth(march, now, needs, data, { ...settings, audience: "amit" });
    expect(formatCommitteeMonth(amit, "md")).toContain("Call center, 2026-03: availability");
    const amwg = committeeMonth(march, now, needs, data, { ...settings, audience: "amwg" });
    expect(amwg.services.map((s) => s.service)).toEqual(["gui"]);
    expect(formatCommitteeMonth(amwg, "md")).not.toContain("Call center");
  });
});

describe("declared call-center outages count from their declared start (src/report/declared-outages.ts)", () => {
  // The store's declarations: one overlapping the recorded outage's end, declared 20 minutes after it
  // began; one over minutes the rules never recorded (unmeasured); one over a planned call-center window.
  const maintenance = flagSeries("call_center", "maintenance", start - 60 * MINUTE, start - 50 * MINUTE, start - 60 * MINUTE, start + 60 * MINUTE);
  const declared = {
    ...data,
    // 10 minutes the rules did not record (unmeasured): those of the second declaration
    availability: [
      { metric: { service: "call_center", state: "available" }, value: 44_545 },
      { metric: { service: "call_center", state: "unavailable" }, value: 25 },
    ],
    minuteFlags: minuteFlags([...recordedFlags, maintenance]),
    notices: {
      ...data.notices!,
      declaredOutages: [
        { startMs: start + 20 * MINUTE, endMs: start + 40 * MINUTE, declaredAtMs: start + 40 * MINUTE },
        { startMs: start + 120 * MINUTE, endMs: start + 130 * MINUTE, declaredAtMs: start + 125 * MINUTE },
        { startMs: start - 60 * MINUTE, endMs: start - 55 * MINUTE, declaredAtMs: start },
      ],
    },
  };

  it("declared minutes recorded available or not recorded are unavailable; maintenance and unavailable minutes stay; the outage runs to the declared end", () => {
    const report = committeeMonth(march, now, needs, declared, settings);
    const line = report.services.find((s) => s.service === "call_center")!;
    expect([line.unavailable_minutes, line.available_minutes, line.unmeasured_minutes]).toEqual([25 + 15 + 10, 44_545 - 15, 0]);
    expect(
      report.outages.filter((o) => o.kind === "unplanned").map((o) => [o.start_central, o.end_central, o.minutes, o.unavailable_minutes, o.notice_ids]),
    ).toEqual([["2026-03-21 03:00 CDT", "2026-03-21 03:40 CDT", 40, 40, ["SMT-M-A032126-01", "SMT-M-A032126-02"]]]);
    expect(report.outages.filter((o) => o.kind === "planned").map((o) => [o.start_central, o.minutes])).toEqual([["2026-03-21 02:00 CDT", 10]]);
    expect(report.short_unplanned_outages.find((s) => s.service === "call_center")).toEqual({ service: "call_center", count: 1, minutes: 10 });
    // without the store's declarations, Prometheus's figures alone
    const plain = committeeMonth(march, now, needs, { ...declared, notices: { ...declared.notices, declaredOutages: [] } }, settings);
    expect(plain.services.find((s) => s.service === "call_center")!.unavailable_minutes).toBe(25);
  });

  it("an ongoing declaration counts up to now; the other services are untouched", () => {
    const ongoing = {
      ...data,
      notices: { ...data.notices!, declaredOutages: [{ startMs: start + 30 * MINUTE, endMs: null, declaredAtMs: start + 50 * MINUTE }] },
    };
    const report = committeeMonth(march, start + 45 * MINUTE, needs, ongoing, settings);
    expect(report.services.find((s) => s.service === "call_center")!.unavailable_minutes).toBe(25 + 15);
    expect(report.services.filter((s) => s.service !== "call_center")).toEqual(
      committeeMonth(march, now, needs, data, settings).services.filter((s) => s.service !== "call_center"),
    );
  });
});
