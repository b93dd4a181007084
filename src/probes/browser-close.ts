import { armTimer } from "../scheduler/timer.js";
import type { CloseOutcome } from "./browser-driver.js";

/**
 * How long a browser's own close may take at shutdown (the exporter's stop, the end of a CLI probe), and how
 * long closing waits for the evidence of timed-out runs, before the browser's processes are killed. A wedged
 * browser (stopped, or a CDP or BiDi answer that never comes) must not hold up a shutdown: a service manager
 * would kill the whole exporter after its own timeout, and a test's teardown ran out of its minute.
 */
export const BROWSER_CLOSE_TIMEOUT_MS = 10_000;

/** Whether `work` settled within `ms` (it goes on either way; its outcome is ignored). */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = armTimer(ms, () => resolve(false))));
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes a browser, or kills it when its close has not ended within `ms`. */
export async function closeOrKill(close: () => Promise<void>, kill: () => void, ms: number): Promise<CloseOutcome> {
  if (await settledWithin(close(), ms)) return "closed";
  kill();
  return "killed";
}
