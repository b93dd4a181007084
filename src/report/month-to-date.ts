import { DateTime } from "luxon";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { MINUTE_SECONDS, RECORDING_DELAY_SECONDS } from "../rules/minute-timing.js";
import { MonthUnavailableError } from "./monthly-report.js";
import type { ReportMonth } from "./report-month.js";

/**
 * The month to date (issue 17 item 3): the calendar month (Central time) that holds an instant, cut
 * at the last minute whose minute-state sample is surely recorded by then. The sample of minute m
 * has a timestamp before m + 60 s + 60 s + RECORDING_DELAY_SECONDS (src/rules/minute-timing.ts), so
 * at `asOfMs` every minute that ended at least that long before is in Prometheus. The figures are
 * those of the report (one definition): the same query over [month start, cut). Pure.
 */

const MINUTE_MS = MINUTE_SECONDS * 1000;
/** From a minute's start to the latest timestamp its sample can carry (exclusive). */
const RECORDED_AFTER_MS = 2 * MINUTE_MS + RECORDING_DELAY_SECONDS * 1000;

/** The end (Unix ms, exclusive) of the last minute recorded by `asOfMs`: a whole minute. Pure. */
export function recordedThrough(asOfMs: number): number {
  return Math.floor((asOfMs - RECORDED_AFTER_MS) / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
}

/** The Central-time calendar month holding `asOfMs`, so far; MonthUnavailableError in its first minutes (none recorded yet). Pure. */
export function monthToDate(asOfMs: number, timeZone = CENTRAL_TIME_ZONE): ReportMonth {
  const start = DateTime.fromMillis(asOfMs, { zone: timeZone }).startOf("month");
  const fromMs = start.toMillis();
  const toMs = Math.min(start.plus({ months: 1 }).toMillis(), recordedThrough(asOfMs));
  const label = start.toFormat("yyyy-LL");
  if (toMs <= fromMs) {
    throw new MonthUnavailableError(
      `no minute of ${label} is recorded yet at ${new Date(asOfMs).toISOString()}: a minute is recorded about two minutes after it starts`,
    );
  }
  return { label, fromMs, toMs, totalMinutes: (toMs - fromMs) / MINUTE_MS, asOfMs };
}
