import type { BrowserKind } from "../config/browser-settings-schema.js";
import type { BrowserDriver, BrowserSession, CloseOutcome, SessionOptions } from "./browser-driver.js";

/**
 * Restarts a browser whose processes grow past a memory bound (a leak in a long-running browser, pages that
 * keep memory after their context closed). Checked when a page closes and no other page of the same browser is
 * open: then the browser process is closed, and the next run starts a new one (inside its own timeout, as after
 * a crash). Runs in flight are never cut short, so with pages always open the restart waits for a quiet moment.
 */
export class MemoryBoundDriver implements BrowserDriver {
  private open = 0;
  private restarting: Promise<void> | undefined;
  /** Restarts done for the bound, for logs and tests. */
  restarts = 0;

  constructor(
    private readonly inner: BrowserDriver,
    /** The bound in bytes, read at each check (the exporter's --browser.memory-limit). */
    private readonly limitBytes: () => number,
    private readonly onRestart: (kind: BrowserKind, bytes: number, limit: number) => void = () => {},
  ) {}

  get kind(): BrowserKind {
    return this.inner.kind;
  }

  async openSession(options: SessionOptions): Promise<BrowserSession> {
    await this.restarting;
    const session = await this.inner.openSession(options);
    this.open++;
    let closed = false;
    const close = session.close.bind(session);
    session.close = async () => {
      if (closed) return close();
      closed = true;
      try {
        await close();
      } finally {
        this.open--;
        if (this.open === 0) await this.checkMemory();
      }
    };
    return session;
  }

  private async checkMemory(): Promise<void> {
    const bytes = await this.inner.memoryBytes();
    const limit = this.limitBytes();
    if (bytes === undefined || bytes <= limit || this.open > 0) return;
    this.restarts++;
    this.onRestart(this.inner.kind, bytes, limit);
    this.restarting = this.inner.close().then(
      () => {},
      () => {},
    );
    await this.restarting;
    this.restarting = undefined;
  }

  start(options: { ignoreHttpsErrors: boolean }): Promise<void> {
    return this.inner.start(options);
  }

  memoryBytes(): Promise<number | undefined> {
    return this.inner.memoryBytes();
  }

  close(timeoutMs?: number): Promise<CloseOutcome> {
    return this.inner.close(timeoutMs);
  }
}
