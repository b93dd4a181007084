import { MAX_TIMER_DELAY_MS } from "../config/duration.js";

/**
 * The one place that arms timers. Node.js cannot hold a delay over 2^31-1 ms (about 24.8 days): it
 * warns and fires after 1 ms instead, which turns a periodic job into a tight loop. The config
 * ranges (src/config/schema-parts.ts) keep every configured delay far below that; a delay outside
 * 0..MAX_TIMER_DELAY_MS reaching here is a bug, and is refused rather than clamped.
 */
export class TimerDelayError extends Error {
  constructor(readonly delayMs: number) {
    super(`bug: timer delay ${delayMs} ms is outside 0..${MAX_TIMER_DELAY_MS} ms (Node would fire it after 1 ms)`);
    this.name = "TimerDelayError";
  }
}

export interface TimerOptions {
  /** Do not keep the process alive for this timer. */
  unref?: boolean;
}

/** Throws TimerDelayError unless `delayMs` is a delay a timer can hold (for periods checked up front). */
export function checkedDelay(delayMs: number): number {
  if (!Number.isFinite(delayMs) || delayMs < 0 || delayMs > MAX_TIMER_DELAY_MS) throw new TimerDelayError(delayMs);
  return delayMs;
}

/** Runs `fire` once after `delayMs` (0..MAX_TIMER_DELAY_MS); throws TimerDelayError otherwise. */
export function armTimer(delayMs: number, fire: () => void, options: TimerOptions = {}): NodeJS.Timeout {
  const timer = setTimeout(fire, checkedDelay(delayMs));
  if (options.unref) timer.unref();
  return timer;
}

/** Throws TimerDelayError unless `periodMs` is a period a timer can repeat (1..MAX_TIMER_DELAY_MS). */
export function checkedPeriod(periodMs: number): number {
  if (!(periodMs >= 1)) throw new TimerDelayError(periodMs);
  return checkedDelay(periodMs);
}

/** Runs `fire` every `periodMs` (1..MAX_TIMER_DELAY_MS); throws TimerDelayError otherwise. */
export function armRepeatingTimer(periodMs: number, fire: () => void, options: TimerOptions = {}): NodeJS.Timeout {
  const timer = setInterval(fire, checkedPeriod(periodMs));
  if (options.unref) timer.unref();
  return timer;
}

/** Resolves after `delayMs` (for waits between polls). */
export function delay(delayMs: number, options: TimerOptions = {}): Promise<void> {
  return new Promise((resolve) => armTimer(delayMs, resolve, options));
}

/** A signal that aborts after `delayMs`, like AbortSignal.timeout, with the same check. */
export function timeoutSignal(delayMs: number): AbortSignal {
  const controller = new AbortController();
  armTimer(delayMs, () => controller.abort(new DOMException(`timed out after ${delayMs} ms`, "TimeoutError")), { unref: true });
  return controller.signal;
}
