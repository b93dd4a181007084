/**
 * Wall-clock minute arithmetic shared by the recording rules (src/rules/availability-rules.ts) and the
 * monthly report (src/report/). See docs/slo.md, "How a minute is recorded".
 *
 * Prometheus evaluates a rule group every minute at a fixed offset inside the minute (derived from a
 * hash of the group and its file), so the recording rules do not see wall-clock minutes by
 * themselves. Each evaluation at instant T therefore describes one whole wall-clock minute chosen
 * from T alone: the minute [m, m + 60 s) that ended at least RECORDING_DELAY_SECONDS before T, i.e.
 *
 *     m = floor((T - RECORDING_DELAY_SECONDS) / 60 s) * 60 s - 60 s
 *
 * so the sample recorded for minute m carries a timestamp in [m + 60 s + delay, m + 120 s + delay),
 * whatever the group's offset is. The report relies on exactly that to count the minutes of a month.
 */

export const MINUTE_SECONDS = 60;
const MINUTE_MS = MINUTE_SECONDS * 1000;

/**
 * How long after a minute ends it is evaluated, so that every scrape started inside the minute has been
 * stored (the exporter's scrape_timeout is 10 s). It only delays the recorded series; it never moves a
 * minute boundary.
 */
export const RECORDING_DELAY_SECONDS = 10;
const DELAY_MS = RECORDING_DELAY_SECONDS * 1000;

/** The start (Unix ms) of the wall-clock minute that a minute-state sample recorded at evalMs describes. */
export function recordedMinuteStart(evalMs: number): number {
  return Math.floor((evalMs - DELAY_MS) / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
}

/**
 * The timestamps (Unix ms, both inclusive) of the minute-state samples that describe the minutes
 * starting in [fromMs, toMs); both bounds must be whole minutes.
 */
export function recordedSampleRange(fromMs: number, toMs: number): { firstMs: number; lastMs: number } {
  if (fromMs % MINUTE_MS !== 0 || toMs % MINUTE_MS !== 0) throw new Error(`not whole minutes: ${fromMs}, ${toMs}`);
  if (toMs <= fromMs) throw new Error(`empty range: ${fromMs} >= ${toMs}`);
  return { firstMs: fromMs + MINUTE_MS + DELAY_MS, lastMs: toMs + MINUTE_MS + DELAY_MS - 1 };
}
