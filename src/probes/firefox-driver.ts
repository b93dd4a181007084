import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { TimeoutError, type Browser, type Page } from "puppeteer-core";
import { maskExpression } from "./browser-evidence.js";
import { downloadExpression, downloadOutcome, type DownloadOutcome } from "./browser-download.js";
import { firstLine, REQUEST_ABORTED, StepError, type BrowserDriver, type BrowserSession, type CloseOutcome, type SessionOptions } from "./browser-driver.js";
import { NAVIGATION_TIMING_EXPRESSION } from "./navigation-timing.js";
import { browserMemoryBytes } from "./browser-memory.js";
import { BROWSER_CLOSE_TIMEOUT_MS, closeOrKill } from "./browser-close.js";

/** Debian's Firefox ESR (scripts/setup.sh installs it); SMT_FIREFOX names another binary. Never a downloaded browser. */
export const FIREFOX_EXECUTABLE = process.env.SMT_FIREFOX ?? "/usr/bin/firefox-esr";

/** Firefox's reason for a request the page gave up on (a navigation away): not the site's failure. */
const FIREFOX_ABORTED = "NS_BINDING_ABORTED";

/** The two trust modes: WebDriver BiDi accepts unchecked certificates per process in puppeteer-core, not per context. */
type Trust = "verify" | "insecure";

/**
 * Firefox ESR driven over WebDriver BiDi by puppeteer-core (playwright's Firefox needs Playwright's patched build,
 * which we do not download). One process per trust mode, started on first use and again after it exited. Each
 * process gets a fresh HOME and profile under the temp directory (Firefox refuses to start, as root in a
 * container, without a writable HOME), removed when it closes.
 */
/**
 * Removes a Firefox HOME, best effort: a Firefox that is still shutting down may write its profile while it is
 * removed (ENOTEMPTY), so the removal retries briefly and then leaves the rest to the removal at the process's exit.
 * Never throws: it runs in event handlers, where a throw would end the exporter.
 */
