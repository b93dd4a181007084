import { chromium, errors, type Browser, type Page } from "playwright-core";
import { maskExpression } from "./browser-evidence.js";
import { downloadExpression, downloadOutcome, type DownloadOutcome } from "./browser-download.js";
import { firstLine, REQUEST_ABORTED, StepError, type BrowserDriver, type BrowserSession, type CloseOutcome, type SessionOptions } from "./browser-driver.js";
import { NAVIGATION_TIMING_EXPRESSION } from "./navigation-timing.js";
import { browserMemoryBytes, killBrowserProcesses } from "./browser-memory.js";
import { BROWSER_CLOSE_TIMEOUT_MS, closeOrKill } from "./browser-close.js";

/** Debian's Chromium (scripts/setup.sh installs it); SMT_CHROMIUM names another binary. Never a downloaded browser. */
export const CHROMIUM_EXECUTABLE = process.env.SMT_CHROMIUM ?? "/usr/bin/chromium";

/** Flags that work as root in a container, with nothing phoning home (../shared/toolbox.md). */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Chromium driven by playwright-core: one process, started on first use and again after it disconnected. */
export class ChromiumDriver implements BrowserDriver {
  readonly kind = "chromium" as const;
  private browser: Promise<Browser> | undefined;

  private launch(): Promise<Browser> {
    if (!this.browser) {
      const launching = chromium.launch({ executablePath: CHROMIUM_EXECUTABLE, args: CHROMIUM_FLAGS });
      this.browser = launching;
      launching.then(
        (b) =>
          b.on("disconnected", () => {
            if (this.browser === launching) this.browser = undefined;
          }),
        () => {
          if (this.browser === launching) this.browser = undefined;
        },
      );
    }
    return this.browser;
  }

  async start(): Promise<void> {
    await this.launch();
  }

  async openSession(options: SessionOptions): Promise<BrowserSession> {
    const open = async () => {
      const running = this.launch();
      const browser = await running;
      try {
        const context = await browser.newContext({ ignoreHTTPSErrors: options.ignoreHttpsErrors, acceptDownloads: false });
        return { context, page: await context.newPage() };
      } catch (err) {
        // The process died (killed, crashed) before its disconnect was noticed: forget it, so a new one starts.
        if (!browser.isConnected() && this.browser === running) this.browser = undefined;
        throw err;
      }
    };
    const { context, page } = await open().catch(async (err: unknown) => {
      if (this.browser !== undefined) throw err;
      return open();
    });
    const { events } = options;
    const isDocument = (r: { resourceType(): string }) => r.resourceType() === "document";
    page.on("pageerror", (e) => events.pageError(e.message));
    page.on("console", (m) => events.console(m.type(), m.text()));
    page.on("response", (r) => events.response(r.url(), r.status(), isDocument(r.request())));
    page.on("requestfailed", (r) => {
      const reason = r.failure()?.errorText ?? "failed";
      events.requestFailed(r.url(), reason === "net::ERR_ABORTED" ? REQUEST_ABORTED : reason, isDocument(r));
    });
    return new ChromiumSession(page, () => context.close());
  }

  memoryBytes(): Promise<number | undefined> {
    return Promise.resolve(browserMemoryBytes(CHROMIUM_EXECUTABLE));
  }

  async close(timeoutMs = BROWSER_CLOSE_TIMEOUT_MS): Promise<CloseOutcome> {
    const browser = this.browser;
    this.browser = undefined;
    const b = await browser?.catch(() => undefined);
    if (!b) return "closed";
    // playwright does not give the process: its processes are found below this one by executable.
    return closeOrKill(
      () => b.close(),
      () => killBrowserProcesses(CHROMIUM_EXECUTABLE),
      timeoutMs,
    );
  }
}

class ChromiumSession implements BrowserSession {
  constructor(
    private readonly page: Page,
    readonly close: () => Promise<void>,
  ) {}

  async goto(url: string, timeoutMs: number): Promise<number | undefined> {
    const response = await this.page.goto(url, { timeout: timeoutMs, waitUntil: "load" });
    return response?.status();
  }

  fill(selector: string, value: string, timeoutMs: number): Promise<void> {
    return found(`selector ${JSON.stringify(selector)}`, timeoutMs, () => this.page.fill(selector, value, { timeout: timeoutMs }));
  }

  click(selector: string, timeoutMs: number): Promise<void> {
    return found(`selector ${JSON.stringify(selector)}`, timeoutMs, () => this.page.click(selector, { timeout: timeoutMs }));
  }

  waitForSelector(selector: string, timeoutMs: number): Promise<void> {
    return found(`selector ${JSON.stringify(selector)}`, timeoutMs, async () => {
      await this.page.waitForSelector(selector, { timeout: timeoutMs, state: "visible" });
    });
  }

  waitForText(text: string, timeoutMs: number): Promise<void> {
    return found(`text ${JSON.stringify(text)}`, timeoutMs, () => this.page.getByText(text).first().waitFor({ timeout: timeoutMs, state: "visible" }));
  }

  async download(selector: string, maxBytes: number, timeoutMs: number): Promise<DownloadOutcome> {
    await this.waitForSelector(selector, timeoutMs);
    return downloadOutcome(await this.page.evaluate(downloadExpression(selector, maxBytes, timeoutMs)));
  }

  async screenshot(maskSelectors: readonly string[], timeoutMs: number): Promise<Uint8Array> {
    await this.page.evaluate(maskExpression(maskSelectors));
    return this.page.screenshot({ type: "png", timeout: timeoutMs });
  }

  navigationTiming(): Promise<unknown> {
    return this.page.evaluate(NAVIGATION_TIMING_EXPRESSION);
  }

  async bodyText(): Promise<string> {
    return this.page.innerText("body");
  }
}

/** Turns playwright's timeout into a StepError without its call log (which may quote what was typed). */
async function found(what: string, timeoutMs: number, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof errors.TimeoutError) throw new StepError(`${what} not found within ${timeoutMs / 1000} s`, true);
    throw new StepError(firstLine((err as Error).message), false);
  }
}
