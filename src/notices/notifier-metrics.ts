import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { NOTICE_KINDS } from "./notice-template.js";
import { NOTICE_STATUSES } from "./notice-store.js";
import { VERSION } from "../version.js";
import { NOTIFIER_STORAGE_ERRORS_METRIC, NOTIFIER_STORE_WRITABLE_METRIC } from "./notifier-metric-names.js";

/** How a webhook request ended. */
export const WEBHOOK_OUTCOMES = ["accepted", "bad_request", "unauthorized", "too_large", "unsupported_media_type", "storage_error"] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** What wrote to the store when a storage error happened: a webhook delivery, or the periodic tick (UPDATE drafts, planned notices, heartbeat). */
export const STORAGE_OPERATIONS = ["webhook", "tick"] as const;
export type StorageOperation = (typeof STORAGE_OPERATIONS)[number];

/**
 * The notifier's metrics (docs/notices.md). The gauges that describe the store (drafts by kind
 * and status, pending outbox, overdue planned notices) are read from it at scrape time through
 * `collect`, so they are right after a restart too.
 */
export class NotifierMetrics {
  readonly registry = new Registry();
  readonly webhookRequests: Counter<"outcome">;
  readonly webhookDuration: Histogram;
  readonly draftsCreated: Counter<"kind">;
  readonly notices: Gauge<"kind" | "status">;
  readonly channelDeliveries: Counter<"channel">;
  readonly channelFailures: Counter<"channel">;
  readonly outboxPending: Gauge<"channel">;
  readonly plannedOverdue: Gauge;
  readonly reviewActions: Counter<"action">;
  readonly storageErrors: Counter<"operation">;
  readonly storeWritable: Gauge;

  constructor(collect: {
    noticeCounts(): { kind: string; status: string; n: number }[];
    pendingOutbox(): { channel: string; n: number }[];
    overdue(): number;
    storeWritable(): boolean;
    channels: readonly string[];
  }) {
    const registers = [this.registry];
    // Without a prefix (process_*, nodejs_*), as every Node exporter names them, so standard dashboards work.
    collectDefaultMetrics({ register: this.registry });
    new Gauge({ name: "smt_notifier_build_info", help: "Build information; the value is always 1.", labelNames: ["version", "nodejs_version"], registers }).set(
      { version: VERSION, nodejs_version: process.version },
      1,
    );
    this.webhookRequests = new Counter({
      name: "smt_notifier_webhook_requests_total",
      help: "Alertmanager webhook requests, by outcome.",
      labelNames: ["outcome"],
      registers,
    });
    for (const outcome of WEBHOOK_OUTCOMES) this.webhookRequests.inc({ outcome }, 0);
    this.webhookDuration = new Histogram({
      name: "smt_notifier_webhook_duration_seconds",
      help: "Time to validate, apply and commit one webhook request.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.draftsCreated = new Counter({
      name: "smt_notice_drafts_created_total",
      help: "Notice drafts created by this process, by kind.",
      labelNames: ["kind"],
      registers,
    });
    for (const kind of NOTICE_KINDS) this.draftsCreated.inc({ kind }, 0);
    this.notices = new Gauge({
      name: "smt_notices",
      help: "Notices in the store, by kind and status (draft, approved, sent).",
      labelNames: ["kind", "status"],
      registers,
      collect() {
        this.reset();
        for (const kind of NOTICE_KINDS) for (const status of NOTICE_STATUSES) this.set({ kind, status }, 0);
        for (const row of collect.noticeCounts()) this.set({ kind: row.kind, status: row.status }, row.n);
      },
    });
    this.channelDeliveries = new Counter({
      name: "smt_notice_channel_deliveries_total",
      help: "Draft announcements a channel accepted.",
      labelNames: ["channel"],
      registers,
    });
    this.channelFailures = new Counter({
      name: "smt_notice_channel_failures_total",
      help: "Failed attempts to announce a draft on a channel (each is retried).",
      labelNames: ["channel"],
      registers,
    });
    for (const channel of collect.channels) {
      this.channelDeliveries.inc({ channel }, 0);
      this.channelFailures.inc({ channel }, 0);
    }
    this.outboxPending = new Gauge({
      name: "smt_notice_outbox_pending",
      help: "Draft announcements waiting to be delivered (or retried), by channel.",
      labelNames: ["channel"],
      registers,
      collect() {
        this.reset();
        for (const channel of collect.channels) this.set({ channel }, 0);
        for (const row of collect.pendingOutbox()) this.set({ channel: row.channel }, row.n);
      },
    });
    this.plannedOverdue = new Gauge({
      name: "smt_notice_planned_overdue",
      help: "Planned outages still ahead whose market notice is past its due date (3 business days before) and not approved or sent.",
      registers,
      collect() {
        this.set(collect.overdue());
      },
    });
    this.reviewActions = new Counter({
      name: "smt_notice_review_actions_total",
      help: "Review actions on notices (edit, approve, mark_sent).",
      labelNames: ["action"],
      registers,
    });
    this.storageErrors = new Counter({
      name: NOTIFIER_STORAGE_ERRORS_METRIC,
      help: "Writes to the notice store (SQLite) that failed: disk full, read-only, I/O error, corruption, lock; by operation.",
      labelNames: ["operation"],
      registers,
    });
    for (const operation of STORAGE_OPERATIONS) this.storageErrors.inc({ operation }, 0);
    this.storeWritable = new Gauge({
      name: NOTIFIER_STORE_WRITABLE_METRIC,
      help: "1 when the last write to the notice store committed, 0 when it failed (the notifier then answers /-/ready with 503).",
      registers,
      collect() {
        this.set(collect.storeWritable() ? 1 : 0);
      },
    });
  }
}
