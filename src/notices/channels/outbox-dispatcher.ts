import type { Logger } from "../../log/logger.js";
import { secretRedactor } from "../../secrets/redactor.js";
import type { NoticeStore, OutboxRow } from "../notice-store.js";
import type { NotifierMetrics } from "../notifier-metrics.js";
import type { DraftAnnouncement, NoticeChannel } from "./notice-channel.js";
import { armTimer } from "../../scheduler/timer.js";

/**
 * Delivers the outbox: every new draft is queued for every channel in the same transaction that
 * stores it, and this loop sends the queued messages afterwards. A failing channel is retried with
 * exponential backoff (capped, with jitter) for as long as it takes; it never blocks the webhook,
 * another channel, or the draft itself. Delivery is at least once: a crash between the send and
 * the commit of "delivered" sends that message again after the restart.
 *
 * Several notifiers may share one store (PostgreSQL): a pass claims the due messages with a lease
 * (claimOutbox), so each message is sent by one of them; the outcome is recorded only while the
 * lease is still this notifier's. A notifier that dies mid-send leaves its messages leased until
 * the lease ends (outbox.lease, longer than any channel's timeout); then another one sends them.
 */
/**
 * The backoff doubles with each failed attempt up to this many times (then max_backoff caps it
 * anyway): keeps 2 ** attempts finite however long a channel has been failing.
 */
export const MAX_BACKOFF_DOUBLINGS = 20;

export interface OutboxSettings {
  initialBackoffMs: number;
  maxBackoffMs: number;
  pollIntervalMs: number;
  /** How long a claimed message is this notifier's before another may send it. */
  leaseMs: number;
  /** This notifier among those sharing the store (the lease owner). */
  owner: string;
}

export class OutboxDispatcher {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  private readonly byName: Map<string, NoticeChannel>;

  constructor(
    private readonly store: NoticeStore,
    channels: readonly NoticeChannel[],
    private readonly settings: OutboxSettings,
    private readonly reviewUrl: (noticeId: string) => string,
    private readonly logger: Logger,
    private readonly metrics: NotifierMetrics,
    private readonly clock: () => number = Date.now,
  ) {
    this.byName = new Map(channels.map((c) => [c.name, c]));
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Runs a pass soon (after a new draft). */
  kick(): void {
    if (!this.stopped) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await Promise.all([...this.byName.values()].map((c) => c.close().catch(() => undefined)));
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = armTimer(
      delayMs,
      () => {
        if (this.running) {
          // A pass is under way: look again when it ends.
          void this.running.then(() => this.schedule(0));
          return;
        }
        this.running = this.pass().finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.settings.pollIntervalMs);
        });
      },
      { unref: true },
    );
  }

  /** One pass over what is due now; each row's outcome is committed on its own. */
  async pass(): Promise<void> {
    let due: OutboxRow[];
    try {
      due = this.store.claimOutbox(this.clock(), this.settings.owner, this.settings.leaseMs);
    } catch (err) {
      this.logger.error({ err }, "cannot read the outbox");
      return;
    }
    await Promise.all(
      groupBy(due, (r) => r.channel).map(async (rows) => {
        // One channel's messages go one after another; channels run side by side.
        for (const row of rows) {
          if (this.stopped) return;
          await this.deliver(row);
        }
      }),
    );
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const channel = this.byName.get(row.channel);
    const notice = this.store.notice(row.notice_id);
    let error: string | undefined;
    if (!channel) error = `channel "${row.channel}" is not configured any more`;
    else if (!notice) error = `notice ${row.notice_id} not found`;
    else {
      const announcement: DraftAnnouncement = {
        noticeId: notice.id,
        kind: notice.kind,
        subject: notice.subject,
        services: notice.services,
        reviewUrl: this.reviewUrl(notice.id),
        createdAt: notice.created_at,
        body: notice.body,
      };
      try {
        await channel.announce(announcement);
      } catch (err) {
        error = secretRedactor.redact((err as Error).message || String(err)).slice(0, 500);
      }
    }
    const now = this.clock();
    try {
      if (error === undefined) {
        if (!this.store.outboxDelivered(row.id, now, this.settings.owner)) this.leaseLost(row);
        this.metrics.channelDeliveries.inc({ channel: row.channel });
        this.logger.info({ channel: row.channel, notice: row.notice_id }, "draft announced");
      } else {
        const backoff = Math.min(this.settings.maxBackoffMs, this.settings.initialBackoffMs * 2 ** Math.min(row.attempts, MAX_BACKOFF_DOUBLINGS));
        const next = now + Math.round(backoff * (0.8 + Math.random() * 0.4));
        if (!this.store.outboxFailed(row.id, next, error, this.settings.owner)) this.leaseLost(row);
        this.metrics.channelFailures.inc({ channel: row.channel });
        this.logger.warn(
          { channel: row.channel, notice: row.notice_id, attempt: row.attempts + 1, retry_at: new Date(next).toISOString(), error },
          "announcing a draft failed; will retry",
        );
      }
    } catch (err) {
      this.logger.error({ err, channel: row.channel, notice: row.notice_id }, "cannot record the outbox outcome; it will be retried");
    }
  }

  /** The lease ended before the outcome was recorded (a send longer than outbox.lease): another notifier may send it too. */
  private leaseLost(row: OutboxRow): void {
    this.logger.warn(
      { channel: row.channel, notice: row.notice_id, lease_ms: this.settings.leaseMs },
      "the outbox lease of this message ended before its outcome was recorded; another notifier may announce it again",
    );
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return [...groups.values()];
}
