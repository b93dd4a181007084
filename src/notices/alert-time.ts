/**
 * Time stamps that arrive in an Alertmanager payload, and which of them the notifier believes.
 *
 * - `startsAt` / `endsAt` are RFC 3339 as Go writes them ("2026-05-14T14:40:00.123456789Z",
 *   "…-05:00"); nothing looser (`Date.parse` takes "12" as December 2001). `endsAt` may be
 *   Alertmanager's zero time "0001-01-01T00:00:00Z": a firing alert has no end yet.
 * - Both must lie in the window around the time of receipt: at most `MAX_ALERT_AGE_MS` before it
 *   and at most `MAX_CLOCK_SKEW_MS` after it. A payload with a time stamp outside is refused
 *   whole (400) before anything is stored: Alertmanager makes them from its own clock, so one
 *   outside the window comes from a broken clock or from something that is not Alertmanager, and
 *   there is no date to put in a market notice that would not be made up.
 * - The Unix-seconds annotations from our rules (`outage_start_timestamp`, `window_end_timestamp`)
 *   must be a plain number in the same window; otherwise the alert's `startsAt` is the outage
 *   start and the draft carries a note for the reviewer (`annotationTime`).
 *
 * Every function is pure in the time of receipt it is given.
 */

/** How far before the time of receipt a start or end may lie: longer than any outage we expect. */
export const MAX_ALERT_AGE_MS = 90 * 86_400_000;
/** How far after the time of receipt: the clock difference tolerated between Prometheus, Alertmanager and us. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Alertmanager's "not set" (Go's zero time.Time). */
export const ALERT_ZERO_TIME = "0001-01-01T00:00:00Z";

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** Milliseconds since the epoch of an RFC 3339 date-time (section 5.6), or undefined for anything else. */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  // 60 is a leap second (RFC 3339 allows it); it is counted as the last millisecond of its minute.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offsetMinutes = 0;
  if (!m[8]) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), second === 60 ? 999 : Math.floor(Number(`0${m[7] ?? ""}`) * 1000));
  return date.getTime() - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export interface AlertTimeWindow {
  earliest: number;
  latest: number;
}

export function alertTimeWindow(receivedAt: number): AlertTimeWindow {
  return { earliest: receivedAt - MAX_ALERT_AGE_MS, latest: receivedAt + MAX_CLOCK_SKEW_MS };
}

const inWindow = (ms: number, w: AlertTimeWindow) => ms >= w.earliest && ms <= w.latest;

function describeWindow(w: AlertTimeWindow): string {
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, "Z");
  return `a time between ${iso(w.earliest)} (${MAX_ALERT_AGE_MS / 86_400_000} days before receipt) and ${iso(w.latest)} (${MAX_CLOCK_SKEW_MS / 60_000} minutes after)`;
}

/**
 * What is wrong with the times of a payload that passed the schema (so every time stamp is RFC
 * 3339), one message per field, naming it: empty when the payload may be stored.
 */
export function alertTimeProblems(alerts: readonly { startsAt: string; endsAt?: string | undefined }[], receivedAt: number): string[] {
  const window = alertTimeWindow(receivedAt);
  const problems: string[] = [];
  alerts.forEach((alert, i) => {
    const startsAt = parseRfc3339(alert.startsAt);
    if (startsAt !== undefined && !inWindow(startsAt, window))
      problems.push(`alerts[${i}].startsAt: expected ${describeWindow(window)}, got "${alert.startsAt}"`);
    if (alert.endsAt !== undefined && alert.endsAt !== ALERT_ZERO_TIME) {
      const endsAt = parseRfc3339(alert.endsAt);
      if (endsAt !== undefined && !inWindow(endsAt, window))
        problems.push(`alerts[${i}].endsAt: expected "${ALERT_ZERO_TIME}" (not ended) or ${describeWindow(window)}, got "${alert.endsAt}"`);
    }
  });
  return problems;
}

/** The moment a time stamp of a validated payload names; undefined for the zero time (not set). */
export function alertTime(text: string | undefined): number | undefined {
  if (text === undefined || text === ALERT_ZERO_TIME) return undefined;
  return parseRfc3339(text);
}

const UNIX_SECONDS = /^\d{1,12}(\.\d{1,9})?$/;

/**
 * A Unix-seconds annotation (whole seconds) when it is a plain number inside the window around
 * the time of receipt; otherwise why not, for the reviewer's note (the value is quoted only when
 * it is a short number: an annotation can be anything).
 */
export function annotationTime(text: string | undefined, receivedAt: number): { seconds: number } | { problem: string } | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (!UNIX_SECONDS.test(trimmed)) return { problem: "is not a number of Unix seconds" };
  const seconds = Math.floor(Number(trimmed));
  if (!Number.isFinite(seconds) || !inWindow(seconds * 1000, alertTimeWindow(receivedAt))) {
    return { problem: `"${trimmed}" is not ${describeWindow(alertTimeWindow(receivedAt))}` };
  }
  return { seconds };
}
