import { z } from "zod";
import { formatDuration, MAX_DURATION_TEXT, MAX_TIMER_DELAY_MS, parseDuration } from "./duration.js";

/**
 * Schema parts shared by every config file (exporter, energy data, market figures, maintenance,
 * notifier): durations and the interval/timeout pair, names, http(s) URLs and secret sources. A
 * leaf module: it imports only zod and the duration parser, so any schema can use it without an
 * import cycle (test/architecture.test.ts).
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
      ms === undefined
        ? DURATION_SHAPE.test(text)
          ? " (too large)"
          : ""
        : ms < minMs
          ? ` (shorter than ${range.min})`
          : ms > maxMs
            ? ` (longer than ${range.max})`
            : range.wholeMinutes && ms % 60_000 !== 0
              ? " (not whole minutes)"
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

/** The ranges of a periodic job's `interval` and of its `timeout` (the hard limit of one run). */
export interface IntervalTimeoutRanges {
  interval: DurationRange;
  timeout: DurationRange;
}

/** The two duration schemas of an interval/timeout pair. */
export function intervalTimeoutSchemas(ranges: IntervalTimeoutRanges) {
  return { interval: durationSchema(ranges.interval), timeout: durationSchema(ranges.timeout) };
}

/**
 * Why a timeout does not fit its interval (a run must end before the next one is due), or
 * undefined when it does: `expected a timeout (2m) no longer than the interval (1m)`.
 */
export function timeoutProblem(timeoutMs: number, intervalMs: number): string | undefined {
  if (timeoutMs <= intervalMs) return undefined;
  return `expected a timeout (${formatDuration(timeoutMs)}) no longer than the interval (${formatDuration(intervalMs)})`;
}

/** The name of a check, step, source, channel or reviewer (a metric label value, a template key). */
export const configName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_.-]*$/, "expected a name of letters, digits, '_', '.' and '-', starting with a letter");

/**
 * An absolute http:// or https:// URL without credentials; `credentialsAdvice` says where the
 * credentials go instead ("use basic_auth or secrets").
 */
export function httpUrlSchema(credentialsAdvice: string) {
  return z.string().superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: "custom", message: `expected an absolute http:// or https:// URL, got "${text}"` });
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: `expected an http:// or https:// URL, got "${url.protocol}"` });
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: `credentials in URLs are not accepted: ${credentialsAdvice}` });
    }
  });
}

/** Where a secret comes from: an environment variable or a file (relative paths: to the config file). */
export const secretSource = z
  .strictObject({ env: z.string().min(1).optional(), file: z.string().min(1).optional() })
  .refine((s) => (s.env === undefined) !== (s.file === undefined), {
    message: "expected exactly one of env or file",
  });
export type SecretSource = z.infer<typeof secretSource>;

/** The fields a secret `key` is never written inline in; zod issues there are mapped by schema-problem.ts. */
export const SECRET_FIELDS = ["password", "bearer_token"] as const;

/** The one message for a secret written inline (it never echoes the value). */
export function inlineSecretMessage(key: string): string {
  return `inline secrets are not accepted: use ${key}_env or ${key}_file`;
}

/**
 * A secret named by an environment variable (`<key>_env`) or a file (`<key>_file`, relative to the
 * config file), never inline (`<key>` is refused with inlineSecretMessage).
 */
export function secretFields<K extends string>(key: K) {
  return {
    [key]: z.undefined({ message: inlineSecretMessage(key) }).optional(),
    [`${key}_env`]: z.string().min(1).optional(),
    [`${key}_file`]: z.string().min(1).optional(),
  } as Record<K | `${K}_env` | `${K}_file`, z.ZodOptional<z.ZodString>>;
}

/** A refinement: exactly one of `<key>_env` and `<key>_file` (at most one when the secret is optional). */
export function exactlyOneSecret(key: string, options: { optional?: boolean } = {}) {
  return (v: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const count = (v[`${key}_env`] !== undefined ? 1 : 0) + (v[`${key}_file`] !== undefined ? 1 : 0);
    if (count > 1 || (count === 0 && !options.optional)) {
      ctx.addIssue({ code: "custom", message: `expected exactly one of ${key}_env or ${key}_file` });
    }
  };
}
