import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { outageRuns, type MinuteFlags } from "../src/report/outage-list.js";
import { dataQuality, timeToMarket } from "../src/report/energy-data-report.js";
import { SLO_DELIVERY_DEADLINES } from "../src/energy-data/delivery-deadline.js";
import { reportMonth } from "../src/report/report-month.js";
import { annualSummary, type CommitteeMonthReport } from "../src/report/committee-report.js";
import { formatCommitteeMonth } from "../src/report/committee-format.js";
import { committeeMonthHtml } from "../src/report/committee-html.js";
import { AUDIENCE_SECTIONS } from "../src/report/report-audience.js";
import { reservedWindowsSection } from "../src/report/reserved-windows.js";

const MINUTE = 60_000;
const central = (iso: string) => DateTime.fromISO(iso, { zone: "America/Chicago" }).toMillis();
const march = reportMonth("2026-03");

function flags(
  service: "gui" | "api",
  runs: { from: number; to: number; state: "unavailable" | "maintenance" }[],
  recorded: { from: number; to: number },
): MinuteFlags {
  const byMinute = new Map<number, { unavailable: boolean; maintenance: boolean; available: boolean }>();
  for (let m = recorded.from; m < recorded.to; m += MINUTE) byMinute.set(m, { unavailable: false, maintenance: false, available: true });
  for (const r of runs) for (let m = r.from; m < r.to; m += MINUTE) if (byMinute.has(m)) Object.assign(byMinute.get(m)!, { [r.state]: true, available: false });
  return new Map([[service, byMinute]]);
}

describe("outage runs", () => {
  it("lists unplanned runs over the threshold and every window; flags runs across the month's edges", () => {
    const f = flags(
      "gui",
      [
        { from: march.fromMs - 5 * MINUTE, to: march.fromMs + 20 * MINUTE, state: "unavailable" }, // across the start
        { from: central("2026-03-10T10:00"), to: central("2026-03-10T10:15"), state: "unavailable" }, // 15: short
        { from: central("2026-03-10T11:00"), to: central("2026-03-10T11:16"), state: "unavailable" }, // 16: listed
        { from: central("2026-03-14T02:00"), to: central("2026-03-14T12:00"), state: "maintenance" },
        { from: march.toMs - 30 * MINUTE, to: march.toMs + 10 * MINUTE, state: "unavailable" }, // across the end
      ],
      { from: march.fromMs - MINUTE, to: march.toMs + MINUTE },
    );
    const r = outageRuns(f, march, 15);
    expect(r.outages.map((o) => [o.kind, o.startMs, o.minutes, o.startsBeforeMonth, o.endsAfterMonth])).toEqual([
      ["unplanned", march.fromMs, 20, true, false],
      ["unplanned", central("2026-03-10T11:00"), 16, false, false],
      ["planned", central("2026-03-14T02:00"), 600, false, false],
      ["unplanned", march.toMs - 30 * MINUTE, 30, false, true],
    ]);
    expect(r.short.find((s) => s.service === "gui")).toEqual({ service: "gui", count: 1, minutes: 15 });
    expect(r.short.find((s) => s.service === "api")).toEqual({ service: "api", count: 0, minutes: 0 });
  });

  it("a minute that was not recorded neither ends nor extends an incident (Prometheus down is unmeasured, not an outage)", () => {
    const f = flags("api", [{ from: central("2026-03-05T09:00"), to: central("2026-03-05T10:00"), state: "unavailable" }], {
      from: march.fromMs,
      to: march.toMs,
    });
    (f.get("api") as Map<number, unknown>).delete(central("2026-03-05T09:30"));
    const r = outageRuns(f, march, 15);
    expect(r.outages.map((o) => [o.minutes, o.unavailableMinutes])).toEqual([[60, 59]]);
  });

  it("flapping is one incident: 10 down, 1 up, 15 down, 1 up, 15 down; 14 down, 6 up, 14 down is two short ones", () => {
    const at = central("2026-03-05T09:00");
    const down = (from: number, minutes: number) => ({ from: at + from * MINUTE, to: at + (from + minutes) * MINUTE, state: "unavailable" as const });
    const recorded = { from: march.fromMs, to: march.toMs };
    const flapping = outageRuns(flags("gui", [down(0, 10), down(11, 15), down(27, 15)], recorded), march, 15);
    expect(flapping.outages.map((o) => [o.startMs, o.endMs, o.minutes, o.unavailableMinutes])).toEqual([[at, at + 42 * MINUTE, 42, 40]]);
    const two = outageRuns(flags("gui", [down(0, 14), down(20, 14)], recorded), march, 15);
    expect(two.outages).toEqual([]);
    expect(two.short.find((s) => s.service === "gui")).toEqual({ service: "gui", count: 2, minutes: 28 });
    // 4 available minutes do not end it (one incident of 32 minutes); 5 do, unless the recovery is longer
    expect(outageRuns(flags("gui", [down(0, 14), down(18, 14)], recorded), march, 15).outages.map((o) => o.minutes)).toEqual([32]);
    expect(outageRuns(flags("gui", [down(0, 14), down(20, 14)], recorded), march, 15, 7).outages.map((o) => o.minutes)).toEqual([34]);
  });

  it("a maintenance minute ends an incident; the window is listed as planned", () => {
    const at = central("2026-03-05T09:00");
    const f = flags(
      "gui",
      [
        { from: at, to: at + 10 * MINUTE, state: "unavailable" },
        { from: at + 11 * MINUTE, to: at + 14 * MINUTE, state: "unavailable" }, // one available minute between
        { from: at + 14 * MINUTE, to: at + 74 * MINUTE, state: "maintenance" },
        { from: at + 74 * MINUTE, to: at + 79 * MINUTE, state: "unavailable" },
      ],
      { from: march.fromMs, to: march.toMs },
    );
    const r = outageRuns(f, march, 15);
    expect(r.outages.map((o) => [o.kind, o.minutes])).toEqual([["planned", 60]]);
    // 0-13 (14 minutes, 13 unavailable) and 74-78 (5): the window ends the first, they are not one of 79 minutes
    expect(r.short.find((s) => s.service === "gui")).toEqual({ service: "gui", count: 2, minutes: 19 });
  });
});

