import { describe, expect, it } from "vitest";
import { maintenanceConfig } from "../src/config/maintenance-schema.js";
import { ercotHolidays } from "../src/maintenance/ercot-holidays.js";
import { maintenanceCalendar } from "../src/maintenance/maintenance-calendar.js";
import { noticeDueDate } from "../src/notices/planned-notices.js";

/** The built-in holiday set `ercot` (src/maintenance/ercot-holidays.ts, docs/maintenance.md "Business days"). */

const ercot = maintenanceCalendar(maintenanceConfig.parse({}));
/** The Central date of a local noon, as a planned outage's start on that day. */
const noon = (date: string) => Date.parse(`${date}T18:00:00Z`);

describe("ERCOT business days (the default holiday set)", () => {
  it("lists ERCOT's holidays of 2026 and 2027 with their weekend observance", () => {
    expect(ercotHolidays(2026)).toEqual([
      { date: "2026-01-01", name: "New Year's Day" },
      { date: "2026-05-25", name: "Memorial Day" },
      { date: "2026-07-03", name: "Independence Day" }, // July 4 is a Saturday: the Friday before
      { date: "2026-09-07", name: "Labor Day" },
      { date: "2026-11-26", name: "Thanksgiving Day" },
      { date: "2026-11-27", name: "Day after Thanksgiving" },
      { date: "2026-12-24", name: "Christmas" },
      { date: "2026-12-25", name: "Christmas" },
    ]);
    expect(ercotHolidays(2027).map((h) => h.date)).toEqual([
      "2027-01-01",
      "2027-05-31",
      "2027-07-05", // July 4 is a Sunday: the Monday after
      "2027-09-06",
      "2027-11-25",
      "2027-11-26",
      "2027-12-23", // Christmas is a Saturday: Thursday 23 and Friday 24
      "2027-12-24",
    ]);
    // Christmas on a Sunday (2022): Friday 23 and Monday 26; on a Monday (2023): Monday 25 and Tuesday 26.
    expect(
      ercotHolidays(2022)
        .slice(-2)
        .map((h) => h.date),
    ).toEqual(["2022-12-23", "2022-12-26"]);
    expect(
      ercotHolidays(2023)
        .slice(-2)
        .map((h) => h.date),
    ).toEqual(["2023-12-25", "2023-12-26"]);
  });

  it("due dates around Thanksgiving 2026 skip Thursday and Friday", () => {
    // Monday 2026-11-30: Fri 27 and Thu 26 off, so Wed 25, Tue 24, Mon 23.
    expect(noticeDueDate(ercot, noon("2026-11-30"), 3)).toBe("2026-11-23");
    // Saturday 2026-11-28 (the standing window): Fri, Thu off: Wed 25, Tue 24, Mon 23.
    expect(noticeDueDate(ercot, noon("2026-11-28"), 3)).toBe("2026-11-23");
    expect(noticeDueDate(ercot, noon("2026-12-01"), 3)).toBe("2026-11-24");
  });

  it("due dates around Christmas 2026 and New Year 2027 skip December 24, 25 and January 1", () => {
    // Monday 2026-12-28: Fri 25, Thu 24 off: Wed 23, Tue 22, Mon 21.
    expect(noticeDueDate(ercot, noon("2026-12-28"), 3)).toBe("2026-12-21");
    // Saturday 2026-12-26: the same three days.
    expect(noticeDueDate(ercot, noon("2026-12-26"), 3)).toBe("2026-12-21");
    // Monday 2027-01-04: Fri 1 Jan off: Thu 31, Wed 30, Tue 29.
    expect(noticeDueDate(ercot, noon("2027-01-04"), 3)).toBe("2026-12-29");
    // Saturday 2027-01-02: Fri 1 off: Thu 31, Wed 30, Tue 29.
    expect(noticeDueDate(ercot, noon("2027-01-02"), 3)).toBe("2026-12-29");
    expect(ercot.isBusinessDay("2026-12-31")).toBe(true);
    expect(ercot.addBusinessDays("2026-12-23", 1)).toBe("2026-12-28");
  });

  it("a holiday on a weekend is observed on a weekday", () => {
    // Independence Day 2026 is a Saturday: observed Friday July 3, so a Monday July 6 notice is due Tue June 30.
    expect(ercot.isBusinessDay("2026-07-03")).toBe(false);
    expect(noticeDueDate(ercot, noon("2026-07-06"), 3)).toBe("2026-06-30");
    // 2027: July 4 is a Sunday, observed Monday July 5; Christmas a Saturday, observed Thu 23 and Fri 24.
    expect(ercot.isBusinessDay("2027-07-05")).toBe(false);
    expect(noticeDueDate(ercot, noon("2027-07-08"), 3)).toBe("2027-07-02");
    expect(noticeDueDate(ercot, noon("2027-12-27"), 3)).toBe("2027-12-20");
    // New Year's Day 2028 is a Saturday: observed Friday December 31, 2027.
    expect(ercot.isBusinessDay("2027-12-31")).toBe(false);
    expect(noticeDueDate(ercot, noon("2028-01-03"), 3)).toBe("2027-12-28");
  });

  it("holidays: adds days to the set; holiday_set: none leaves only the list", () => {
    const extended = maintenanceCalendar(maintenanceConfig.parse({ holidays: ["2026-11-25"] }));
    expect(noticeDueDate(extended, noon("2026-11-30"), 3)).toBe("2026-11-20");
    expect(extended.isBusinessDay("2026-11-26")).toBe(false);
    const none = maintenanceCalendar(maintenanceConfig.parse({ holiday_set: "none", holidays: ["2026-11-26"] }));
    expect(none.isBusinessDay("2026-11-26")).toBe(false);
    expect(none.isBusinessDay("2026-11-27")).toBe(true);
    expect(noticeDueDate(none, noon("2026-11-30"), 3)).toBe("2026-11-24");
    expect(maintenanceConfig.safeParse({ holiday_set: "nerc" }).success).toBe(false);
  });
});
