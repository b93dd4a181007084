import type { BrowserKind } from "../config/browser-settings-schema.js";
import type { BrowserDriver, BrowserSession, CloseOutcome, SessionOptions } from "./browser-driver.js";

/**
 * A browser driver whose engine (playwright-core for Chromium, puppeteer-core for Firefox) is
 * loaded on first use. Loading either library costs about a CPU-second of module loading, which
 * every exporter and `probe` process paid at start-up whether or not it had a browser check; now
 * only processes with one do. A driver never used is closed without loading anything.
 */
export class LazyBrowserDriver implements BrowserDriver {
  private loaded: Promise<BrowserDriver> | undefined;

  constructor(
    readonly kind: BrowserKind,
    private readonly load: () => Promise<BrowserDriver>,
  ) {}

  private driver(): Promise<BrowserDriver> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  async openSession(options: SessionOptions): Promise<BrowserSession> {
    return (await this.driver()).openSession(options);
  }

  async start(options: { ignoreHttpsErrors: boolean }): Promise<void> {
    return (await this.driver()).start(options);
  }

  async memoryBytes(): Promise<number | undefined> {
    if (!this.loaded) return undefined;
    return (await this.loaded).memoryBytes();
  }

  async close(timeoutMs?: number): Promise<CloseOutcome> {
    if (!this.loaded) return "closed";
    return (await this.loaded).close(timeoutMs);
  }
}
