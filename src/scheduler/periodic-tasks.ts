import { armTimer, checkedPeriod } from "./timer.js";

/**
 * A few slow periodic tasks (energy-data checks every 15 minutes, figure sources every 5): each runs
 * at a fixed rate from a random offset inside its first interval, never overlaps itself, and is
 * aborted when its timeout runs out or the set changes. (The probes have their own scheduler with
 * a concurrency limit and start-lag metrics: src/scheduler/check-scheduler.ts.)
 */
export interface PeriodicTask {
  /** Unique key; a task with the same key and interval keeps its rhythm across updates. */
  key: string;
  intervalMs: number;
  run(signal: AbortSignal): Promise<void>;
}

interface Slot {
  task: PeriodicTask;
  timer?: NodeJS.Timeout;
  nextDue: number;
  running?: Promise<void>;
  abort?: AbortController;
}

export class PeriodicTasks {
  private readonly slots = new Map<string, Slot>();
  private stopped = false;

  constructor(private readonly clock: { now(): number; random(): number } = { now: Date.now, random: Math.random }) {}

  /** Replaces the tasks: new ones start, removed ones stop (aborted), kept ones keep their rhythm. */
  set(tasks: readonly PeriodicTask[]): void {
    if (this.stopped) return;
    // Every period must fit a timer before anything changes (the config ranges make sure it does).
    for (const task of tasks) checkedPeriod(task.intervalMs);
    const keys = new Set(tasks.map((t) => t.key));
    for (const [key, slot] of this.slots) {
      if (!keys.has(key)) {
        clearTimeout(slot.timer);
        slot.abort?.abort();
        this.slots.delete(key);
      }
    }
    const now = this.clock.now();
    for (const task of tasks) {
      const slot = this.slots.get(task.key);
      if (slot && slot.task.intervalMs === task.intervalMs) {
        slot.task = task;
        continue;
      }
      if (slot) clearTimeout(slot.timer);
      const fresh: Slot = slot ?? { task, nextDue: 0 };
      fresh.task = task;
      this.slots.set(task.key, fresh);
      this.arm(fresh, now + this.clock.random() * task.intervalMs);
    }
  }

  /** Runs every task now (see runNow); resolves when all are done. */
  async runAll(): Promise<void> {
    await Promise.all([...this.slots.keys()].map((key) => this.runNow(key)));
  }

  /** Runs a task now (outside its rhythm) unless it is running; resolves when it is done. */
  async runNow(key: string): Promise<void> {
    const slot = this.slots.get(key);
    if (!slot) return;
    if (slot.running) return slot.running;
    await this.start(slot);
  }

  private arm(slot: Slot, due: number): void {
    slot.nextDue = due;
    slot.timer = armTimer(Math.max(0, due - this.clock.now()), () => {
      if (this.stopped || this.slots.get(slot.task.key) !== slot) return;
      const interval = slot.task.intervalMs;
      let next = slot.nextDue + interval;
      const now = this.clock.now();
      if (next <= now) next = now + interval - ((now - slot.nextDue) % interval);
      this.arm(slot, next);
      if (!slot.running) void this.start(slot);
    }, { unref: true });
  }

  private start(slot: Slot): Promise<void> {
    const abort = new AbortController();
    slot.abort = abort;
    const running = slot.task
      .run(abort.signal)
      .catch(() => {})
      .finally(() => {
        if (slot.running === running) slot.running = undefined;
      });
    slot.running = running;
    return running;
  }

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
}
