import type { BrowserStep } from "../config/browser-settings-schema.js";

/**
 * The browser's own timing of the documents a browser check loads (W3C Navigation Timing Level 2, the
 * page's `PerformanceNavigationTiming` entry), beside each step's phase: for every step that can load a
 * document (`goto`, and `click`, which may submit a form), three phases named `<step>:<timing>`, each the
 * time from the navigation's start (its `startTime`, 0):
 * - `ttfb`: until the first byte of the answer (`responseStart`: redirects, DNS, connect, TLS, request and
 *   the server's think time);
 * - `dom_content_loaded`: until the DOMContentLoaded handlers ended (`domContentLoadedEventEnd`);
 * - `load`: until the load handlers ended (`loadEventEnd`).
 * A step's names cannot hold ":" (config names are letters, digits, `_ . -`), so these never clash with a
 * step's own phase. 0 when the step loaded no document, or the event had not happened by the end of the run.
 */
export const NAVIGATION_TIMINGS = ["ttfb", "dom_content_loaded", "load"] as const;
export type NavigationTimingName = (typeof NAVIGATION_TIMINGS)[number];

/** A step that can load a document: its navigation timing is recorded. */
export function loadsDocument(step: BrowserStep): boolean {
  return "goto" in step || "click" in step;
}

export const navigationPhase = (step: string, timing: NavigationTimingName) => `${step}:${timing}`;

/** A browser check's phases: each step's own, followed by its navigation timing phases when it can load a document. */
export function browserPhases(steps: readonly BrowserStep[]): string[] {
  return steps.flatMap((step) => [step.name, ...(loadsDocument(step) ? NAVIGATION_TIMINGS.map((t) => navigationPhase(step.name, t)) : [])]);
}

/** What the page reports: its document's time origin (a new one per document) and the milliseconds since it. */
export interface NavigationTiming {
  /** performance.timeOrigin: the start of this document's navigation (Unix ms); tells documents apart. */
  document: number;
  ttfb: number;
  dom_content_loaded: number;
  load: number;
}

/** Evaluated in the page by either driver: plain numbers out (0 for an event that has not happened yet). */
export const NAVIGATION_TIMING_EXPRESSION = `(() => {
  const n = performance.getEntriesByType("navigation")[0];
  return { document: performance.timeOrigin, ttfb: n ? n.responseStart : 0, dom_content_loaded: n ? n.domContentLoadedEventEnd : 0, load: n ? n.loadEventEnd : 0 };
})()`;

/** The page's answer checked (a page can redefine `performance`): undefined unless every field is a finite number. */
export function navigationTimingOf(value: unknown): NavigationTiming | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const fields = ["document", ...NAVIGATION_TIMINGS] as const;
  if (!fields.every((f) => typeof v[f] === "number" && Number.isFinite(v[f]) && v[f] >= 0)) return undefined;
  return { document: v.document as number, ttfb: v.ttfb as number, dom_content_loaded: v.dom_content_loaded as number, load: v.load as number };
}

/**
 * Attributes documents to the steps that loaded them. The page's timing is read after every `goto` or `click`
 * step, after any step while such a step has not been credited with a document yet (Firefox's click returns
 * before the navigation it starts commits, so its document shows up during the next step), and at the end of
 * the run. A document first seen is credited to the latest `goto` or `click` step still without one; the
 * document's timings are taken again at every later read, so a load event after the step is still recorded.
 * A document with no answer yet (`ttfb` 0: no navigation entry, or no response) is not credited: right after
 * a click that submits a form, Firefox ESR may show a transient document (its own time origin, no navigation
 * entry) before the answer's document commits, and crediting it lost the click's timings.
 * (A click that loads no document stays uncredited; a document a script loads later would be credited to it.)
 */
export class NavigationTimingRecorder {
  private readonly owners = new Map<number, string>();
  private waiting: string | undefined;

  constructor(private readonly phases: Record<string, number>) {}

  /** Whether the page's timing should be read after `step` ran. */
  wantsReadAfter(step: BrowserStep): boolean {
    if (loadsDocument(step)) this.waiting = step.name;
    return this.waiting !== undefined;
  }

  /** The timing read after a step (undefined when it could not be read). */
  observe(timing: NavigationTiming | undefined): void {
    if (!timing) return;
    let owner = this.owners.get(timing.document);
    if (owner === undefined) {
      if (this.waiting === undefined || timing.ttfb === 0) return;
      owner = this.waiting;
      this.owners.set(timing.document, owner);
    }
    if (owner === this.waiting) this.waiting = undefined;
    for (const t of NAVIGATION_TIMINGS) if (timing[t] > 0) this.phases[navigationPhase(owner, t)] = timing[t] / 1000;
  }
}
