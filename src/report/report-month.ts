import { DateTime } from "luxon";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/** A calendar month in Central time, as the UTC instants it spans. */
export interface ReportMonth {
  /** "YYYY-MM" */
  label: string;
  /** First instant of the month (Unix ms). */
  fromMs: number;
  /** First instant of the next month (Unix ms). */
  toMs: number;
  /** Minutes in the month: 44 580 for March 2026 (743 h, spring forward), 43 260 for November 2026 (721 h). */
  totalMinutes: number;
  /**
   * Month to date (src/report/month-to-date.ts): the instant the figures are computed at. `toMs` is
   * then the end of the last minute recorded by that instant and `totalMinutes` the minutes so far.
   */
  asOfMs?: number;
}

/** A month or year the user wrote wrong; `field` says which (the CLI names its flag), the message what was expected. */
export class ReportUsageError extends Error {
  constructor(
    readonly field: "month" | "year" | "at",
    message: string,
  ) {
    super(message);
    this.name = "ReportUsageError";
  }
}

/** Parses "YYYY-MM" into the month's bounds in America/Chicago (DST-aware); throws ReportUsageError. */
export function reportMonth(text: string, timeZone = CENTRAL_TIME_ZONE): ReportMonth {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  const year = Number(m?.[1]);
  const month = Number(m?.[2]);
  if (!m || month < 1 || month > 12 || year < 1970) {
    throw new ReportUsageError("month", `expected a calendar month as YYYY-MM (e.g. 2026-03), got "${text}"`);
  }
  const start = DateTime.fromObject({ year, month, day: 1 }, { zone: timeZone });
  if (!start.isValid) throw new ReportUsageError("month", start.invalidExplanation ?? "invalid month");
  const end = start.plus({ months: 1 });
  const fromMs = start.toMillis();
  const toMs = end.toMillis();
  return { label: text, fromMs, toMs, totalMinutes: (toMs - fromMs) / 60_000 };
}
