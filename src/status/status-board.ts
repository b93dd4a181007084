import type { Logger } from "../log/logger.js";
import type { AnnouncedNotice } from "../notices/notice-store.js";
import { PromqlError } from "../report/promql-client.js";
import { announcedStatus } from "./announced-status.js";
import type { StatusFigureSource, StatusFigures } from "./status-figures.js";
import { statusSnapshot, type StatusSnapshot } from "./status-snapshot.js";

/** Figures are computed at most this often; a failed attempt waits as long before the next. */
export const FIGURES_MAX_AGE_MS = 60_000;
/** The sent notices the Atom feed carries (newest first). */
export const FEED_ENTRIES = 50;

/** What the board reads of the notifier's store (NoticeStoreReader, read-only). */
export interface AnnouncedNoticeSource {
  announcedNotices(limit: number): { recent: AnnouncedNotice[]; latestPerIncident: AnnouncedNotice[] };
}

/**
 * The public status: the announced notices read from the store on each request (a few rows), the
 * figures from Prometheus at most once a minute (one refresh at a time, shared by the requests
 * waiting for it). When a refresh fails the last figures stay, marked stale with their age, and the
 * failure is logged in full while the public text never names an internal address.
 */
export class StatusBoard {
  private figures?: StatusFigures;
  private failure?: { atMs: number; reason: string };
  private lastAttemptMs = Number.NEGATIVE_INFINITY;
  private refreshing?: Promise<void>;

  constructor(
    private readonly o: {
      figureSource: Pick<StatusFigureSource, "figures">;
      notices: AnnouncedNoticeSource;
      now: () => number;
      logger?: Logger;
      maxAgeMs?: number;
    },
  ) {}

  async snapshot(): Promise<StatusSnapshot> {
    await this.refreshIfOld();
    const nowMs = this.o.now();
    const { latestPerIncident } = this.o.notices.announcedNotices(0);
    return statusSnapshot(nowMs, announcedStatus(latestPerIncident, nowMs), this.figures, this.failure);
  }

  /** The newest sent notices, for the Atom feed. */
  recentNotices(): AnnouncedNotice[] {
    return this.o.notices.announcedNotices(FEED_ENTRIES).recent;
  }

  private async refreshIfOld(): Promise<void> {
    if (this.o.now() - this.lastAttemptMs < (this.o.maxAgeMs ?? FIGURES_MAX_AGE_MS)) return this.refreshing;
    this.lastAttemptMs = this.o.now();
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(): Promise<void> {
    const atMs = this.o.now();
    try {
      this.figures = await this.o.figureSource.figures(atMs);
      this.failure = undefined;
    } catch (err) {
      const reason = err instanceof PromqlError ? "the monitoring data (Prometheus) could not be read" : "the figures could not be computed";
      this.failure = { atMs, reason };
      this.o.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, "status figures not refreshed");
      if (!(err instanceof PromqlError)) this.o.logger?.error({ err }, "status figures: unexpected error");
    }
  }
}