describe("time to market and data quality from the series", () => {
  const day = (d: string) => central(d) / 1000;
  // ftps (23:00 on D+1): the newest day seen, minute by minute, from March 1 to April 10
  const latest = new Map<number, number>();
  for (let t = march.fromMs; t < central("2026-04-10T00:00"); t += MINUTE) {
    let newest: string;
    if (t < central("2026-03-02T05:30")) newest = "2026-02-28";
    else if (t < central("2026-03-03T23:40"))
      newest = "2026-03-01"; // 03-02 arrives 40 minutes late
    else
      newest = DateTime.fromMillis(Math.min(t, central("2026-03-31T12:00")) - 5.5 * 3_600_000, { zone: "America/Chicago" })
        .minus({ days: 1 })
        .toISODate()!;
    if (t >= central("2026-03-08T22:00") && t < central("2026-03-09T00:00")) continue; // nothing recorded around a deadline
    latest.set(t, day(newest));
  }
  const now = central("2026-04-20T00:00");
  const ttm = timeToMarket(march, new Map([["ftps", latest]]), SLO_DELIVERY_DEADLINES, now, central("2026-04-08T23:00"))[0]!;

  it("on time, late by the minutes until it was seen, unmeasured and missing days", () => {
    const status = (d: string) => ttm.days_detail.find((x) => x.usage_day === d)!;
    expect(status("2026-03-01")).toMatchObject({ status: "on_time" });
    expect(status("2026-03-02")).toMatchObject({ status: "late", minutes_late: 40 });
    expect(status("2026-03-07")).toMatchObject({ status: "unmeasured" }); // deadline 03-08 23:00 CDT
    expect(status("2026-03-30")).toMatchObject({ status: "on_time" });
    expect(status("2026-03-31")).toMatchObject({ status: "missing" });
    expect([ttm.on_time, ttm.late, ttm.missing, ttm.unmeasured, ttm.pending]).toEqual([28, 1, 1, 1, 0]);
    expect(ttm.share_on_time).toBeCloseTo(28 / 30, 12);
    // a report run before the last deadlines leaves those days pending
    const early = timeToMarket(march, new Map([["ftps", latest]]), SLO_DELIVERY_DEADLINES, central("2026-04-01T12:00"), central("2026-04-01T12:00"))[0]!;
    expect(early.pending).toBe(1);
  });

  it("quality: the last observation that described each day", () => {
    const points = (entries: [string, number][]) => new Map(entries.map(([iso, v]) => [central(iso), v]));
    const q = dataQuality(march, [
      {
        service: "api",
        check: "a",
        location: "x",
        day: {
          metric: {},
          points: points([
            ["2026-03-05T06:00", day("2026-03-03")],
            ["2026-03-05T07:00", day("2026-03-03")],
            ["2026-03-06T07:00", day("2026-03-04")],
          ]),
        },
        figures: {
          expected: {
            metric: {},
            points: points([
              ["2026-03-05T06:00", 96],
              ["2026-03-05T07:00", 96],
              ["2026-03-06T07:00", 96],
            ]),
          },
          received: {
            metric: {},
            points: points([
              ["2026-03-05T06:00", 90],
              ["2026-03-05T07:00", 95],
              ["2026-03-06T07:00", 96],
            ]),
          },
          missing: {
            metric: {},
            points: points([
              ["2026-03-05T06:00", 6],
              ["2026-03-05T07:00", 1],
              ["2026-03-06T07:00", 0],
            ]),
          },
        },
      },
    ])[0]!;
    expect([q.days_measured, q.expected, q.received, q.missing]).toEqual([2, 192, 191, 1]);
    expect(q.days_with_issues.map((d) => d.usage_day)).toEqual(["2026-03-03"]);
  });
});

