import { DateTime, IANAZone } from "luxon";

/**
 * Wall-clock (local) times in an IANA zone turned into instants, deterministically.
 *
 * Luxon's own resolution of an ambiguous local time (the repeated hour when clocks fall back)
 * depends on the offset in force *now*, so the same config could mean different instants in
 * summer and in winter. This module fixes the rules:
 * - a local time that exists once is that instant;
 * - an ambiguous local time (fall back, e.g. 01:30 on 2026-11-01 in America/Chicago) is its
 *   **first** occurrence (01:30 CDT, 06:30 UTC);
 * - a local time that does not exist (spring forward, e.g. 02:30 on 2026-03-08 in
 *   America/Chicago) is shifted forward by the length of the gap, as luxon does (03:30 CDT).
 */

export interface CivilDate {
  year: number;
  month: number; // 1-12
  day: number;
}

export interface TimeOfDay {
  hour: number;
  minute: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** The zone's UTC offset at an instant, in minutes (America/Chicago: -360 in winter, -300 in summer). */
export function utcOffsetMinutes(zone: string, atMs: number): number {
  return IANAZone.create(zone).offset(atMs);
}

/** Resolved wall-clock times: the same windows are resolved at every scrape, and Intl offsets are slow. */
const resolved = new Map<string, number>();
const RESOLVED_MAX = 100_000;

/** The instant (Unix ms) of a wall-clock time in a zone; see the module comment for gaps and overlaps. */
export function wallClockToInstant(zone: string, date: CivilDate, time: TimeOfDay): number {
  const key = `${zone} ${date.year}-${date.month}-${date.day} ${time.hour}:${time.minute}`;
  let instant = resolved.get(key);
  if (instant === undefined) {
    if (resolved.size >= RESOLVED_MAX) resolved.clear();
    instant = resolveWallClock(zone, date, time);
    resolved.set(key, instant);
  }
  return instant;
}

function resolveWallClock(zone: string, date: CivilDate, time: TimeOfDay): number {
  const tz = IANAZone.create(zone);
  const localAsUtc = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  const before = tz.offset(localAsUtc - DAY_MS);
  const after = tz.offset(localAsUtc + DAY_MS);
  const valid = [...new Set([before, after])].filter((o) => tz.offset(localAsUtc - o * MINUTE_MS) === o);
  if (valid.length > 0) {
    // Ambiguous: the larger offset gives the earlier instant, i.e. the first occurrence.
    return localAsUtc - Math.max(...valid) * MINUTE_MS;
  }
  // In a gap: read the wall time with the offset before the change, which moves it forward.
  return localAsUtc - Math.min(before, after) * MINUTE_MS;
}

/** The calendar date (in the zone) of an instant. */
export function civilDateAt(zone: string, atMs: number): CivilDate {
  const dt = DateTime.fromMillis(atMs, { zone });
  return { year: dt.year, month: dt.month, day: dt.day };
}

/** The date `days` days after (or before, when negative) a date, in the proleptic Gregorian calendar. */
export function addDays(date: CivilDate, days: number): CivilDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday (luxon's numbering). */
export function isoWeekday(date: CivilDate): number {
  const day = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return day === 0 ? 7 : day;
}

export function formatCivilDate(date: CivilDate): string {
  return `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}

export function compareCivilDates(a: CivilDate, b: CivilDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** "YYYY-MM-DD" as a real date, or undefined (2026-02-29 and 2026-13-01 are not dates). */
export function parseCivilDate(text: string): CivilDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date.year, date.month)) return undefined;
  return date;
}

/** "HH:MM" (00:00-23:59), or undefined. */
export function parseTimeOfDay(text: string): TimeOfDay | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : undefined;
}

/**
 * A date-time written in config: a local time in the calendar's zone ("2026-05-16T02:00",
 * "2026-05-16 02:00", seconds allowed when :00), or an ISO time with an offset
 * ("2026-05-16T02:00-05:00", "2026-05-16T07:00:00Z"). Returns the instant or what was expected.
 */
export function parseCalendarDateTime(text: string, zone: string): { instant: number } | { error: string } {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  const expected = `expected a date-time "YYYY-MM-DDTHH:MM" in the calendar's time zone or with an offset ("…T02:00-05:00", "…T07:00Z"), got "${text}"`;
  if (!m) return { error: expected };
  const date = parseCivilDate(m[1]!);
  if (!date) return { error: `expected a real calendar date, got "${m[1]}" in "${text}"` };
  const time = parseTimeOfDay(`${m[2]}:${m[3]}`);
  if (!time) return { error: `expected a time of day 00:00-23:59, got "${m[2]}:${m[3]}" in "${text}"` };
  if (m[4] !== undefined && m[4] !== "00") return { error: `expected a time on a whole minute (seconds 00), got "${text}"` };
  const offset = m[5];
  if (offset === undefined) return { instant: wallClockToInstant(zone, date, time) };
  let offsetMinutes = 0;
  if (offset !== "Z") {
    const sign = offset.startsWith("-") ? -1 : 1;
    const hours = Number(offset.slice(1, 3));
    const minutes = Number(offset.slice(4, 6));
    if (hours > 14 || minutes > 59) return { error: `expected a UTC offset between -14:00 and +14:00, got "${offset}" in "${text}"` };
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  return { instant: Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute) - offsetMinutes * MINUTE_MS };
}

/** The instants [start, end) of a calendar month ("YYYY-MM") in a zone: March 2026 in Chicago is 743 hours. */
export function calendarMonthRange(month: string, zone: string): { start: number; end: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const year = Number(m?.[1]);
  const mon = Number(m?.[2]);
  if (!m || mon < 1 || mon > 12) throw new RangeError(`expected a month "YYYY-MM", got "${month}"`);
  const midnight = { hour: 0, minute: 0 };
  return {
    start: wallClockToInstant(zone, { year, month: mon, day: 1 }, midnight),
    end: wallClockToInstant(zone, mon === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: mon + 1, day: 1 }, midnight),
  };
}

/** The instants [start, end) of the local days from `first` to `last` inclusive. */
export function calendarDaysRange(first: CivilDate, last: CivilDate, zone: string): { start: number; end: number } {
  const midnight = { hour: 0, minute: 0 };
  return { start: wallClockToInstant(zone, first, midnight), end: wallClockToInstant(zone, addDays(last, 1), midnight) };
}
