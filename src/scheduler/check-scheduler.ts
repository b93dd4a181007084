import type { ResolvedCheck } from "../config/load.js";
import type { ProbeResult } from "../probes/probe.js";
import { runCheck } from "../probes/run.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";
import { armTimer, checkedPeriod } from "./timer.js";

export interface SchedulerHooks {
  onResult(check: ResolvedCheck, result: ProbeResult, finishedAtMs: number): void;
  onSkip(check: ResolvedCheck): void;
  onStartLag(seconds: number): void;
}

interface Slot {
  check: ResolvedCheck;
  nextDue: number;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  abort?: AbortController;
}

/**
 * Runs every check at its interval, from a random offset inside the first interval (so 1,000 checks
 * do not all start at once), at a fixed rate (no drift), never overlapping a check with itself, and
 * never more than `maxConcurrency` at once.
 */
export class CheckScheduler {
  private readonly slots = new Map<string, Slot>();
  private readonly limit: ConcurrencyLimit;
  private stopped = false;

  constructor(
    maxConcurrency: number,
    private readonly hooks: SchedulerHooks,
    private readonly clock: { now(): number; random(): number } = { now: Date.now, random: Math.random },
  ) {
    this.limit = new ConcurrencyLimit(maxConcurrency);
  }

  /** Replaces the set of checks: new ones start, removed ones stop, kept ones keep their rhythm. */
  setChecks(checks: ResolvedCheck[], maxConcurrency?: number): void {
    // Every period must fit a timer before anything changes (the config ranges make sure it does).
    for (const check of checks) checkedPeriod(check.intervalMs);
    if (maxConcurrency !== undefined) this.limit.setLimit(maxConcurrency);
    const names = new Set(checks.map((c) => c.name));
    for (const [name, slot] of this.slots) {
      if (!names.has(name)) {
        clearTimeout(slot.timer);
        slot.abort?.abort();
        this.slots.delete(name);
      }
    }
    const now = this.clock.now();
    for (const check of checks) {
      const slot = this.slots.get(check.name);
      if (slot) {
        const intervalChanged = slot.check.intervalMs !== check.intervalMs;
        slot.check = check;
        if (intervalChanged) this.arm(slot, now + this.clock.random() * check.intervalMs);
      } else {
        const fresh: Slot = { check, nextDue: 0 };
        this.slots.set(check.name, fresh);
        this.arm(fresh, now + this.clock.random() * check.intervalMs);
      }
    }
  }

  get size(): number {
    return this.slots.size;
  }

  /** Stops all timers, aborts runs in flight and waits for them to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    const running: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      clearTimeout(slot.timer);
      slot.abort?.abort();
      if (slot.running) running.push(slot.running);
    }
    this.slots.clear();
    await Promise.allSettled(running);
  }

  private arm(slot: Slot, due: number): void {
    clearTimeout(slot.timer);
    slot.nextDue = due;
    slot.timer = armTimer(Math.max(0, due - this.clock.now()), () => this.fire(slot));
  }

  private fire(slot: Slot): void {
    if (this.stopped || this.slots.get(slot.check.name) !== slot) return;
    const due = slot.nextDue;
    const interval = slot.check.intervalMs;
    // Fixed rate: the next run is one interval after this one was due; missed slots are skipped.
    let next = due + interval;
    const now = this.clock.now();
    while (next <= now) {
      next += interval;
      this.hooks.onSkip(slot.check);
    }
    this.arm(slot, next);
    if (slot.running) {
      this.hooks.onSkip(slot.check);
      return;
    }
    slot.running = this.run(slot, due).finally(() => {
      slot.running = undefined;
      slot.abort = undefined;
    });
  }

  private async run(slot: Slot, due: number): Promise<void> {
    const abort = new AbortController();
    slot.abort = abort;
    await this.limit.acquire();
    try {
      if (abort.signal.aborted) return;
      this.hooks.onStartLag(Math.max(0, this.clock.now() - due) / 1000);
      const check = slot.check;
      const result = await runCheck(check, { signal: abort.signal, now: this.clock.now });
      if (!abort.signal.aborted) this.hooks.onResult(check, result, this.clock.now());
    } finally {
      this.limit.release();
    }
  }
}