describe("rendering", () => {
  const report: CommitteeMonthReport = {
    month: "2026-03",
    timezone: "America/Chicago",
    services: (["gui", "api", "ftps", "han"] as const).map((service, i) => ({
      service,
      total_minutes: 44580,
      maintenance_minutes: 2400,
      unavailable_minutes: 100 * i,
      unmeasured_minutes: 0,
      available_minutes: 42180 - 100 * i,
      availability: (42180 - 100 * i) / 42180,
      objective: 0.99,
      met: (42180 - 100 * i) / 42180 > 0.99,
    })),
    audience: "jdoa",
    audience_title: "SMT JDOA Committee",
    objectives: (["gui", "api", "ftps", "han"] as const).map((service) => ({ service, target: 0.99, from: null })),
    outage_threshold_minutes: 15,
    evidence_flags: [],
    outages: [
      {
        service: "gui",
        kind: "unplanned",
        start: "x",
        end: "y",
        start_central: "2026-03-02 10:00 CST",
        end_central: "2026-03-02 11:00 CST",
        minutes: 60,
        unavailable_minutes: 55,
        starts_before_month: false,
        ends_after_month: false,
        notice_ids: ["SMT-M-A030226-01"],
        notices: [{ id: "SMT-M-A030226-01", kind: "INITIAL", status: "sent", sent_at: "2026-03-02T16:20:00.000Z" }],
        announcement: null,
      },
    ],
    short_unplanned_outages: [],
    reserved_windows: {
      exclude_policies: ["announced"],
      services: (["gui", "api", "ftps", "han"] as const).map((service) => ({
        service,
        reserved_minutes: 2400,
        announced_minutes: 600,
        unannounced_minutes: 1800,
      })),
    },
    time_to_market: [],
    data_quality: [],
    call_center: { month: "2026-03", total: 3, by_type: [{ type: "<script>alert(1)</script>", tickets: 3 }], sources: ["a"] },
    han_devices: null,
    issues: null,
  };
  it("HTML escapes what the sources wrote and says when a section has no figures", () => {
    const html = committeeMonthHtml(report, Date.UTC(2026, 3, 2));
    expect(html).not.toContain("<script>");
    expect(html).toContain("&#60;script&#62;alert(1)&#60;/script&#62;");
    expect(html).toContain("No energy-data check was recorded in 2026-03.");
    expect(html).toContain("No HAN device figures were recorded");
    // the reserved windows, with and without announced maintenance, and what the figures exclude
    expect(html).toMatch(/<tr data-service="gui"><td[^>]*>GUI<\/td><td[^>]*>2,400<\/td><td[^>]*>600<\/td><td[^>]*>1,800<\/td><\/tr>/);
    expect(html).toContain("Excluded maintenance (maintenance.exclude: announced): only announced planned maintenance");
  });
  it("every text format shows the reserved windows and the exclude policy, and the unavailable minutes of an outage", () => {
    const table = formatCommitteeMonth(report, "table");
    expect(table).toContain("Reserved maintenance windows, 2026-03: minutes with and without announced maintenance");
    expect(table).toMatch(/^GUI +2400 +600 +1800$/m);
    expect(table).toContain("Excluded maintenance (maintenance.exclude: announced)");
    expect(table).toMatch(/^GUI +unplanned +2026-03-02 10:00 CST +2026-03-02 11:00 CST +60 +55 +SMT-M-A030226-01 INITIAL sent 2026-03-02 10:20 CST *$/m);
    expect(formatCommitteeMonth(report, "md")).toContain("| GUI | 2400 | 600 | 1800 |");
    const csv = formatCommitteeMonth(report, "csv");
    expect(csv).toContain("month,reserved_service,reserved_minutes,announced_minutes,unannounced_minutes,exclude_policy\n2026-03,gui,2400,600,1800,announced");
    expect(csv).toContain("month,outage_service,kind,start,end,minutes,unavailable_minutes,starts_before_month,ends_after_month,notice_ids,");
    expect(csv).toContain("2026-03,gui,unplanned,x,y,60,55,false,false,SMT-M-A030226-01,");
    expect(JSON.parse(formatCommitteeMonth(report, "json")).reserved_windows.exclude_policies).toEqual(["announced"]);
  });
  it("the text formats keep the availability block first, as it always was", () => {
    const md = formatCommitteeMonth(report, "md");
    expect(md.indexOf("## SMT availability, 2026-03")).toBeLessThan(md.indexOf("### Outages"));
    const csv = formatCommitteeMonth(report, "csv");
    expect(csv.split("\n")[0]).toBe(
      "month,service,total_minutes,maintenance_minutes,unavailable_minutes,unmeasured_minutes,available_minutes,availability,objective,met",
    );
    expect(csv).toContain("\n\nmonth,ticket_type,tickets\n2026-03,<script>alert(1)</script>,3");
    const a = annualSummary([report, { ...report, month: "2026-04", call_center: { ...report.call_center!, month: "2026-04" } }]);
    expect(a.services[1]).toMatchObject({ months: 2, available_minutes: 2 * 42080, months_met: 2 });
    expect(a.call_center).toEqual({
      total: 6,
      by_month: [
        { month: "2026-03", tickets: 3 },
        { month: "2026-04", tickets: 3 },
      ],
      by_type: [{ type: "<script>alert(1)</script>", tickets: 6 }],
    });
  });
});

describe("reserved windows per audience", () => {
  it("the section lists only the services of the report's audience (the AMWG: the GUI)", () => {
    const samples = (["gui", "api"] as const).flatMap((service) => [
      { metric: { service, reserved_state: "reserved" }, value: 2400 },
      { metric: { service, reserved_state: "announced" }, value: 600 },
    ]);
    expect(reservedWindowsSection(samples, AUDIENCE_SECTIONS.amwg.services).services).toEqual([
      { service: "gui", reserved_minutes: 2400, announced_minutes: 600, unannounced_minutes: 1800 },
    ]);
    expect(reservedWindowsSection(samples).services.map((s) => s.service)).toEqual(["gui", "api", "ftps", "han", "call_center"]);
  });
});
