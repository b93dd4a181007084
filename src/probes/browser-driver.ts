import type { BrowserKind } from "../config/browser-settings-schema.js";
import type { DownloadOutcome } from "./browser-download.js";

/**
 * The seam between a browser check (browser.ts) and the library that drives one browser kind: playwright-core
 * for Chromium (chromium-driver.ts), puppeteer-core over WebDriver BiDi for Firefox ESR (firefox-driver.ts). A driver owns one browser process, reused across checks; every run gets
 * a fresh session (a new context: no cookies or storage from the run before).
 */
export interface BrowserDriver {
  readonly kind: BrowserKind;
  /** A fresh context and page; the browser process starts on first use (and again after it died). */
  openSession(options: SessionOptions): Promise<BrowserSession>;
  /** Starts the browser process now, outside any check's timeout (exporter start); rejects when it cannot start. */
  start(options: { ignoreHttpsErrors: boolean }): Promise<void>;
  /**
   * Closes the browser process (shutdown, a restart for the memory bound); kills it when its own close has not
   * ended within `timeoutMs` (browser-close.ts, BROWSER_CLOSE_TIMEOUT_MS by default): "killed" then.
   */
  close(timeoutMs?: number): Promise<CloseOutcome>;
  /** The resident memory of the browser's processes now (browser-memory.ts); undefined when none runs or it cannot be read. */
  memoryBytes(): Promise<number | undefined>;
}

/** How a browser's close ended: on its own, or killed after the bound (browser-close.ts). */
export type CloseOutcome = "closed" | "killed";

export interface SessionOptions {
  ignoreHttpsErrors: boolean;
  /** What the page does while the steps run; the check decides what is a failure. */
  events: PageEvents;
}

/** What a page reports, in the driver's words turned into plain values. */
export interface PageEvents {
  /** An uncaught exception in the page. */
  pageError(message: string): void;
  /** A console message, every type (`error`, `warning`, `log`, …, in the browser's words). */
  console(type: string, text: string): void;
  /** A response; `document` says whether it is a frame's navigation. */
  response(url: string, status: number, document: boolean): void;
  /** A request that got no response (refused, reset), with the browser's reason; REQUEST_ABORTED when the page gave it up. */
  requestFailed(url: string, reason: string, document: boolean): void;
}

/** The reason drivers report for a request the page itself gave up on (a navigation away), in any browser. */
export const REQUEST_ABORTED = "aborted";

/** One run's page. Selectors are CSS; times are milliseconds. Errors are thrown as StepError. */
export interface BrowserSession {
  /** Navigates and waits for the load event; returns the main document's status (undefined: none, e.g. a same-document move). */
  goto(url: string, timeoutMs: number): Promise<number | undefined>;
  fill(selector: string, value: string, timeoutMs: number): Promise<void>;
  click(selector: string, timeoutMs: number): Promise<void>;
  waitForSelector(selector: string, timeoutMs: number): Promise<void>;
  waitForText(text: string, timeoutMs: number): Promise<void>;
  /** Waits for the link, then downloads its target in the page with a size bound (browser-download.ts). */
  download(selector: string, maxBytes: number, timeoutMs: number): Promise<DownloadOutcome>;
  /** Masks what the given fields hold (the fill steps' fields), then a PNG of the page's viewport. */
  screenshot(maskSelectors: readonly string[], timeoutMs: number): Promise<Uint8Array>;
  /** The page's visible text now. */
  bodyText(): Promise<string>;
  /** The page's own Navigation Timing of its current document (NAVIGATION_TIMING_EXPRESSION's answer, unchecked). */
  navigationTiming(): Promise<unknown>;
  close(): Promise<void>;
}

/** A step's action did not complete: `notFound` when its selector or text never appeared in time. */
export class StepError extends Error {
  constructor(
    message: string,
    readonly notFound: boolean,
  ) {
    super(message);
    this.name = "StepError";
  }
}

/** The browsers' messages carry a call log after the first line (Playwright's): only the first line is kept. */
export function firstLine(message: string): string {
  return message.split("\n", 1)[0]!.slice(0, 300);
}
