import type { SchedulerClock } from "../../src/scheduler/fixed-rate-scheduler.js";

interface FakeTimer {
  at: number;
  seq: number;
  fire: () => void;
}

/** Lets pending promise callbacks run (one turn of the real event loop; no time passes on the fake clock). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock for the scheduler's tests: time moves only when the test says so (advance), timers fire
 * in order of their due time, and random() returns what the test queued.
 */
export class FakeClock implements SchedulerClock {
  private nowMs: number;
  private seq = 0;
  private readonly timers = new Set<FakeTimer>();
  private readonly randoms: number[] = [];

  constructor(
    startMs = 0,
    private fallbackRandom = 0,
  ) {
    this.nowMs = startMs;
  }

  now = (): number => this.nowMs;

  /** The next values random() returns, in order; then `fallback`. */
  queueRandom(...values: number[]): void {
    this.randoms.push(...values);
  }

  random = (): number => this.randoms.shift() ?? this.fallbackRandom;

  setTimer = (delayMs: number, fire: () => void): unknown => {
    const timer: FakeTimer = { at: this.nowMs + delayMs, seq: this.seq++, fire };
    this.timers.add(timer);
    return timer;
  };

  clearTimer = (handle: unknown): void => {
    this.timers.delete(handle as FakeTimer);
  };

  /** Resolves after `ms` of fake time (for runners that take time). */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.setTimer(ms, resolve);
      signal?.addEventListener(
        "abort",
        () => {
          this.clearTimer(timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves the time forward by `ms`, firing every timer due on the way (at its own time), settling after each. */
  async advance(ms: number): Promise<void> {
    const end = this.nowMs + ms;
    await settle();
    for (;;) {
      let next: FakeTimer | undefined;
      for (const t of this.timers) if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (!next) break;
      this.timers.delete(next);
      this.nowMs = Math.max(this.nowMs, next.at);
      next.fire();
      await settle();
    }
    this.nowMs = end;
    await settle();
  }

  /** Moves the time forward without firing anything (a process that was stalled, timers late). */
  jump(ms: number): void {
    this.nowMs += ms;
  }
}