function removeHome(home: string): void {
  try {
    rmSync(home, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  } catch {
    // Removed again when the process exits; a leftover temp directory is not worth a failed check or a crash.
  }
}

export class FirefoxDriver implements BrowserDriver {
  readonly kind = "firefox" as const;
  private readonly processes = new Map<Trust, Promise<Browser>>();
  /** The temporary HOMEs of the processes started, removed when each process goes and at close. */
  private readonly homes = new Set<string>();

  private launch(trust: Trust): Promise<Browser> {
    let running = this.processes.get(trust);
    if (!running) {
      const home = mkdtempSync(join(tmpdir(), "smt-firefox-"));
      this.homes.add(home);
      const forget = () => {
        if (this.processes.get(trust) === launching) this.processes.delete(trust);
        removeHome(home);
        this.homes.delete(home);
      };
      const launching = puppeteer.launch({
        browser: "firefox",
        executablePath: FIREFOX_EXECUTABLE,
        headless: true,
        userDataDir: join(home, "profile"),
        env: { ...process.env, HOME: home },
        acceptInsecureCerts: trust === "insecure",
        // Nothing phoning home: no updates, telemetry or captive-portal probes.
        extraPrefsFirefox: {
          "app.update.enabled": false,
          "datareporting.policy.dataSubmissionEnabled": false,
          "network.captive-portal-service.enabled": false,
          "network.connectivity-service.enabled": false,
        },
      });
      running = launching;
      this.processes.set(trust, launching);
      launching.then((b) => {
        b.on("disconnected", forget);
        // Firefox may still write its profile while it shuts down: remove the home again once it has exited.
        b.process()?.once("exit", () => removeHome(home));
      }, forget);
    }
    return running;
  }

  async start(options: { ignoreHttpsErrors: boolean }): Promise<void> {
    await this.launch(options.ignoreHttpsErrors ? "insecure" : "verify");
  }

  async openSession(options: SessionOptions): Promise<BrowserSession> {
    const trust: Trust = options.ignoreHttpsErrors ? "insecure" : "verify";
    const open = async () => {
      const running = this.launch(trust);
      const browser = await running;
      try {
        const context = await browser.createBrowserContext();
        return { context, page: await context.newPage() };
      } catch (err) {
        // The process died (killed, crashed) before its disconnect was noticed: forget it, so a new one starts.
        const child = browser.process();
        const gone = !browser.connected || child?.exitCode != null || child?.signalCode != null;
        if (gone && this.processes.get(trust) === running) this.processes.delete(trust);
        throw err;
      }
    };
    const { context, page } = await open().catch(async (err: unknown) => {
      if (this.processes.has(trust)) throw err;
      return open();
    });
    const { events } = options;
    page.on("pageerror", (e) => events.pageError(e instanceof Error ? e.message : String(e)));
    page.on("console", (m) => events.console(m.type(), m.text()));
    page.on("response", (r) => events.response(r.url(), r.status(), r.request().isNavigationRequest()));
    page.on("requestfailed", (r) => {
      const reason = r.failure()?.errorText ?? "failed";
      events.requestFailed(r.url(), reason === FIREFOX_ABORTED ? REQUEST_ABORTED : reason, r.isNavigationRequest());
    });
    return new FirefoxSession(page, () => context.close());
  }

  memoryBytes(): Promise<number | undefined> {
    return Promise.resolve(browserMemoryBytes(FIREFOX_EXECUTABLE));
  }

  async close(timeoutMs = BROWSER_CLOSE_TIMEOUT_MS): Promise<CloseOutcome> {
    const all = [...this.processes.values()];
    this.processes.clear();
    const outcomes = await Promise.all(
      all.map(async (p): Promise<CloseOutcome> => {
        const b = await p.catch(() => undefined);
        if (!b) return "closed";
        // Its content processes end with it.
        return closeOrKill(
          () => b.close(),
          () => b.process()?.kill("SIGKILL"),
          timeoutMs,
        );
      }),
    );
    // The disconnect may be noticed after the process that closes us has gone: remove the homes here too.
    for (const home of this.homes) removeHome(home);
    this.homes.clear();
    return outcomes.includes("killed") ? "killed" : "closed";
  }
}

class FirefoxSession implements BrowserSession {
  constructor(
    private readonly page: Page,
    readonly close: () => Promise<void>,
  ) {}

  async goto(url: string, timeoutMs: number): Promise<number | undefined> {
    const response = await this.page.goto(url, { timeout: timeoutMs, waitUntil: "load" });
    return response?.status();
  }

  fill(selector: string, value: string, timeoutMs: number): Promise<void> {
    return found(`selector ${JSON.stringify(selector)}`, timeoutMs, () => this.page.locator(selector).setTimeout(timeoutMs).fill(value));
  }

  click(selector: string, timeoutMs: number): Promise<void> {
    return found(`selector ${JSON.stringify(selector)}`, timeoutMs, () => this.page.locator(selector).setTimeout(timeoutMs).click());
  }

  waitForSelector(selector: string, timeoutMs: number): Promise<void> {
    return found(`selector ${JSON.stringify(selector)}`, timeoutMs, async () => {
      await this.page.waitForSelector(selector, { timeout: timeoutMs, visible: true });
    });
  }

  waitForText(text: string, timeoutMs: number): Promise<void> {
    return found(`text ${JSON.stringify(text)}`, timeoutMs, async () => {
      await this.page.waitForFunction(`document.body !== null && document.body.innerText.includes(${JSON.stringify(text)})`, {
        timeout: timeoutMs,
        polling: "mutation",
      });
    });
  }

  async download(selector: string, maxBytes: number, timeoutMs: number): Promise<DownloadOutcome> {
    await this.waitForSelector(selector, timeoutMs);
    return downloadOutcome(await this.page.evaluate(downloadExpression(selector, maxBytes, timeoutMs)));
  }

  async screenshot(maskSelectors: readonly string[], timeoutMs: number): Promise<Uint8Array> {
    await this.page.evaluate(maskExpression(maskSelectors));
    return withTimeout(this.page.screenshot({ type: "png" }), timeoutMs);
  }

  navigationTiming(): Promise<unknown> {
    return this.page.evaluate(NAVIGATION_TIMING_EXPRESSION);
  }

  async bodyText(): Promise<string> {
    return String(await this.page.evaluate(`document.body === null ? "" : document.body.innerText`));
  }
}

/** Turns puppeteer's timeout into a StepError; other errors keep their first line only. */
async function found(what: string, timeoutMs: number, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof TimeoutError) throw new StepError(`${what} not found within ${timeoutMs / 1000} s`, true);
    throw new StepError(firstLine((err as Error).message), false);
  }
}

/** Puppeteer's screenshot takes no timeout: the race bounds it. */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
