import { describe, expect, it } from "vitest";
import type { BrowserStep } from "../src/config/browser-settings-schema.js";
import { NavigationTimingRecorder } from "../src/probes/navigation-timing.js";

/**
 * src/probes/navigation-timing.ts: which step a document's Navigation Timing belongs to, given the reads a
 * browser check makes after its steps (test/browser-firefox.test.ts runs it in both browsers).
 */
const steps = {
  login_page: { name: "login_page", goto: "https://portal.example/login" },
  user_id: { name: "user_id", fill: "#username", value: "u" },
  log_in: { name: "log_in", click: "#login" },
  usage_table: { name: "usage_table", wait_for: "#usage-table" },
} as unknown as Record<string, BrowserStep>;

describe("NavigationTimingRecorder", () => {
  it("credits the click's document even when Firefox first shows a transient document with no answer", () => {
    // What Firefox ESR answered right after the log-in click in a failing run: a document with its own
    // time origin and no navigation entry, then the answer's document (an earlier time origin).
    const phases: Record<string, number> = {};
    const timing = new NavigationTimingRecorder(phases);
    expect(timing.wantsReadAfter(steps.login_page!)).toBe(true);
    timing.observe({ document: 1796042510129, ttfb: 86, dom_content_loaded: 448, load: 449 });
    expect(timing.wantsReadAfter(steps.user_id!)).toBe(false);
    expect(timing.wantsReadAfter(steps.log_in!)).toBe(true);
    timing.observe({ document: 1796042512320, ttfb: 0, dom_content_loaded: 0, load: 0 });
    // Still waiting for the click's document: the next step reads again.
    expect(timing.wantsReadAfter(steps.usage_table!)).toBe(true);
    timing.observe({ document: 1796042512250, ttfb: 63, dom_content_loaded: 635, load: 645 });
    expect(phases).toEqual({
      "login_page:ttfb": 0.086,
      "login_page:dom_content_loaded": 0.448,
      "login_page:load": 0.449,
      "log_in:ttfb": 0.063,
      "log_in:dom_content_loaded": 0.635,
      "log_in:load": 0.645,
    });
  });

  it("takes a credited document's load event at a later read, and leaves a document no step loaded alone", () => {
    const phases: Record<string, number> = {};
    const timing = new NavigationTimingRecorder(phases);
    timing.wantsReadAfter(steps.login_page!);
    timing.observe({ document: 1, ttfb: 50, dom_content_loaded: 0, load: 0 });
    expect(phases).toEqual({ "login_page:ttfb": 0.05 });
    expect(timing.wantsReadAfter(steps.user_id!)).toBe(false);
    timing.observe({ document: 1, ttfb: 50, dom_content_loaded: 120, load: 130 });
    // A document nobody waits for (a script's navigation after the last loading step) is not credited.
    timing.observe({ document: 2, ttfb: 10, dom_content_loaded: 20, load: 30 });
    expect(phases).toEqual({ "login_page:ttfb": 0.05, "login_page:dom_content_loaded": 0.12, "login_page:load": 0.13 });
  });
});
