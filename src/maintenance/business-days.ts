import type { Holidays } from "./ercot-holidays.js";
import { addDays, formatCivilDate, isoWeekday, parseCivilDate, type CivilDate } from "./wall-clock-time.js";

/**
 * Business-day arithmetic for market notices: a business day is a Monday to Friday that is not
 * a holiday (the `ercot` set by default, ercot-holidays.ts, and the configured list). Dates are "YYYY-MM-DD" strings (calendar dates, no zone: turn
 * an instant into its local date first, e.g. with `maintenanceCalendar(...).localDate(ms)`).
 *
 * Planned maintenance notices are due at least 3 business days before the outage:
 * `businessDaysBefore("2026-11-30", 3, holidays)` is "2026-11-23" when Thanksgiving (11-26) and the
 * day after (11-27) are holidays.
 */

export type { Holidays } from "./ercot-holidays.js";

function civil(date: string): CivilDate {
  const parsed = parseCivilDate(date);
  if (!parsed) throw new RangeError(`expected a date "YYYY-MM-DD", got "${date}"`);
  return parsed;
}

export function isBusinessDay(date: string, holidays: Holidays): boolean {
  return isWorkday(civil(date), holidays);
}

function isWorkday(date: CivilDate, holidays: Holidays): boolean {
  return isoWeekday(date) <= 5 && !holidays.has(formatCivilDate(date));
}

/**
 * The date `n` business days after `date` (before it when `n` is negative). The start date itself
 * is never counted, and need not be a business day: one business day after a Saturday is the
 * Monday (or the next business day after a Monday holiday). `n = 0` returns `date` unchanged.
 */
export function addBusinessDays(date: string, n: number, holidays: Holidays): string {
  if (!Number.isInteger(n)) throw new RangeError(`expected a whole number of business days, got ${n}`);
  let day = civil(date);
  const step = Math.sign(n);
  for (let remaining = Math.abs(n); remaining > 0;) {
    day = addDays(day, step);
    if (isWorkday(day, holidays)) remaining--;
  }
  return formatCivilDate(day);
}

/** The date `n` business days before `date`: the latest day a notice for an outage on `date` may go out. */
export function businessDaysBefore(date: string, n: number, holidays: Holidays): string {
  return addBusinessDays(date, -n, holidays);
}
