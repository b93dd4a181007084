import { DateTime } from "luxon";
import { CENTRAL_TIME_ZONE, MARKET_DATE_TIME_FORMAT } from "../maintenance/central-time.js";

/**
 * Times as market notices write them: Central time with the zone in force at that instant, CST in
 * winter and CDT in summer, as ERCOT's notices write them ("October 13, 2020 15:30 - 18:00 CDT"),
 * so the repeated hour of the fall-back night reads "01:30 CDT" the first time and "01:30 CST" the
 * second. The zone is a parameter so a config can change it (a zone without a US abbreviation is
 * written as its offset, "UTC+1"); every function is pure in the instants it is given.
 */

const DAY = "cccc, LLLL d, yyyy";
const CLOCK = "HH:mm";

function local(ms: number, zone: string): DateTime {
  return DateTime.fromMillis(ms, { zone, locale: "en-US" });
}

/** "CST", "CDT" (the abbreviation in force at that instant; "UTC" or "UTC+1" where a zone has none). */
export function zoneAbbreviation(ms: number, zone = CENTRAL_TIME_ZONE): string {
  return local(ms, zone).toFormat("ZZZZ").replace(/^GMT/, "UTC");
}

/** "14:36 CST". */
export function formatClock(ms: number, zone = CENTRAL_TIME_ZONE): string {
  return `${local(ms, zone).toFormat(CLOCK)} ${zoneAbbreviation(ms, zone)}`;
}

/** "Saturday, March 7, 2026" (the local day of an instant). */
export function formatDay(ms: number, zone = CENTRAL_TIME_ZONE): string {
  return local(ms, zone).toFormat(DAY);
}

/** "Saturday, March 7, 2026 02:00 CST": the form of DAYS AFFECTED and of the alert annotations (MARKET_DATE_TIME_FORMAT). */
export function formatDateTime(ms: number, zone = CENTRAL_TIME_ZONE): string {
  return `${local(ms, zone).toFormat(MARKET_DATE_TIME_FORMAT.luxon)} ${zoneAbbreviation(ms, zone)}`;
}

/** "02:00 CST on Saturday, March 7, 2026": the same time inside a sentence ("began at …", "restored at …"). */
export function formatTimeOnDay(ms: number, zone = CENTRAL_TIME_ZONE): string {
  return `${formatClock(ms, zone)} on ${formatDay(ms, zone)}`;
}

/**
 * A span inside a sentence: "from 09:40 to 10:35 CDT on Thursday, May 14, 2026" within a day (both
 * zones when they differ: "from 01:30 CDT to 01:30 CST on …"), "from 22:00 CST on Saturday, … to
 * 03:15 CST on Monday, …" across days.
 */
export function formatSpanInSentence(startMs: number, endMs: number, zone = CENTRAL_TIME_ZONE): string {
  if (!local(startMs, zone).hasSame(local(endMs, zone), "day")) return `from ${formatTimeOnDay(startMs, zone)} to ${formatTimeOnDay(endMs, zone)}`;
  const startZone = zoneAbbreviation(startMs, zone);
  const endZone = zoneAbbreviation(endMs, zone);
  const start = local(startMs, zone).toFormat(CLOCK);
  return `from ${startZone === endZone ? start : `${start} ${startZone}`} to ${formatClock(endMs, zone)} on ${formatDay(endMs, zone)}`;
}

/** "March 7, 2026" (the NOTICE DATE line). */
export function formatNoticeDate(ms: number, zone = CENTRAL_TIME_ZONE): string {
  return local(ms, zone).toFormat("LLLL d, yyyy");
}

/** "MMDDYY" in the zone, for notice ids. */
export function idDate(ms: number, zone = CENTRAL_TIME_ZONE): string {
  return local(ms, zone).toFormat("LLddyy");
}

/**
 * A span within one local day: "02:00 - 12:00 CST", or with both zones when they differ (the DST
 * nights): "00:30 CDT - 03:00 CST". `endText` replaces the end ("24:00" for a span to midnight).
 */
function clockSpan(startMs: number, endMs: number, zone: string, endText?: string): string {
  const startZone = zoneAbbreviation(startMs, zone);
  const endZone = zoneAbbreviation(endMs, zone);
  const end = endText ?? local(endMs, zone).toFormat(CLOCK);
  return startZone === endZone
    ? `${local(startMs, zone).toFormat(CLOCK)} - ${end} ${endZone}`
    : `${local(startMs, zone).toFormat(CLOCK)} ${startZone} - ${end} ${endZone}`;
}

/**
 * A window on one line (for sentences): "Saturday, March 7, 2026 02:00 - 12:00 CST" within a day,
 * "Saturday, March 7, 2026 22:00 CST - Sunday, March 8, 2026 04:00 CDT" across days.
 */
export function formatWindow(startMs: number, endMs: number, zone = CENTRAL_TIME_ZONE): string {
  const start = local(startMs, zone);
  const lastInstant = Math.max(startMs, endMs - 1);
  if (start.hasSame(local(lastInstant, zone), "day")) return `${formatDay(startMs, zone)} ${clockSpan(startMs, endMs, zone, endOfDayText(endMs, zone))}`;
  return `${formatDateTime(startMs, zone)} - ${formatDateTime(endMs, zone)}`;
}

/** "24:00" when an instant is a local midnight ending the previous day's span, else undefined. */
function endOfDayText(endMs: number, zone: string): string | undefined {
  const end = local(endMs, zone);
  return end.hour === 0 && end.minute === 0 ? "24:00" : undefined;
}

/** The most days DAYS AFFECTED lists one by one; a longer span is written start to end. */
export const MAX_DAYS_LISTED = 31;

/**
 * DAYS AFFECTED: each local day the span touches, with its hours and zone, one day a line:
 *
 *     Saturday, March 7, 2026 02:00 - 12:00 CST
 *     Saturday, November 28, 2026 22:00 - 24:00 CST
 *     Sunday, November 29, 2026 00:00 - 04:00 CST
 *
 * An open span (no end yet) runs to "ongoing" on the last day up to `asOf` (the time of the
 * notice): "Sunday, November 29, 2026 14:36 CST - ongoing". A span ending at local midnight does
 * not touch the day that starts then.
 */
export function formatDaysAffected(startMs: number, endMs: number | undefined, zone = CENTRAL_TIME_ZONE, asOf?: number): string {
  const until = endMs ?? Math.max(startMs, asOf ?? startMs);
  const lines: string[] = [];
  let from = startMs;
  for (let day = 0; day < MAX_DAYS_LISTED; day++) {
    const nextMidnight = local(from, zone).startOf("day").plus({ days: 1 }).toMillis();
    const lastDay = until <= nextMidnight && (endMs !== undefined || until < nextMidnight);
    if (lastDay) {
      lines.push(
        endMs === undefined ? `${formatDateTime(from, zone)} - ongoing` : `${formatDay(from, zone)} ${clockSpan(from, endMs, zone, endOfDayText(endMs, zone))}`,
      );
      return lines.join("\n");
    }
    lines.push(`${formatDay(from, zone)} ${clockSpan(from, nextMidnight, zone, "24:00")}`);
    from = nextMidnight;
  }
  return endMs === undefined ? `${formatDateTime(startMs, zone)} - ongoing` : formatWindow(startMs, endMs, zone);
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
