import { DateTime } from "luxon";
import type { Service } from "../config/schema.js";
import { formatElapsed, formatTimeOnDay } from "./central-time.js";

/**
 * The words of a business-process failure notice (docs/notices.md, "Business-process failures"):
 * pure functions of the failure's facts, the services' names and the zone. The templates place them
 * (`{{ failure }}`, `{{ usage_days }}`, `{{ deadline }}`, `{{ problem }}`, `{{ resolution }}`).
 */

/** What failed: energy data not delivered by its deadline, or energy data that failed the quality checks. */
export const PROCESS_FAILURES = {
  late_data: "Energy Data Delivery Late",
  data_quality: "Energy Data Quality",
} as const;
export type ProcessFailure = keyof typeof PROCESS_FAILURES;

export interface ProcessFailureFacts {
  failure: ProcessFailure;
  /** The usage days the notice names, "YYYY-MM-DD", oldest first (at least one). */
  usageDays: readonly string[];
  /** The delivery deadline that passed (late data), Unix ms. */
  deadline?: number;
  /** Data quality: canary meters whose usage day failed the checks, of how many, and the share that alerts (0-1). */
  quality?: { failedMeters: number; meters: number; limit: number };
}

/** The most usage days named one by one; a longer run is named as a range with its count. */
export const MAX_USAGE_DAYS_LISTED = 3;

/** "Friday, November 27, 2026" (a usage day is a calendar date, named in the notices' zone's calendar). */
export function formatUsageDay(day: string): string {
  const d = DateTime.fromISO(day, { zone: "UTC", locale: "en-US" });
  return d.isValid ? d.toFormat("cccc, LLLL d, yyyy") : day;
}

/**
 * "usage day Friday, November 27, 2026", "usage days Thursday, … and Friday, …", or for a long run
 * "usage days Monday, November 2, 2026 through Friday, November 27, 2026 (26 days)".
 */
export function formatUsageDays(days: readonly string[]): string {
  if (days.length === 1) return `usage day ${formatUsageDay(days[0]!)}`;
  if (days.length <= MAX_USAGE_DAYS_LISTED) {
    const named = days.map(formatUsageDay);
    return `usage days ${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}`;
  }
  return `usage days ${formatUsageDay(days[0]!)} through ${formatUsageDay(days[days.length - 1]!)} (${days.length} days)`;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10} %`;

/** The template values of a business-process notice. */
export function processFailureValues(
  f: ProcessFailureFacts,
  notice: { services: readonly Service[]; end?: number },
  wording: { timeZone: string; serviceNames: Readonly<Record<Service, string>> },
): Record<string, string> {
  const zone = wording.timeZone;
  const where = `the Smart Meter Texas ${notice.services.map((s) => wording.serviceNames[s]).join(" and ")}`;
  const days = formatUsageDays(f.usageDays);
  const deadline = f.deadline !== undefined ? formatTimeOnDay(f.deadline, zone) : "";
  // Several days: the deadline stated is the newest day's (the alert's usage day).
  const several = f.usageDays.length > 1;
  const newest = formatUsageDay(f.usageDays[f.usageDays.length - 1]!);
  const byDeadline = !deadline
    ? "by its delivery deadline"
    : several
      ? `by its delivery deadline (usage day ${newest} was due by ${deadline})`
      : `by its delivery deadline, ${deadline}`;
  const problem =
    f.failure === "late_data"
      ? `The energy data of ${days} was not available on ${where} ${byDeadline}.`
      : `The energy data of ${days} on ${where} failed the data-quality checks (missing, duplicate or negative 15-minute intervals)` +
        (f.quality
          ? ` for ${f.quality.failedMeters} of ${f.quality.meters} canary meters (${percent(f.quality.failedMeters / f.quality.meters)}; notices are drafted above ${percent(f.quality.limit)}).`
          : ".");
  let resolution = "";
  if (notice.end !== undefined) {
    const late =
      f.deadline !== undefined && notice.end > f.deadline
        ? `, ${formatElapsed(notice.end - f.deadline)} after ${several ? `the deadline of usage day ${newest}` : "its delivery deadline"}`
        : "";
    resolution =
      f.failure === "late_data"
        ? `It has been available since ${formatTimeOnDay(notice.end, zone)}${late}.`
        : `The energy data on ${where} has passed the data-quality checks again since ${formatTimeOnDay(notice.end, zone)}.`;
  }
  return { failure: PROCESS_FAILURES[f.failure], usage_days: days, deadline, problem, resolution };
}
