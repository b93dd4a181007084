import { afterEach, describe, expect, it, vi } from "vitest";
import { maintenanceConfig, type MaintenanceConfigInput } from "../src/config/maintenance-schema.js";
import { addBusinessDays, businessDaysBefore, isBusinessDay } from "../src/maintenance/business-days.js";
import { maintenanceCalendar } from "../src/maintenance/maintenance-calendar.js";
import { calendarMonthRange, wallClockToInstant } from "../src/maintenance/wall-clock-time.js";

const H = 3_600_000;
const DAY = 24 * H;
const t = (iso: string) => Date.parse(iso);
const cal = (input: MaintenanceConfigInput) => maintenanceCalendar(maintenanceConfig.parse(input));
const saturday = { name: "saturday", weekdays: ["saturday"], start: "02:00", duration: "10h" };
/** [start, end) of each window as ISO UTC strings, for readable expectations. */
const spans = (list: { start: number; end: number }[]) => list.map((w) => [new Date(w.start).toISOString(), new Date(w.end).toISOString()]);

afterEach(() => {
  vi.useRealTimers();
});

describe("wall-clock times in America/Chicago", () => {
  const zone = "America/Chicago";
  it("an ordinary time, the spring-forward gap (shifted forward) and the fall-back overlap (first occurrence)", () => {
    expect(wallClockToInstant(zone, { year: 2026, month: 3, day: 7 }, { hour: 2, minute: 0 })).toBe(t("2026-03-07T08:00:00Z"));
    expect(wallClockToInstant(zone, { year: 2026, month: 3, day: 8 }, { hour: 1, minute: 59 })).toBe(t("2026-03-08T07:59:00Z"));
    expect(wallClockToInstant(zone, { year: 2026, month: 3, day: 8 }, { hour: 2, minute: 0 })).toBe(t("2026-03-08T08:00:00Z")); // = 03:00 CDT
    expect(wallClockToInstant(zone, { year: 2026, month: 3, day: 8 }, { hour: 2, minute: 30 })).toBe(t("2026-03-08T08:30:00Z")); // = 03:30 CDT
    expect(wallClockToInstant(zone, { year: 2026, month: 3, day: 8 }, { hour: 3, minute: 0 })).toBe(t("2026-03-08T08:00:00Z"));
    expect(wallClockToInstant(zone, { year: 2026, month: 11, day: 1 }, { hour: 1, minute: 30 })).toBe(t("2026-11-01T06:30:00Z")); // CDT, not CST
    expect(wallClockToInstant(zone, { year: 2026, month: 11, day: 1 }, { hour: 2, minute: 0 })).toBe(t("2026-11-01T08:00:00Z"));
  });

  it("does not depend on the date it runs on (luxon alone resolves the overlap by today's offset)", () => {
    const results = ["2026-01-15T12:00:00Z", "2026-07-15T12:00:00Z"].map((now) => {
      vi.useFakeTimers({ now: t(now), toFake: ["Date"] });
      const c = cal({
        recurring: [{ name: "s", weekdays: ["sunday"], start: "01:30", duration: "1h" }],
        planned: [{ id: "p", start: "2026-11-01T01:15", end: "2026-11-01T01:45" }],
      });
      return spans(c.occurrences(t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z")));
    });
    expect(results[0]).toEqual([
      ["2026-11-01T06:15:00.000Z", "2026-11-01T06:45:00.000Z"],
      ["2026-11-01T06:30:00.000Z", "2026-11-01T07:30:00.000Z"],
    ]);
    expect(results[1]).toEqual(results[0]);
  });

  it("calendar months: March 2026 has 743 hours, November 2026 721, February 2028 696", () => {
    const hours = (m: string) => {
      const r = calendarMonthRange(m, zone);
      return (r.end - r.start) / H;
    };
    expect(hours("2026-03")).toBe(743);
    expect(hours("2026-11")).toBe(721);
    expect(hours("2028-02")).toBe(696);
    expect(hours("2026-12")).toBe(744);
    expect(calendarMonthRange("2026-12", zone)).toEqual({ start: t("2026-12-01T06:00:00Z"), end: t("2027-01-01T06:00:00Z") });
  });
});

describe("recurring windows across the DST weekends", () => {
  it("Saturday 02:00-12:00 is 10 h on both DST weekends and the Saturdays around them", () => {
    const c = cal({ recurring: [saturday] });
    expect(spans(c.windows("gui", t("2026-03-01T00:00:00Z"), t("2026-03-16T00:00:00Z")))).toEqual([
      ["2026-03-07T08:00:00.000Z", "2026-03-07T18:00:00.000Z"], // CST
      ["2026-03-14T07:00:00.000Z", "2026-03-14T17:00:00.000Z"], // CDT
    ]);
    expect(spans(c.windows("han", t("2026-10-30T00:00:00Z"), t("2026-11-09T00:00:00Z")))).toEqual([
      ["2026-10-31T07:00:00.000Z", "2026-10-31T17:00:00.000Z"], // CDT
      ["2026-11-07T08:00:00.000Z", "2026-11-07T18:00:00.000Z"], // CST
    ]);
  });

  it("a Sunday-early window lasts its elapsed duration: sunday 01:00 for 3h ends at 05:00 CDT in spring, 03:00 CST in autumn", () => {
    const c = cal({ recurring: [{ name: "sunday-early", weekdays: ["sunday"], start: "01:00", duration: "3h" }] });
    expect(spans(c.windows("api", t("2026-03-08T00:00:00Z"), t("2026-03-09T00:00:00Z")))).toEqual([["2026-03-08T07:00:00.000Z", "2026-03-08T10:00:00.000Z"]]);
    expect(spans(c.windows("api", t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z")))).toEqual([["2026-11-01T06:00:00.000Z", "2026-11-01T09:00:00.000Z"]]);
    expect(c.maintenanceMinutes("api", t("2026-03-08T00:00:00Z"), t("2026-03-09T00:00:00Z"))).toBe(180);
    expect(c.maintenanceMinutes("api", t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z"))).toBe(180);
  });

  it("a start in the spring-forward gap moves forward (02:30 -> 03:30 CDT); in the overlap it is the first 01:30", () => {
    const c = cal({
      recurring: [
        { name: "gap", weekdays: ["sunday"], start: "02:30", duration: "1h", services: ["ftps"] },
        { name: "overlap", weekdays: ["sunday"], start: "01:30", duration: "1h", services: ["han"] },
      ],
    });
    expect(spans(c.windows("ftps", t("2026-03-08T00:00:00Z"), t("2026-03-16T00:00:00Z")))).toEqual([
      ["2026-03-08T08:30:00.000Z", "2026-03-08T09:30:00.000Z"],
      ["2026-03-15T07:30:00.000Z", "2026-03-15T08:30:00.000Z"],
    ]);
    expect(spans(c.windows("han", t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z")))).toEqual([["2026-11-01T06:30:00.000Z", "2026-11-01T07:30:00.000Z"]]);
  });
});

describe("one-off windows spanning a DST change", () => {
  const c = cal({
    planned: [
      { id: "spring", start: "2026-03-08T01:00", end: "2026-03-08T04:00", services: ["api"] },
      { id: "autumn", start: "2026-11-01 01:00", end: "2026-11-01 04:00", services: ["api"] },
    ],
  });
  it("01:00-04:00 local is 120 minutes on 2026-03-08 and 240 minutes on 2026-11-01", () => {
    expect(c.maintenanceMinutes("api", t("2026-03-07T00:00:00Z"), t("2026-03-10T00:00:00Z"))).toBe(120);
    expect(c.maintenanceMinutes("api", t("2026-10-31T00:00:00Z"), t("2026-11-03T00:00:00Z"))).toBe(240);
    expect(spans(c.windows("api", t("2026-11-01T00:00:00Z"), t("2026-11-02T00:00:00Z")))).toEqual([["2026-11-01T06:00:00.000Z", "2026-11-01T10:00:00.000Z"]]);
    expect(c.maintenanceMinutes("gui", t("2026-03-01T00:00:00Z"), t("2026-12-01T00:00:00Z"))).toBe(0);
  });

  it("an ISO time with an offset is taken as written", () => {
    const d = cal({ planned: [{ id: "x", start: "2026-11-01T01:00-06:00", end: "2026-11-01T04:00-06:00" }] });
    expect(spans(d.windows("gui", 0, t("2030-01-01T00:00:00Z")))).toEqual([["2026-11-01T07:00:00.000Z", "2026-11-01T10:00:00.000Z"]]);
  });
});

describe("maintenance minutes in a calendar month (Central time)", () => {
  const c = cal({
    recurring: [saturday],
    planned: [
      { id: "spring", start: "2026-03-08T01:00", end: "2026-03-08T04:00", services: ["api"] },
      { id: "autumn", start: "2026-11-01T01:00", end: "2026-11-01T04:00", services: ["api"] },
      // Overlaps the Saturday window by two hours: counted once.
      { id: "overrun", start: "2026-03-28T10:00", end: "2026-03-28T13:00", services: ["ftps"] },
    ],
  });
  it("March 2026 (743 h): four Saturdays of 600 minutes, the one-off and an overlapping one-off counted once", () => {
    const march = calendarMonthRange("2026-03", "America/Chicago");
    expect(c.maintenanceMinutes("gui", march.start, march.end)).toBe(2400);
    expect(c.maintenanceMinutes("api", march.start, march.end)).toBe(2520);
    expect(c.maintenanceMinutes("ftps", march.start, march.end)).toBe(2460);
  });
  it("November 2026 (721 h): the 2026-10-31 window belongs to October", () => {
    const november = calendarMonthRange("2026-11", "America/Chicago");
    expect(c.maintenanceMinutes("han", november.start, november.end)).toBe(2400);
    expect(c.maintenanceMinutes("api", november.start, november.end)).toBe(2640);
    const october = calendarMonthRange("2026-10", "America/Chicago");
    expect(c.maintenanceMinutes("han", october.start, october.end)).toBe(3000); // 3, 10, 17, 24, 31
  });
  it("counts wall-clock minutes: partial minutes at the range ends are not counted", () => {
    const start = t("2026-03-07T08:00:00Z");
    expect(c.maintenanceMinutes("gui", start + 30_000, start + 10 * 60_000)).toBe(9);
    expect(c.maintenanceMinutes("gui", start - 60_000, start + 1)).toBe(1);
    expect(c.maintenanceMinutes("gui", start, start)).toBe(0);
  });
});

describe("month ends, midnight and leap days", () => {
  it("a window crossing midnight and a month end is split between the months", () => {
    const c = cal({ recurring: [{ name: "friday-night", weekdays: ["friday"], start: "22:00", duration: "4h" }] });
    const july = calendarMonthRange("2026-07", "America/Chicago");
    const august = calendarMonthRange("2026-08", "America/Chicago");
    expect(spans(c.windows("gui", t("2026-07-31T12:00:00Z"), t("2026-08-01T12:00:00Z")))).toEqual([["2026-08-01T03:00:00.000Z", "2026-08-01T07:00:00.000Z"]]);
    expect(c.maintenanceMinutes("gui", july.start, july.end)).toBe(4 * 240 + 120);
    expect(c.maintenanceMinutes("gui", august.start, august.end)).toBe(120 + 4 * 240);
  });

  it("a window crossing the year end", () => {
    const c = cal({ recurring: [{ name: "thursday-late", weekdays: ["thursday"], start: "23:00", duration: "2h" }] });
    const december = calendarMonthRange("2026-12", "America/Chicago");
    const january = calendarMonthRange("2027-01", "America/Chicago");
    // Thursdays: December 3, 10, 17, 24, 31; the 31st runs into 2027.
    expect(c.maintenanceMinutes("gui", december.start, december.end)).toBe(4 * 120 + 60);
    expect(c.maintenanceMinutes("gui", january.start, january.end)).toBe(60 + 4 * 120);
  });

  it("2028-02-29 is a Tuesday: a Tuesday-night window on it ends on March 1", () => {
    const c = cal({
      recurring: [{ name: "tuesday-night", weekdays: ["tuesday"], start: "23:00", duration: "2h" }],
      planned: [{ id: "leap", start: "2028-02-29T10:00", end: "2028-02-29T12:00", services: ["han"] }],
    });
    expect(spans(c.windows("gui", t("2028-02-29T12:00:00Z"), t("2028-03-01T12:00:00Z")))).toEqual([["2028-03-01T05:00:00.000Z", "2028-03-01T07:00:00.000Z"]]);
    const february = calendarMonthRange("2028-02", "America/Chicago");
    const march = calendarMonthRange("2028-03", "America/Chicago");
    // Tuesdays in February 2028: 1, 8, 15, 22, 29.
    expect(c.maintenanceMinutes("gui", february.start, february.end)).toBe(4 * 120 + 60);
    expect(c.maintenanceMinutes("gui", march.start, march.end)).toBe(60 + 4 * 120);
    expect(c.maintenanceMinutes("han", february.start, february.end)).toBe(4 * 120 + 60 + 120);
    expect(c.localDate(t("2028-03-01T05:59:00Z"))).toBe("2028-02-29");
  });

  it("2024-02-29 is a Thursday", () => {
    const c = cal({ recurring: [{ name: "thursday-noon", weekdays: ["thursday"], start: "12:00", duration: "1h" }] });
    expect(spans(c.windows("api", t("2024-02-28T00:00:00Z"), t("2024-03-02T00:00:00Z")))).toEqual([["2024-02-29T18:00:00.000Z", "2024-02-29T19:00:00.000Z"]]);
  });
});

describe("windows of a service: merged, current or next", () => {
  const c = cal({
    recurring: [saturday],
    planned: [
      { id: "gui-overrun", start: "2026-05-16T11:00", end: "2026-05-16T14:00", services: ["gui"] },
      { id: "api-after", start: "2026-05-16T12:00", end: "2026-05-16T13:00", services: ["api"], notice_id: "SMT-M-A051126-01" },
    ],
  });

  it("overlapping and touching occurrences merge per service; occurrences stay separate", () => {
    const day = [t("2026-05-16T00:00:00Z"), t("2026-05-17T00:00:00Z")] as const;
    const gui = c.windows("gui", ...day);
    expect(spans(gui)).toEqual([["2026-05-16T07:00:00.000Z", "2026-05-16T19:00:00.000Z"]]);
    expect(gui[0]!.sources.map((s) => (s.kind === "recurring" ? s.name : s.id))).toEqual(["saturday", "gui-overrun"]);
    expect(spans(c.windows("api", ...day))).toEqual([["2026-05-16T07:00:00.000Z", "2026-05-16T18:00:00.000Z"]]);
    expect(spans(c.windows("ftps", ...day))).toEqual([["2026-05-16T07:00:00.000Z", "2026-05-16T17:00:00.000Z"]]);
    expect(c.maintenanceMinutes("gui", ...day)).toBe(720);
    expect(c.occurrences(...day).map((o) => [o.source.kind, o.services.join(",")])).toEqual([
      ["recurring", "gui,api,ftps,han"],
      ["planned", "gui"],
      ["planned", "api"],
    ]);
    expect(c.occurrences(...day, "ftps")).toHaveLength(1);
  });

  it("in maintenance from the start (inclusive) to the end (exclusive)", () => {
    const start = t("2026-05-16T07:00:00Z");
    expect(c.isInMaintenance("han", start - 1)).toBe(false);
    expect(c.isInMaintenance("han", start)).toBe(true);
    expect(c.isInMaintenance("han", t("2026-05-16T17:00:00Z") - 1)).toBe(true);
    expect(c.isInMaintenance("han", t("2026-05-16T17:00:00Z"))).toBe(false);
    expect(c.isInMaintenance("gui", t("2026-05-16T17:00:00Z"))).toBe(true);
  });

  it("the current window when in one (with its merged end), else the next", () => {
    const current = c.currentOrNextWindow("gui", t("2026-05-16T16:30:00Z"));
    expect(spans([current!])).toEqual([["2026-05-16T07:00:00.000Z", "2026-05-16T19:00:00.000Z"]]);
    const next = c.currentOrNextWindow("gui", t("2026-05-16T19:00:00Z"));
    expect(spans([next!])).toEqual([["2026-05-23T07:00:00.000Z", "2026-05-23T17:00:00.000Z"]]);
    expect(c.currentOrNextWindow("han", t("2026-05-13T12:00:00Z"))!.start).toBe(t("2026-05-16T07:00:00Z"));
  });

  it("none within the horizon (400 days by default)", () => {
    const empty = cal({});
    expect(empty.currentOrNextWindow("gui", t("2026-05-13T12:00:00Z"))).toBeUndefined();
    const far = cal({ planned: [{ id: "far", start: "2027-06-01T02:00", end: "2027-06-01T04:00" }] });
    expect(far.currentOrNextWindow("gui", t("2026-05-13T12:00:00Z"))!.start).toBe(t("2027-06-01T07:00:00Z")); // 384 days on
    expect(far.currentOrNextWindow("gui", t("2026-04-01T12:00:00Z"))).toBeUndefined(); // 426 days on
    expect(far.currentOrNextWindow("gui", t("2026-04-01T12:00:00Z"), 500 * DAY)).toBeDefined();
  });

  it("windows that started before the range are returned whole", () => {
    expect(spans(c.windows("han", t("2026-05-16T12:00:00Z"), t("2026-05-16T12:01:00Z")))).toEqual([["2026-05-16T07:00:00.000Z", "2026-05-16T17:00:00.000Z"]]);
  });

  it("another time zone: the windows and local dates follow it", () => {
    const utc = cal({ time_zone: "UTC", recurring: [saturday], planned: [{ id: "p", start: "2026-03-08T01:00", end: "2026-03-08T04:00" }] });
    expect(spans(utc.windows("gui", t("2026-03-07T00:00:00Z"), t("2026-03-09T00:00:00Z")))).toEqual([
      ["2026-03-07T02:00:00.000Z", "2026-03-07T12:00:00.000Z"],
      ["2026-03-08T01:00:00.000Z", "2026-03-08T04:00:00.000Z"],
    ]);
  });
});

describe("business days", () => {
  const holidays = new Set(["2026-11-26", "2026-11-27", "2026-12-24", "2026-12-25", "2027-01-01"]);
  it("weekends and holidays are not business days", () => {
    expect(isBusinessDay("2026-11-25", holidays)).toBe(true);
    expect(isBusinessDay("2026-11-26", holidays)).toBe(false);
    expect(isBusinessDay("2026-11-26", new Set())).toBe(true);
    expect(isBusinessDay("2026-11-28", new Set())).toBe(false); // Saturday
    expect(isBusinessDay("2026-11-29", new Set())).toBe(false); // Sunday
  });

  it("around Thanksgiving: a notice for Monday 2026-11-30 is due by Monday 11-23", () => {
    expect(businessDaysBefore("2026-11-30", 3, holidays)).toBe("2026-11-23");
    expect(businessDaysBefore("2026-11-30", 3, new Set())).toBe("2026-11-25");
    expect(addBusinessDays("2026-11-25", 1, holidays)).toBe("2026-11-30");
  });

  it("around Christmas and New Year", () => {
    expect(businessDaysBefore("2026-12-28", 3, holidays)).toBe("2026-12-21");
    expect(businessDaysBefore("2026-12-28", 3, new Set())).toBe("2026-12-23");
    expect(addBusinessDays("2026-12-23", 1, holidays)).toBe("2026-12-28");
    expect(addBusinessDays("2026-12-31", 1, holidays)).toBe("2027-01-04");
    expect(addBusinessDays("2027-01-04", -2, holidays)).toBe("2026-12-30");
  });

  it("a Saturday outage's notice is due the Wednesday before; the start day never counts; 0 days is the day itself", () => {
    expect(businessDaysBefore("2026-03-07", 3, new Set())).toBe("2026-03-04");
    expect(addBusinessDays("2026-03-07", 1, new Set())).toBe("2026-03-09");
    expect(addBusinessDays("2026-03-07", 0, new Set())).toBe("2026-03-07");
    expect(addBusinessDays("2028-02-28", 1, new Set())).toBe("2028-02-29");
    expect(addBusinessDays("2028-02-25", 2, new Set())).toBe("2028-02-29");
  });

  it("the calendar applies its configured holidays; bad dates are errors", () => {
    const c = cal({ holidays: [...holidays] });
    expect(c.isBusinessDay("2026-11-27")).toBe(false);
    expect(c.businessDaysBefore("2026-11-30", 3)).toBe("2026-11-23");
    expect(c.addBusinessDays("2026-12-31", 1)).toBe("2027-01-04");
    expect(() => c.isBusinessDay("2026-02-29")).toThrow(/expected a date "YYYY-MM-DD", got "2026-02-29"/);
    expect(() => c.addBusinessDays("2026-03-02", 1.5)).toThrow(RangeError);
  });
});
