import { z } from "zod";
import { formatDuration, MAX_DURATION_TEXT, MAX_TIMER_DELAY_MS, parseDuration } from "./duration.js";

/**
 * Schema parts shared by every config file (exporter, energy data, market figures, maintenance,
 * notifier). A leaf module: it imports only zod and the duration parser, so any schema can use it
 * without an import cycle.
 */

/** Looks like a duration (digits and units), whatever its size. */
const DURATION_SHAPE = /^(\d+(ms|s|m|h|d|w))+$/;

export interface DurationRange {
  /** The shortest accepted duration, written as in the config ("1s"). */
  min: string;
  /** The longest accepted duration ("24h"). */
  max: string;
  /** The duration arms a timer: max must fit one (MAX_TIMER_DELAY_MS), checked when the schema is built. */
  timer?: boolean;
  /** Only whole minutes ("3h30m", not "90s"). */
  wholeMinutes?: boolean;
  /** Examples for the message; default "30s", "5m" or "1h30m". */
  examples?: string;
}

/** The range of a duration field in milliseconds, for messages and tests. */
export function durationRangeMs(range: DurationRange): { minMs: number; maxMs: number } {
  const minMs = parseDuration(range.min);
  const maxMs = parseDuration(range.max);
  if (minMs === undefined || maxMs === undefined || minMs <= 0 || minMs > maxMs) {
    throw new Error(`bug: invalid duration range ${range.min}..${range.max}`);
  }
  if (range.timer && maxMs > MAX_TIMER_DELAY_MS) {
    throw new Error(`bug: duration range ${range.min}..${range.max} arms a timer longer than ${MAX_TIMER_DELAY_MS} ms`);
  }
  return { minMs, maxMs };
}

/**
 * A duration field ("30s", "1h30m") in milliseconds, within a range. Everything wrong about it (not
 * a duration, a number too large to be exact, out of range, not whole minutes) gets one message
 * stating the range that is enforced, e.g.
 * `expected a duration between 1s and 24h like "30s", "5m" or "1h30m", got "25d"`.
 */
export function durationSchema(range: DurationRange) {
  const { minMs, maxMs } = durationRangeMs(range);
  const what = range.wholeMinutes ? "a duration of whole minutes" : "a duration";
  const expected = `expected ${what} between ${range.min} and ${range.max} like ${range.examples ?? '"30s", "5m" or "1h30m"'}`;
  return z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    const why =
      ms === undefined ? (DURATION_SHAPE.test(text) ? " (too large)" : "")
      : ms < minMs ? ` (shorter than ${range.min})`
      : ms > maxMs ? ` (longer than ${range.max})`
      : range.wholeMinutes && ms % 60_000 !== 0 ? " (not whole minutes)"
      : undefined;
    if (why !== undefined) {
      const shown = text.length > MAX_DURATION_TEXT ? `${text.slice(0, MAX_DURATION_TEXT)}…` : text;
      ctx.addIssue({ code: "custom", message: `${expected}, got "${shown}"${why}` });
      return z.NEVER;
    }
    return ms!;
  });
}

/** "1m30s" for messages that compare two durations (timeout and interval). */
export { formatDuration };
