import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { BrowserKind } from "../src/config/browser-settings-schema.js";
import { browserProcessIds } from "../src/probes/browser-memory.js";
import { browserDriver, closeBrowsers } from "../src/probes/browser-pool.js";
import { CHROMIUM_EXECUTABLE } from "../src/probes/chromium-driver.js";
import { FIREFOX_EXECUTABLE } from "../src/probes/firefox-driver.js";

/**
 * A wedged browser does not hold up a shutdown (src/probes/browser-close.ts): the browser's process is stopped
 * (SIGSTOP: it answers nothing, as a browser stuck in a CDP or BiDi call would), and closeBrowsers still ends
 * within its bound, killing it. Without the bound the close waits for an answer that never comes (a test
 * teardown ran out of its minute that way in a CI run).
 */
const EXECUTABLE: Record<BrowserKind, string> = { chromium: CHROMIUM_EXECUTABLE, firefox: FIREFOX_EXECUTABLE };
const BOUND_MS = 2_000;

/** Whether the process exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function gone(pids: number[], withinMs: number): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(async () => {
  await closeBrowsers();
});

describe("closing a wedged browser", () => {
  for (const kind of ["chromium", "firefox"] as BrowserKind[]) {
    it(`${kind}: a stopped browser is killed after the bound, and closeBrowsers returns`, async () => {
      await browserDriver(kind).start({ ignoreHttpsErrors: false });
      const pids = browserProcessIds(EXECUTABLE[kind]) ?? [];
      expect(pids.length, `no ${kind} process below this one`).toBeGreaterThan(0);
      // The browser's own process (the first found: the walk lists a process before those below it).
      process.kill(pids[0]!, "SIGSTOP");
      const started = Date.now();
      // It says which browser it had to kill (the exporter logs it, smt-monitor probe prints it).
      expect(await closeBrowsers(BOUND_MS)).toEqual([kind]);
      const took = Date.now() - started;
      // The bound, and some room for the kill on a busy machine; a close that waited for the answer never returns.
      expect(took).toBeGreaterThanOrEqual(BOUND_MS - 50);
      expect(took).toBeLessThan(BOUND_MS + 10_000);
      expect(await gone([pids[0]!], 10_000), `${kind} still running`).toEqual([]);
      expect(await gone(browserProcessIds(EXECUTABLE[kind]) ?? [], 10_000)).toEqual([]);
    }, 60_000);
  }

  it("a browser that closes in time is closed, not killed: closeBrowsers returns well within the bound", async () => {
    await browserDriver("chromium").start({ ignoreHttpsErrors: false });
    const pids = browserProcessIds(CHROMIUM_EXECUTABLE) ?? [];
    expect(pids.length).toBeGreaterThan(0);
    const started = Date.now();
    expect(await closeBrowsers(30_000)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await gone(pids, 10_000)).toEqual([]);
  }, 60_000);
});
