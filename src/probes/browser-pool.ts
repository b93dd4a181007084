import type { BrowserKind, BrowserProbeSettings } from "../config/browser-settings-schema.js";
import { ConcurrencyLimit } from "../scheduler/concurrency-limit.js";
import type { BrowserDriver } from "./browser-driver.js";
import { LazyBrowserDriver } from "./lazy-browser-driver.js";
import { MemoryBoundDriver } from "./memory-bound-driver.js";
import { MiB } from "../config/byte-count.js";
import { DEFAULT_BROWSER_MEMORY_LIMIT_MIB } from "./browser-memory.js";
import { BROWSER_CLOSE_TIMEOUT_MS, settledWithin } from "./browser-close.js";

/** At most this many pages open at once across all browser checks (each page costs tens of MB and CPU). */
export const BROWSER_MAX_PAGES = 4;

/** One driver (one browser process) per kind, shared by every browser check of the process. */
const drivers = new Map<BrowserKind, BrowserDriver>();
/** The engines are loaded when a check first uses them (lazy-browser-driver.ts: a CPU-second of start-up otherwise). */
const DRIVER_FACTORIES: Record<BrowserKind, () => BrowserDriver> = {
  chromium: () =>
    new MemoryBoundDriver(
      new LazyBrowserDriver("chromium", async () => new (await import("./chromium-driver.js")).ChromiumDriver()),
      () => browserMemoryLimit,
      reportRestart,
    ),
  firefox: () =>
    new MemoryBoundDriver(
      new LazyBrowserDriver("firefox", async () => new (await import("./firefox-driver.js")).FirefoxDriver()),
      () => browserMemoryLimit,
      reportRestart,
    ),
};

let browserMemoryLimit = DEFAULT_BROWSER_MEMORY_LIMIT_MIB * MiB;
let reportRestarts: ((kind: BrowserKind, residentMiB: number) => void) | undefined;
const reportRestart = (kind: BrowserKind, bytes: number) => reportRestarts?.(kind, Math.round(bytes / MiB));

/**
 * Sets the bound (MiB) on each browser kind's resident memory (the exporter's --browser.memory-limit), and who
 * hears of a restart (the exporter logs it). A process-wide setting, like the browsers themselves.
 */
export function setBrowserMemoryLimit(mib: number, onRestart?: (kind: BrowserKind, residentMiB: number) => void): void {
  browserMemoryLimit = mib * MiB;
  if (onRestart) reportRestarts = onRestart;
}

/** Restarts for the memory bound so far, per browser kind in use (tests, the bench). */
export function browserMemoryRestarts(kind: BrowserKind): number {
  const driver = drivers.get(kind);
  return driver instanceof MemoryBoundDriver ? driver.restarts : 0;
}

/**
 * Each browser kind in use (its driver made) and its restarts for the memory bound so far: the exporter's
 * smt_browser_memory_restarts_total.
 */
export function browserMemoryRestartCounts(): [BrowserKind, number][] {
  return [...drivers.entries()].map(([kind, driver]) => [kind, driver instanceof MemoryBoundDriver ? driver.restarts : 0]);
}

/** The cap on concurrent pages; browser checks over it wait in arrival order (inside their own timeout). */
export const browserPages = new ConcurrencyLimit(BROWSER_MAX_PAGES);

export function browserDriver(kind: BrowserKind): BrowserDriver {
  let driver = drivers.get(kind);
  if (!driver) {
    driver = DRIVER_FACTORIES[kind]();
    drivers.set(kind, driver);
  }
  return driver;
}

/**
 * Starts the browsers the checks use before their first run, so that a browser's start (a second or more on a
 * busy machine) is not charged to a check's timeout. A browser that cannot start is reported by the checks.
 */
export async function startBrowsers(uses: Iterable<BrowserUse>): Promise<void> {
  const distinct = new Map([...uses].map((u) => [`${u.browser} ${u.insecure_skip_verify}`, u]));
  await Promise.all(
    [...distinct.values()].map((u) =>
      browserDriver(u.browser)
        .start({ ignoreHttpsErrors: u.insecure_skip_verify })
        .catch(() => {}),
    ),
  );
}

/** What starting a check's browser depends on: its kind and whether it checks the site's certificate. */
export type BrowserUse = Pick<BrowserProbeSettings, "browser" | "insecure_skip_verify">;

/** Work on pages that outlives a run's result (the evidence of a timed-out run): closing the browsers waits for it. */
const lingering = new Set<Promise<unknown>>();

/** Lets `work` finish before the browsers close; it must settle on its own (it is bounded by its own timeouts). */
export function finishBeforeClose(work: Promise<unknown>): void {
  const held = work.catch(() => {}).finally(() => lingering.delete(held));
  lingering.add(held);
}

/**
 * Closes every browser process (exporter shutdown, end of a CLI probe, tests), after the lingering page work:
 * that wait, and each browser's own close, are bounded by `timeoutMs` (a browser still there is killed). Returns
 * the kinds that had to be killed (the exporter logs them).
 */
export async function closeBrowsers(timeoutMs = BROWSER_CLOSE_TIMEOUT_MS): Promise<BrowserKind[]> {
  await settledWithin(Promise.all([...lingering]), timeoutMs);
  const all = [...drivers.values()];
  drivers.clear();
  const outcomes = await Promise.all(all.map(async (d) => ({ kind: d.kind, outcome: await d.close(timeoutMs) })));
  return outcomes.filter((o) => o.outcome === "killed").map((o) => o.kind);
}
