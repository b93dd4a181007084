import { describe, expect, it } from "vitest";
import { formatMonthlyReport } from "../src/report/report-format.js";
import { monthlyMinutesQuery, type MonthlyReport } from "../src/report/monthly-report.js";
import { reportMonth, ReportUsageError } from "../src/report/report-month.js";
import { InconsistentMinutesError, serviceAvailability } from "../src/report/service-availability.js";
import { recordedMinuteStart, recordedSampleRange } from "../src/rules/minute-timing.js";

describe("reportMonth: calendar months in America/Chicago", () => {
  it.each([
    ["2026-03", 743, "2026-03-01T06:00:00.000Z", "2026-04-01T05:00:00.000Z"], // spring forward
    ["2026-11", 721, "2026-11-01T05:00:00.000Z", "2026-12-01T06:00:00.000Z"], // fall back
    ["2026-01", 744, "2026-01-01T06:00:00.000Z", "2026-02-01T06:00:00.000Z"],
    ["2028-02", 696, "2028-02-01T06:00:00.000Z", "2028-03-01T06:00:00.000Z"], // leap year
    ["2026-07", 744, "2026-07-01T05:00:00.000Z", "2026-08-01T05:00:00.000Z"],
  ])("%s has %i hours", (label, hours, from, to) => {
    const m = reportMonth(label);
    expect(m.totalMinutes).toBe(hours * 60);
    expect(new Date(m.fromMs).toISOString()).toBe(from);
    expect(new Date(m.toMs).toISOString()).toBe(to);
  });

  it.each(["2026-3", "2026-13", "2026-00", "March", "2026-03-01", ""])("rejects %j saying what was expected, naming no flag (the CLI does)", (text) => {
    expect(() => reportMonth(text)).toThrow(ReportUsageError);
    expect(() => reportMonth(text)).toThrow(/^expected a calendar month as YYYY-MM/);
  });
});

describe("minute timing shared by the rules and the report", () => {
  it("a month's recorded samples are exactly those whose minute lies in the month, whatever the group offset", () => {
    const m = reportMonth("2026-03");
    const { firstMs, lastMs } = recordedSampleRange(m.fromMs, m.toMs);
    for (const offsetMs of [0, 1, 9_999, 10_000, 10_001, 37_123, 59_999]) {
      let inMonth = 0;
      const wrong: string[] = [];
      // evaluations every minute at this offset, from a day before to a day after the month
      for (let t = m.fromMs - 86_400_000 + offsetMs; t < m.toMs + 86_400_000; t += 60_000) {
        const minute = recordedMinuteStart(t);
        const belongs = minute >= m.fromMs && minute < m.toMs;
        if ((t >= firstMs && t <= lastMs) !== belongs) wrong.push(new Date(t).toISOString());
        if (belongs) inMonth++;
      }
      expect(wrong, `offset ${offsetMs}`).toEqual([]);
      expect(inMonth).toBe(m.totalMinutes);
    }
  });

  it("the report's PromQL covers [month start + 70 s, month end + 70 s - 1 ms]", () => {
    const q = monthlyMinutesQuery(reportMonth("2026-03"));
    const end = (Date.UTC(2026, 3, 1, 5, 1, 10) - 1) / 1000;
    const range = Date.UTC(2026, 3, 1, 5, 1, 10) - 1 - Date.UTC(2026, 2, 1, 6, 1, 10);
    expect(q).toContain(`sum_over_time(smt:service_minute_available:bool[${range}ms] @ ${end.toFixed(3)})`);
    expect(q.match(/sum_over_time/g)).toHaveLength(3);
    expect(q).not.toContain("unmeasured");
  });
});

describe("serviceAvailability", () => {
  const recorded = { maintenance: 600, unavailable: 30, available: 43_000 };

  it("counts every other minute (recorded unmeasured or never recorded) as unmeasured, so the four add up to the total", () => {
    const s = serviceAvailability("gui", 44_580, recorded);
    expect(s).toEqual({
      service: "gui",
      total_minutes: 44_580,
      maintenance_minutes: 600,
      unavailable_minutes: 30,
      unmeasured_minutes: 44_580 - 43_630,
      available_minutes: 43_000,
      availability: 43_000 / (44_580 - 600),
      objective: 0.99,
      met: false,
    });
    expect(s.maintenance_minutes + s.unmeasured_minutes + s.unavailable_minutes + s.available_minutes).toBe(s.total_minutes);
  });

  it("exactly 99 % is not over 99 %", () => {
    expect(serviceAvailability("api", 10_100, { maintenance: 100, unavailable: 100, available: 9_900 }).met).toBe(false);
    expect(serviceAvailability("api", 10_100, { maintenance: 100, unavailable: 99, available: 9_901 }).met).toBe(true);
  });

  it("a month that was all maintenance has no availability", () => {
    const s = serviceAvailability("han", 100, { maintenance: 100, unavailable: 0, available: 0 });
    expect(s.availability).toBeNull();
    expect(s.met).toBeNull();
  });

  it("refuses more recorded minutes than the month has, rather than print a wrong figure", () => {
    expect(() => serviceAvailability("ftps", 100, { maintenance: 0, unavailable: 1, available: 100 })).toThrow(InconsistentMinutesError);
    expect(() => serviceAvailability("ftps", 100, { maintenance: 0, unavailable: 0.5, available: 10 })).toThrow(/not whole numbers/);
  });
});

describe("formats", () => {
  const report: MonthlyReport = {
    month: "2026-11",
    timezone: "America/Chicago",
    services: [
      serviceAvailability("gui", 43_260, { maintenance: 2_400, unavailable: 20, available: 40_840 }),
      serviceAvailability("han", 43_260, { maintenance: 43_260, unavailable: 0, available: 0 }),
    ],
  };

  it("json is the documented shape", () => {
    const parsed = JSON.parse(formatMonthlyReport(report, "json"));
    expect(Object.keys(parsed)).toEqual(["month", "timezone", "services"]);
    expect(parsed.services[0]).toEqual({
      service: "gui",
      total_minutes: 43_260,
      maintenance_minutes: 2_400,
      unavailable_minutes: 20,
      unmeasured_minutes: 0,
      available_minutes: 40_840,
      availability: 40_840 / 40_860,
      objective: 0.99,
      met: true,
    });
  });

  it("table, csv and md", () => {
    expect(formatMonthlyReport(report, "table")).toMatch(/^gui +43260 +2400 +20 +0 +40840 +99\.951 % +99 % +met$/m);
    expect(formatMonthlyReport(report, "table")).toMatch(/^han +43260 +43260 +0 +0 +0 +n\/a +99 % +n\/a$/m);
    expect(formatMonthlyReport(report, "csv").split("\n")[2]).toBe("2026-11,han,43260,43260,0,0,0,,0.99,");
    expect(formatMonthlyReport(report, "md")).toContain("| gui | 43260 | 2400 | 20 | 0 | 40840 | 99.951 % | 99 % | met |");
  });
});
