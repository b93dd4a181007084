import { addDays, formatCivilDate, isoWeekday, parseCivilDate, type CivilDate } from "./wall-clock-time.js";

/**
 * The built-in holiday set `ercot`: ERCOT's business-day holidays (ERCOT Protocols and Retail
 * Market Guide, section 2, "Business Day": Monday through Friday, excluding the observed holidays
 * New Year's Day, Memorial Day, Independence Day, Labor Day, Thanksgiving Thursday and Friday, and
 * two days at Christmas as designated by the ERCOT CEO), with the weekend rules written down in
 * docs/maintenance.md ("Business days"):
 *
 * - a fixed-date holiday (New Year's Day, Independence Day) on a Saturday is observed on the Friday
 *   before, on a Sunday on the Monday after (the federal rule; New Year's Day on a Saturday is
 *   observed on Friday, December 31 of the year before);
 * - the two Christmas days are December 24 and 25, moved to the weekdays nearest Christmas when
 *   either falls on a weekend: Christmas on a Saturday: Thursday 23 and Friday 24; on a Sunday:
 *   Friday 23 and Monday 26; on a Monday: Monday 25 and Tuesday 26.
 *
 * ERCOT publishes each year's list; where a year differs, the `holidays:` list adds days (and
 * `holiday_set: none` with a full list replaces the set).
 */

export const HOLIDAY_SETS = ["ercot", "none"] as const;
export type HolidaySet = (typeof HOLIDAY_SETS)[number];

/** A holiday calendar: whether a date ("YYYY-MM-DD") is a holiday. A ReadonlySet<string> is one. */
export interface Holidays {
  has(date: string): boolean;
}

export interface NamedHoliday {
  date: string;
  name: string;
}

function nthWeekday(year: number, month: number, isoDay: number, n: number): CivilDate {
  let date: CivilDate = { year, month, day: 1 };
  while (isoWeekday(date) !== isoDay) date = addDays(date, 1);
  return addDays(date, 7 * (n - 1));
}

function lastWeekday(year: number, month: number, isoDay: number): CivilDate {
  let date = addDays({ year, month: month === 12 ? 1 : month + 1, day: 1 }, -1);
  if (month === 12) date = { year, month: 12, day: 31 };
  while (isoWeekday(date) !== isoDay) date = addDays(date, -1);
  return date;
}

/** Saturday -> the Friday before, Sunday -> the Monday after. */
function observed(date: CivilDate): CivilDate {
  const weekday = isoWeekday(date);
  return weekday === 6 ? addDays(date, -1) : weekday === 7 ? addDays(date, 1) : date;
}

function christmasDays(year: number): CivilDate[] {
  const christmas: CivilDate = { year, month: 12, day: 25 };
  switch (isoWeekday(christmas)) {
    case 6:
      return [addDays(christmas, -2), addDays(christmas, -1)];
    case 7:
      return [addDays(christmas, -2), addDays(christmas, 1)];
    case 1:
      return [christmas, addDays(christmas, 1)];
    default:
      return [addDays(christmas, -1), christmas];
  }
}

/** ERCOT's business-day holidays observed in a calendar year (New Year's Day of the next year may fall on December 31). */
export function ercotHolidays(year: number): NamedHoliday[] {
  const thanksgiving = nthWeekday(year, 11, 4, 4);
  const [christmasFirst, christmasSecond] = christmasDays(year);
  const list: [CivilDate, string][] = [
    [observed({ year, month: 1, day: 1 }), "New Year's Day"],
    [lastWeekday(year, 5, 1), "Memorial Day"],
    [observed({ year, month: 7, day: 4 }), "Independence Day"],
    [nthWeekday(year, 9, 1, 1), "Labor Day"],
    [thanksgiving, "Thanksgiving Day"],
    [addDays(thanksgiving, 1), "Day after Thanksgiving"],
    [christmasFirst!, "Christmas"],
    [christmasSecond!, "Christmas"],
  ];
  return list.map(([date, name]) => ({ date: formatCivilDate(date), name })).sort((a, b) => a.date.localeCompare(b.date));
}

const byYear = new Map<number, ReadonlySet<string>>();

function ercotDatesAround(year: number): ReadonlySet<string> {
  let dates = byYear.get(year);
  if (!dates) {
    // New Year's Day of the next year is observed on December 31 when it falls on a Saturday.
    dates = new Set([...ercotHolidays(year), ...ercotHolidays(year + 1)].map((h) => h.date).filter((d) => d.startsWith(`${year}-`)));
    byYear.set(year, dates);
  }
  return dates;
}

/** The holidays of a set, extended by the listed dates. */
export function holidayCalendar(set: HolidaySet, extra: readonly string[]): Holidays {
  const listed = new Set(extra);
  if (set === "none") return listed;
  return {
    has: (date) => {
      if (listed.has(date)) return true;
      const parsed = parseCivilDate(date);
      return parsed !== undefined && ercotDatesAround(parsed.year).has(date);
    },
  };
}
