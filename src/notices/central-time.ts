import { DateTime } from "luxon";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/**
 * Times as market notices write them: Central Prevailing Time (America/Chicago, CST in winter,
 * CDT in summer), labelled "CPT" as ERCOT notices do. The zone is a parameter so a config can
 * change it; every function is pure in the instant it is given.
 */

/** "Saturday, March 7, 2026 02:00 CPT". */
export function formatDateTime(ms: number, zone = CENTRAL_TIME_ZONE): string {
  return `${DateTime.fromMillis(ms, { zone }).toFormat("cccc, LLLL d, yyyy HH:mm")} CPT`;
}

/** "March 7, 2026" (the NOTICE DATE line). */
export function formatNoticeDate(ms: number, zone = CENTRAL_TIME_ZONE): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("LLLL d, yyyy");
}

/** "MMDDYY" in the zone, for notice ids. */
export function idDate(ms: number, zone = CENTRAL_TIME_ZONE): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("LLddyy");
}

/**
 * A window: "Saturday, March 7, 2026 02:00 - 12:00 CPT" on one day, or
 * "Saturday, March 7, 2026 22:00 - Sunday, March 8, 2026 04:00 CPT" across days.
 */
export function formatWindow(startMs: number, endMs: number, zone = CENTRAL_TIME_ZONE): string {
  const start = DateTime.fromMillis(startMs, { zone });
  const end = DateTime.fromMillis(endMs, { zone });
  if (start.hasSame(end, "day")) return `${start.toFormat("cccc, LLLL d, yyyy HH:mm")} - ${end.toFormat("HH:mm")} CPT`;
  return `${start.toFormat("cccc, LLLL d, yyyy HH:mm")} - ${end.toFormat("cccc, LLLL d, yyyy HH:mm")} CPT`;
}

/**
 * The days a span touches: "Saturday, March 7, 2026", "Saturday, March 7, 2026 and Sunday, March 8, 2026"
 * or "Friday, … , Saturday, … and Sunday, …". An open span (no end yet) is its first day onward.
 */
export function formatDaysAffected(startMs: number, endMs: number | undefined, zone = CENTRAL_TIME_ZONE): string {
  let day = DateTime.fromMillis(startMs, { zone }).startOf("day");
  if (endMs === undefined) return `${day.toFormat("cccc, LLLL d, yyyy")} (ongoing)`;
  // A span ending exactly at midnight does not touch the day that starts then.
  const last = DateTime.fromMillis(Math.max(startMs, endMs - 1), { zone }).startOf("day");
  const days: string[] = [];
  while (day <= last && days.length < 31) {
    days.push(day.toFormat("cccc, LLLL d, yyyy"));
    day = day.plus({ days: 1 }).startOf("day");
  }
  if (days.length === 1) return days[0]!;
  return `${days.slice(0, -1).join(", ")} and ${days[days.length - 1]}`;
}

/** Elapsed time between two instants: "45 minutes", "2 hours 5 minutes", "1 day 3 hours". */
export function formatElapsed(ms: number): string {
  const totalMinutes = Math.max(0, Math.round(ms / 60_000));
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const parts: string[] = [];
  if (days) parts.push(`${days} day${days === 1 ? "" : "s"}`);
  if (hours) parts.push(`${hours} hour${hours === 1 ? "" : "s"}`);
  if (minutes || parts.length === 0) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  return parts.join(" ");
}

/** "YYYY-MM-DD": the date of an instant in the zone (due dates of planned-series notices). */
export function localDate(ms: number, zone = CENTRAL_TIME_ZONE): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("yyyy-LL-dd");
}
