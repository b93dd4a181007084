import { ConcurrencyLimit } from "./concurrency-limit.js";
import { armTimer, checkedPeriod } from "./timer.js";

/**
 * The one scheduler of the exporter: the checks (probes) and the periodic tasks (energy-data
 * checks, figure sources) all run here. Each job runs
 * - at a fixed rate: a run is due one interval after the previous one was due, whatever the runs
 *   take (no drift);
 * - from a random offset inside its first interval, so 1,000 jobs do not all start at once;
 * - never overlapping itself: a run that comes due while the previous one is still going is
 *   skipped, and so is every slot missed while the process was behind; each is reported to onSkip;
 * - optionally, at most `maxConcurrency` runs at once (the rest wait in arrival order).
 * A reload (set) starts new jobs, aborts removed ones and keeps the phase of kept ones; a kept job
 * whose interval changed starts afresh from a new random offset.
 *
 * What a run does, and what the time is, are injected: the runner, and a clock with its timers
 * (tests use a fake clock: test/support/fake-clock.ts). The hot path (a timer firing, a run
 * starting) allocates only the run's AbortController and its promise.
 */

/** A job: its name is unique among the jobs of one scheduler. */
export interface ScheduledJob {
  readonly name: string;
  readonly intervalMs: number;
}

/** The time as the scheduler sees it: now, a random number for the start offsets, one-shot timers. */
export interface SchedulerClock {
  now(): number;
  /** In [0, 1): where in its first interval a job starts. */
  random(): number;
  /** Calls `fire` once after `delayMs`; returns a handle for clearTimer. */
  setTimer(delayMs: number, fire: () => void): unknown;
  clearTimer(handle: unknown): void;
}

