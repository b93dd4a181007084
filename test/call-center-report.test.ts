import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { SLO_DELIVERY_DEADLINES } from "../src/energy-data/delivery-deadline.js";
import { committeeMonth, committeeMonthNeeds, type CommitteeMonthData } from "../src/report/committee-report.js";
import { formatCommitteeMonth } from "../src/report/committee-format.js";
import { committeeMonthHtml } from "../src/report/committee-html.js";
import { reportMonth } from "../src/report/report-month.js";
import { minuteFlags } from "../src/report/outage-list.js";

/**
 * The committee report's call-center section (seed section 6, issue 10 item 2): the call center's
 * availability and outages beside its tickets, for the JDOA and the AMIT, not the AMWG. The data is
 * what Prometheus and the notifier's store would answer for a month with a 25-minute call-center
 * outage (as test/report-sections.test.ts builds it); no server, the clock passed in.
 */
const MINUTE = 60_000;
const STEP_OFFSET = 129_999;
const central = (iso: string) => DateTime.fromISO(iso, { zone: "America/Chicago" }).toMillis();
const march = reportMonth("2026-03");
const now = central("2026-05-01T00:00");
const settings = { outageThresholdMinutes: 15, deadlines: SLO_DELIVERY_DEADLINES };

function flagSeries(service: string, state: string, from: number, to: number, recordedFrom: number, recordedTo: number) {
  const points = new Map<number, number>();
  for (let m = recordedFrom; m < recordedTo; m += MINUTE) points.set(m + STEP_OFFSET, m >= from && m < to ? 1 : 0);
  return { metric: { service, state }, points };
}

const start = central("2026-03-21T03:00"); // a Saturday, inside the other services' reserved window
const data: CommitteeMonthData = {
  availability: [
    { metric: { service: "call_center", state: "available" }, value: 44_555 },
    { metric: { service: "call_center", state: "unavailable" }, value: 25 },
  ],
  minuteFlags: minuteFlags([
    flagSeries("call_center", "unavailable", start, start + 25 * MINUTE, start - 60 * MINUTE, start + 60 * MINUTE),
    flagSeries("call_center", "available", start + 25 * MINUTE, start + 60 * MINUTE, start - 60 * MINUTE, start + 60 * MINUTE),
  ]),
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
