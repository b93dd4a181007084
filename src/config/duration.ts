/** Prometheus-style durations: "30s", "10m", "1h30m", "26h", "500ms", "7d". */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION_RE = /^((\d+)(ms|s|m|h|d|w))+$/;
const PART_RE = /(\d+)(ms|s|m|h|d|w)/g;

/** The longest text read as a duration: anything longer is not one (and is never scanned). */
export const MAX_DURATION_TEXT = 32;

/**
 * The longest delay a Node.js timer holds (2^31-1 ms, about 24.8 days). A longer one is not kept:
 * Node fires it after 1 ms instead, so a periodic job would run in a tight loop.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Milliseconds of a duration string, or undefined when it is not one, or when a number in it or the
 * total is too large to be an exact integer (a duration is never rounded).
 */
export function parseDuration(text: string): number | undefined {
  if (text.length > MAX_DURATION_TEXT || !DURATION_RE.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(PART_RE)) {
    const count = Number(match[1]);
    const part = count * (UNIT_MS[match[2]!] ?? 0);
    total += part;
    if (!Number.isSafeInteger(count) || !Number.isSafeInteger(part) || !Number.isSafeInteger(total)) return undefined;
  }
  return total;
}

/** A duration in its shortest exact form: 90_000 -> "1m30s", 86_400_000 -> "1d", 500 -> "500ms". */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const unit of ["d", "h", "m", "s", "ms"] as const) {
    const size = UNIT_MS[unit]!;
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return out;
}
