import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { committeeMonth, committeeMonthNeeds, type CommitteeMonthData } from "../src/report/committee-report.js";
import { planFetch, sliceSeries, type RangeNeed } from "../src/report/promql-fetch.js";
import { minuteFlags } from "../src/report/outage-list.js";
import { reportMonth } from "../src/report/report-month.js";
import { SLO_DELIVERY_DEADLINES } from "../src/energy-data/delivery-deadline.js";
import { MonthUnavailableError } from "../src/report/monthly-report.js";
import { flagSeries } from "./support/minute-flag-series.js";

/**
 * Issue 14 item 3: report sections are pure functions of fetched data. The data is built here, as
 * Prometheus and the notifier's store would answer; no server, no clock but the one passed in.
 */
const MINUTE = 60_000;
const central = (iso: string) => DateTime.fromISO(iso, { zone: "America/Chicago" }).toMillis();
const march = reportMonth("2026-03");
const now = central("2026-05-01T00:00");
const settings = { outageThresholdMinutes: 15, deadlines: SLO_DELIVERY_DEADLINES };

const outageStart = central("2026-03-10T10:00");
const windowStart = central("2026-03-14T02:00");
const data: CommitteeMonthData = {
  availability: [
    { metric: { service: "gui", state: "available" }, value: 44_000 },
    { metric: { service: "gui", state: "unavailable" }, value: 30 },
    { metric: { service: "api", state: "maintenance" }, value: 600 },
    { metric: { service: "nope", state: "available" }, value: 5 },
  ],
  minuteFlags: minuteFlags([
    flagSeries("gui", "unavailable", outageStart, outageStart + 30 * MINUTE, outageStart - 60 * MINUTE, outageStart + 60 * MINUTE),
    flagSeries(
      "gui",
      "unavailable",
      outageStart + 3 * 3_600_000,
      outageStart + 3 * 3_600_000 + 5 * MINUTE,
      outageStart + 2 * 3_600_000,
      outageStart + 4 * 3_600_000,
    ),
    flagSeries("api", "maintenance", windowStart, windowStart + 600 * MINUTE, windowStart - 60 * MINUTE, windowStart + 660 * MINUTE),
    // gui is available after each outage (5 available minutes end an incident)
    flagSeries("gui", "available", outageStart + 30 * MINUTE, outageStart + 60 * MINUTE, outageStart - 60 * MINUTE, outageStart + 60 * MINUTE),
    flagSeries(
      "gui",
      "available",
      outageStart + 3 * 3_600_000 + 5 * MINUTE,
      outageStart + 4 * 3_600_000,
      outageStart + 2 * 3_600_000,
      outageStart + 4 * 3_600_000,
    ),
  ]),
  reservedWindows: [
    { metric: { service: "gui", reserved_state: "reserved" }, value: 2400 },
    { metric: { service: "gui", reserved_state: "announced" }, value: 600 },
    { metric: { policy: "announced", reserved_state: "policy" }, value: 1 },
  ],
  energy: { latest: [], qualityDay: [], qualityFigures: [] },
  callCenter: [
    { metric: { source: "phone", type: "Account Access" }, value: 7 },
    { metric: { source: "mail", type: "Account Access" }, value: 2 },
    { metric: { source: "mail", type: "Billing" }, value: 1 },
  ],
  han: [{ metric: { source: "a", status: "joined", tdsp: "oncor" }, value: 12 }],
  notices: {
    outages: [
      { service: "gui", startMs: outageStart, incidentId: 7 },
      { service: "api", startMs: outageStart, incidentId: 8 }, // another service: not gui's
      { service: "gui", startMs: outageStart + 40 * MINUTE, incidentId: 9 }, // after the outage ended
    ],
    plannedIncidents: [
      { incidentId: 11, startMs: windowStart, endMs: windowStart + 600 * MINUTE, services: ["api", "gui"] },
      { incidentId: 12, startMs: windowStart, endMs: windowStart + 600 * MINUTE, services: ["han"] },
    ],
    noticeIds: new Map([
      [7, ["SMT-M-A031026-01", "SMT-M-A031026-02"]],
      [8, ["SMT-M-B031026-01"]],
      [9, ["SMT-M-C031026-01"]],
      [11, ["SMT-M-A030926-01"]],
      [12, ["SMT-M-B030926-01"]],
    ]),
    notices: new Map(),
  },
};