/** The real clock: Date.now, Math.random and armTimer (unref'd timers do not keep the process alive). */
export function systemClock(
  options: { unref?: boolean } = {},
  time: { now(): number; random(): number } = { now: Date.now, random: Math.random },
): SchedulerClock {
  const timerOptions = { unref: options.unref === true };
  return {
    now: () => time.now(),
    random: () => time.random(),
    setTimer: (delayMs, fire) => armTimer(delayMs, fire, timerOptions),
    clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

export interface FixedRateSchedulerOptions<J extends ScheduledJob> {
  /** One run of a job; `signal` aborts when the job is removed or the scheduler stops; `dueMs` is when it was due. */
  run(job: J, signal: AbortSignal, dueMs: number): Promise<void>;
  /** A run that did not start: the previous one was still going, or its slot passed while the scheduler was behind. */
  onSkip?(job: J): void;
  /** A run that threw (a bug in the runner: runners report their own failures). */
  onError?(job: J, error: unknown): void;
  /** At most this many runs at once; no limit when absent. */
  maxConcurrency?: number;
  clock?: SchedulerClock;
}

interface Slot<J> {
  job: J;
  nextDue: number;
  timer: unknown;
  running: Promise<void> | undefined;
  abort: AbortController | undefined;
  /** Bound once per job, not per run. */
  readonly fire: () => void;
}

export class FixedRateScheduler<J extends ScheduledJob> {
  private readonly slots = new Map<string, Slot<J>>();
  private readonly clock: SchedulerClock;
  private readonly runner: (job: J, signal: AbortSignal, dueMs: number) => Promise<void>;
  private readonly onSkip: ((job: J) => void) | undefined;
  private readonly onError: ((job: J, error: unknown) => void) | undefined;
  private limit: ConcurrencyLimit | undefined;
  private stopped = false;

  constructor(options: FixedRateSchedulerOptions<J>) {
    this.clock = options.clock ?? systemClock();
    this.runner = options.run;
    this.onSkip = options.onSkip;
    this.onError = options.onError;
    if (options.maxConcurrency !== undefined) this.limit = new ConcurrencyLimit(options.maxConcurrency);
  }

  /** Changes the concurrency limit (runs already waiting start as soon as it allows). */
  setMaxConcurrency(maxConcurrency: number): void {
    if (this.limit) this.limit.setLimit(maxConcurrency);
    else this.limit = new ConcurrencyLimit(maxConcurrency);
  }

  /** Runs in flight (holding a place under the concurrency limit); 0 without a limit. */
  get inFlight(): number {
    return this.limit?.inUse ?? 0;
  }

  /** Replaces the jobs: new ones start, removed ones stop (aborted), kept ones keep their phase. */
  set(jobs: readonly J[]): void {
    if (this.stopped) return;
    // Every period must fit a timer before anything changes (the config ranges make sure it does).
    for (const job of jobs) checkedPeriod(job.intervalMs);
    const names = new Set(jobs.map((job) => job.name));
    for (const [name, slot] of this.slots) {
      if (!names.has(name)) {
        this.clock.clearTimer(slot.timer);
        slot.abort?.abort();
        this.slots.delete(name);
      }
    }
    const now = this.clock.now();
    for (const job of jobs) {
      const slot = this.slots.get(job.name);
      if (slot) {
        const intervalChanged = slot.job.intervalMs !== job.intervalMs;
        slot.job = job;
        if (intervalChanged) this.arm(slot, now + this.clock.random() * job.intervalMs);
      } else {
        const fresh: Slot<J> = { job, nextDue: 0, timer: undefined, running: undefined, abort: undefined, fire: () => this.fire(fresh) };
        this.slots.set(job.name, fresh);
        this.arm(fresh, now + this.clock.random() * job.intervalMs);
      }
    }
  }

  get size(): number {
    return this.slots.size;
  }

  /** When a job's next run is due (clock milliseconds), or undefined for an unknown job. */
  nextDue(name: string): number | undefined {
    return this.slots.get(name)?.nextDue;
  }

  /** Runs a job now, outside its rhythm (which it keeps), unless it is running; resolves when that run is done. */
  runNow(name: string): Promise<void> {
    const slot = this.slots.get(name);
    if (!slot || this.stopped) return Promise.resolve();
    return slot.running ?? this.start(slot, this.clock.now());
  }

  /** Runs every job now (see runNow); resolves when all are done. */
  async runAll(): Promise<void> {
    await Promise.all([...this.slots.keys()].map((name) => this.runNow(name)));
  }

  /** Stops all timers, aborts the runs in flight and waits for them to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    const running: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      this.clock.clearTimer(slot.timer);
      slot.abort?.abort();
      if (slot.running) running.push(slot.running);
    }
    this.slots.clear();
    await Promise.allSettled(running);
  }

  private arm(slot: Slot<J>, due: number): void {
    this.clock.clearTimer(slot.timer);
    slot.nextDue = due;
    slot.timer = this.clock.setTimer(Math.max(0, due - this.clock.now()), slot.fire);
  }

  private fire(slot: Slot<J>): void {
    if (this.stopped || this.slots.get(slot.job.name) !== slot) return;
    const due = slot.nextDue;
    const interval = slot.job.intervalMs;
    const now = this.clock.now();
    // Fixed rate: the next run is one interval after this one was due; slots already past are skipped.
    let missed = now > due ? Math.floor((now - due) / interval) : 0;
    this.arm(slot, due + (missed + 1) * interval);
    if (this.onSkip) for (; missed > 0; missed--) this.onSkip(slot.job);
    if (slot.running) {
      this.onSkip?.(slot.job);
      return;
    }
    void this.start(slot, due);
  }

  private start(slot: Slot<J>, due: number): Promise<void> {
    const abort = new AbortController();
    slot.abort = abort;
    const running = this.execute(slot, abort, due);
    // A run that already ended (it threw before its first await) has cleared its slot.
    if (slot.abort === abort) slot.running = running;
    return running;
  }

  private async execute(slot: Slot<J>, abort: AbortController, due: number): Promise<void> {
    const limit = this.limit;
    if (limit) await limit.acquire();
    try {
      if (!abort.signal.aborted) await this.runner(slot.job, abort.signal, due);
    } catch (err) {
      this.onError?.(slot.job, err);
    } finally {
      limit?.release();
      if (slot.abort === abort) {
        slot.running = undefined;
        slot.abort = undefined;
      }
    }
  }
}