describe("committee month from fetched data (no server)", () => {
  const needs = committeeMonthNeeds(march, now, SLO_DELIVERY_DEADLINES);
  const report = committeeMonth(march, now, needs, data, settings);

  it("availability, outages with their notices, short outages, tickets and HAN devices", () => {
    expect(report.services.map((s) => [s.service, s.available_minutes, s.unavailable_minutes, s.maintenance_minutes])).toEqual([
      ["gui", 44_000, 30, 0],
      ["api", 0, 0, 600],
      ["ftps", 0, 0, 0],
      ["han", 0, 0, 0],
      ["call_center", 0, 0, 0],
    ]);
    expect(report.outages.map((o) => [o.service, o.kind, o.start, o.minutes, o.notice_ids])).toEqual([
      ["gui", "unplanned", new Date(outageStart).toISOString(), 30, ["SMT-M-A031026-01", "SMT-M-A031026-02"]],
      ["api", "planned", new Date(windowStart).toISOString(), 600, ["SMT-M-A030926-01"]],
    ]);
    expect(report.outages[0]!.start_central).toBe("2026-03-10 10:00 CDT");
    expect(report.short_unplanned_outages.find((s) => s.service === "gui")).toEqual({ service: "gui", count: 1, minutes: 5 });
    expect(report.call_center).toEqual({
      month: "2026-03",
      total: 10,
      by_type: [
        { type: "Account Access", tickets: 9 },
        { type: "Billing", tickets: 1 },
      ],
      sources: ["mail", "phone"],
    });
    expect(report.han_devices?.total).toBe(12);
    expect([report.time_to_market, report.data_quality]).toEqual([[], []]);
    expect(report.reserved_windows).toEqual({
      exclude_policies: ["announced"],
      services: [
        { service: "gui", reserved_minutes: 2400, announced_minutes: 600, unannounced_minutes: 1800 },
        { service: "api", reserved_minutes: 0, announced_minutes: 0, unannounced_minutes: 0 },
        { service: "ftps", reserved_minutes: 0, announced_minutes: 0, unannounced_minutes: 0 },
        { service: "han", reserved_minutes: 0, announced_minutes: 0, unannounced_minutes: 0 },
        { service: "call_center", reserved_minutes: 0, announced_minutes: 0, unannounced_minutes: 0 },
      ],
    });
  });

  it("is a function of its inputs: the same data gives the same report; without a store, no notice ids", () => {
    expect(committeeMonth(march, now, needs, data, settings)).toEqual(report);
    const withoutStore = committeeMonth(march, now, needs, { ...data, notices: null }, settings);
    expect(withoutStore.outages.map((o) => o.notice_ids)).toEqual([null, null]);
    expect(() => committeeMonth(march, now, needs, { ...data, availability: [] }, settings)).toThrow(MonthUnavailableError);
  });
});

describe("the fetch plan: each range once", () => {
  const months = ["2026-02", "2026-03", "2026-04"].map((m) => reportMonth(m));
  const needs = months.map((m) => committeeMonthNeeds(m, now, SLO_DELIVERY_DEADLINES));
  const ranges = needs.flatMap((n): RangeNeed[] => [
    n.minuteStates.unavailable,
    n.minuteStates.maintenance,
    n.minuteStates.notAvailable!,
    n.minuteStates.unrecorded!,
    n.energy.latest,
    n.energy.qualityDay,
    n.energy.qualityFigures,
  ]);

  it("the ranges of consecutive months (which reach into each other) become one range per query", () => {
    const plan = planFetch([...ranges, ...ranges]);
    expect(plan.ranges).toHaveLength(7);
    for (const r of plan.ranges) {
      const mine = ranges.filter((n) => n.query === r.query);
      expect(r.startMs).toBe(Math.min(...mine.map((n) => n.startMs)));
      expect(r.endMs).toBe(Math.max(...mine.map((n) => n.endMs)));
    }
    // the same instant query twice is one request; another instant is another
    expect(planFetch([needs[0]!.han, needs[0]!.han, needs[1]!.han]).instants).toHaveLength(2);
  });

  it("ranges on different step grids, or apart, are not merged", () => {
    const a: RangeNeed = { kind: "range", query: "q", startMs: 0, endMs: 600_000, stepMs: 60_000 };
    expect(planFetch([a, { ...a, startMs: 1_000, endMs: 601_000 }]).ranges).toHaveLength(2);
    expect(planFetch([a, { ...a, startMs: 660_000, endMs: 900_000 }]).ranges).toHaveLength(1); // the next step: touching
    expect(planFetch([a, { ...a, startMs: 720_000, endMs: 900_000 }]).ranges).toHaveLength(2);
  });

  it("a need gets the steps of its own span, and no series without a point there", () => {
    const series = [
      {
        metric: { service: "gui" },
        points: new Map([
          [0, 1],
          [60_000, 2],
          [120_000, 3],
        ]),
      },
      { metric: { service: "api" }, points: new Map([[120_000, 9]]) },
    ];
    expect(sliceSeries(series, 0, 60_000)).toEqual([
      {
        metric: { service: "gui" },
        points: new Map([
          [0, 1],
          [60_000, 2],
        ]),
      },
    ]);
  });
});
