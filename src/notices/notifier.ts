import type { Server } from "node:http";
import type { Logger } from "../log/logger.js";
import { maintenanceCalendar, type MaintenanceCalendar } from "../maintenance/maintenance-calendar.js";
import { OutboxDispatcher } from "./channels/outbox-dispatcher.js";
import type { NoticeChannel } from "./channels/notice-channel.js";
import { SmtpChannel } from "./channels/smtp-channel.js";
import { WebhookChannel } from "./channels/webhook-channel.js";
import { IncidentLifecycle, type CreatedNotice, type DeliveryResult } from "./incident-lifecycle.js";
import { NoticeStore } from "./notice-store.js";
import { describePostgresFailure, openPostgresNoticeStore } from "./postgres-store.js";
import { postgresStoreName } from "../config/notice-store-location.js";
import { replicaName } from "./replica-name.js";
import { CallCenterOutageBook } from "./call-center-outages.js";
import { recipientSettings } from "./notice-recipients.js";
import type { NoticeWording } from "./notice-render.js";
import type { NotifierConfig } from "../config/notifier-load.js";
import { createNotifierApp } from "./notifier-app.js";
import { NotifierMetrics, type StorageOperation } from "./notifier-metrics.js";
import { describeStoreFailure, isStorageFailure } from "./store-failure.js";
import { overduePlannedNotices, syncPlannedNotices, type PlannedNoticeSettings } from "./planned-notices.js";
import type { WebhookPayload } from "./webhook-payload.js";
import { NOTICE_KINDS, templateKey } from "./notice-template.js";
import type { SeriesNaming } from "./series-id.js";
import { armRepeatingTimer } from "../scheduler/timer.js";
import { serveWeb } from "../web/listen.js";
import { WebSecurity } from "../web/web-security.js";

export interface NotifierOptions {
  config: NotifierConfig;
  logger: Logger;
  /** Overrides the config's listen_address. */
  listenAddress?: { host?: string; port: number };
  clock?: () => number;
  /**
   * --web.config.file: its TLS applies to the whole listener, its basic_auth_users and headers to
   * /metrics and the health endpoints only (the webhook and the review pages keep their own auth).
   */
  webConfigFile?: string;
  /** How often UPDATE cadence and planned notices are checked (default 15 s). */
  tickIntervalMs?: number;
}

/**
 * The notice service: the store, the lifecycle, the outbox and the HTTP server. Each webhook
 * delivery is applied in one transaction before it is answered; a timer makes the UPDATE drafts
 * that are due and keeps the PLANNED drafts in step with the maintenance calendar.
 */
export class Notifier {
  readonly config: NotifierConfig;
  readonly logger: Logger;
  readonly store: NoticeStore;
  /** Call-center outages declared by reviewers, in the store's file (docs/notices.md). */
  readonly callCenterOutages: CallCenterOutageBook;
  /** The webhook's own connection: commits without fsync, then one shared async fsync before the 2xx. */
  readonly deliveryStore: NoticeStore;
  private readonly deliveryLifecycle: IncidentLifecycle;
  readonly metrics: NotifierMetrics;
  readonly calendar: MaintenanceCalendar;
  readonly lifecycle: IncidentLifecycle;
  readonly now: () => number;
  private readonly outbox: OutboxDispatcher;
  private readonly planned: PlannedNoticeSettings;
  private server?: Server;
  /** The web config in force (--web.config.file), if any. */
  readonly security?: WebSecurity;
  private tickTimer?: NodeJS.Timeout;
  private ready = false;
  /** The last failed write to the store, until a later write commits (then /-/ready says 503). */
  private storeFailure?: { operation: StorageOperation; message: string };
  private pending: { payload: WebhookPayload; rawBody: string; resolve: (r: DeliveryResult) => void; reject: (e: unknown) => void }[] = [];
  private flushScheduled = false;

  constructor(private readonly options: NotifierOptions) {
    const config = options.config;
    const raw = config.raw;
    this.config = config;
    this.logger = options.logger;
    this.now = options.clock ?? Date.now;
    // Read before the store is opened: a bad web config is a config error and leaves no file open.
    this.security = WebSecurity.fromFile(options.webConfigFile);
    // Start-up refuses a store it cannot use (not SQLite, corrupt, locked, read-only, unreachable, newer): NoticeStoreError.
    if (config.store.kind === "postgres") {
      // One session: a COMMIT that returned is durable, so the webhook needs no connection of its own.
      this.store = openPostgresNoticeStore(config.store.url, postgresStoreName(config.store.urlEnv), this.now());
      this.deliveryStore = this.store;
    } else {
      this.store = NoticeStore.open(config.storagePath, { verify: true, now: this.now() });
      this.deliveryStore = config.storagePath === ":memory:" ? this.store : NoticeStore.open(config.storagePath, { synchronous: "NORMAL" });
    }
    this.callCenterOutages = new CallCenterOutageBook(this.store.sql, raw.notices.time_zone);
    this.calendar = maintenanceCalendar(config.maintenance);
    const wording: NoticeWording = {
      timeZone: raw.notices.time_zone,
      noticeTypeLabel: raw.notices.notice_type_label,
      intendedAudience: raw.notices.intended_audience,
      contact: raw.notices.contact,
      byService: recipientSettings(raw.notices).byService,
      serviceNames: raw.notices.service_names,
      templates: Object.fromEntries(NOTICE_KINDS.map((kind) => [kind, raw.notices.templates[templateKey(kind)]])) as NoticeWording["templates"],
    };
    const channelNames = raw.channels.map((c) => c.name);
    const lifecycleSettings = {
      wording,
      idPrefix: raw.notices.id_prefix,
      audience: raw.notices.audience_code,
      updateIntervalMs: raw.incidents.update_interval,
      channels: channelNames,
    };
    this.lifecycle = new IncidentLifecycle(this.store, lifecycleSettings);
    this.deliveryLifecycle = new IncidentLifecycle(this.deliveryStore, lifecycleSettings);
    this.planned = {
      minDurationMs: raw.planned_notices.min_duration,
      businessDaysBefore: raw.planned_notices.business_days_before,
      reminderBusinessDaysBefore: raw.planned_notices.reminder_business_days_before,
      completionAfterMs: raw.planned_notices.completion_after,
      lookaheadMs: raw.planned_notices.lookahead,
      includeRecurring: raw.planned_notices.include_recurring,
    };
    this.metrics = new NotifierMetrics({
      noticeCounts: () => this.store.noticeCounts(),
      pendingOutbox: () => this.store.pendingOutbox(),
      overdue: () => overduePlannedNotices(this.store, this.calendar, this.now()).length,
      storeWritable: () => this.storeFailure === undefined,
      channels: channelNames,
    });
    const channels: NoticeChannel[] = raw.channels.map((c) =>
      c.kind === "webhook"
        ? new WebhookChannel({
            name: c.name,
            url: config.channelUrls.get(c.name)!,
            timeoutMs: c.timeout,
            headers: c.headers,
            bearerToken: config.channelSecrets.get(c.name),
          })
        : new SmtpChannel({
            name: c.name,
            host: c.host,
            port: c.port,
            security: c.security,
            username: c.username,
            password: config.channelSecrets.get(c.name),
            from: c.from,
            to: c.to,
            timeoutMs: c.timeout,
            ca: config.channelCa.get(c.name),
            insecureSkipVerify: c.tls.insecure_skip_verify,
          }),
    );
    const base = raw.external_url.replace(/\/+$/, "");
    this.outbox = new OutboxDispatcher(
      this.store,
      channels,
      {
        initialBackoffMs: raw.outbox.initial_backoff,
        maxBackoffMs: raw.outbox.max_backoff,
        pollIntervalMs: raw.outbox.poll_interval,
        leaseMs: raw.outbox.lease,
        owner: replicaName(),
      },
      (id) => `${base}/notices/${encodeURIComponent(id)}`,
      this.logger.child({ component: "outbox" }),
      this.metrics,
      this.now,
    );
  }

  /** Whether the config names a maintenance calendar (`maintenance` or `maintenance_file`). */
  private get hasCalendar(): boolean {
    return this.config.raw.maintenance !== undefined || this.config.raw.maintenance_file !== undefined;
  }

  /** How series ids are made (the first send of a series fixes its id). */
  get seriesNaming(): SeriesNaming {
    return this.lifecycle.naming;
  }

  /** Ready once started, and for as long as the store's last write committed. */
  get isReady(): boolean {
    return this.ready && this.storeFailure === undefined;
  }

  /** Why the notifier is not ready, for /-/ready; undefined when it is. */
  get notReadyReason(): string | undefined {
    if (!this.ready) return "starting or stopping";
    return this.storeFailure?.message;
  }

  private storeFailed(operation: StorageOperation, error: unknown): void {
    this.metrics.storageErrors.inc({ operation });
    const failure =
      this.config.store.kind === "postgres"
        ? describePostgresFailure(this.store.location, error, true)
        : describeStoreFailure(this.config.storagePath, error, true);
    if (this.storeFailure === undefined) this.logger.error({ operation, err: error }, `${failure.message}; not ready until a write commits again`);
    this.storeFailure = { operation, message: failure.message };
  }

  private storeCommitted(): void {
    if (this.storeFailure === undefined) return;
    this.logger.info({ store: this.store.location }, "the notice store commits again; ready");
    this.storeFailure = undefined;
  }

  /**
   * Stores and applies one webhook delivery with group commit: deliveries that arrive together
   * share one transaction (each in its own savepoint), so one fsync covers them all. Resolves only
   * after the commit is on disk; rejects when it is not (the webhook then answers 500).
   */
  submitDelivery(payload: WebhookPayload, rawBody: string): Promise<DeliveryResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ payload, rawBody, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending.splice(0, 512);
    if (this.pending.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    const now = this.now();
    const outcomes: ({ ok: true; result: DeliveryResult } | { ok: false; error: unknown })[] = [];
    try {
      this.deliveryStore.transaction(() => {
        for (const item of batch) {
          try {
            // A nested transaction is a savepoint: a failing delivery rolls back alone.
            outcomes.push({ ok: true, result: this.deliveryStore.transaction(() => this.deliveryLifecycle.applyDelivery(item.payload, item.rawBody, now)) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      if (isStorageFailure(error)) this.storeFailed("webhook", error);
      for (const item of batch) item.reject(error);
      return;
    }
    const failed = outcomes.find((o): o is { ok: false; error: unknown } => !o.ok && isStorageFailure(o.error));
    // Committed; durable once the WAL is on disk. Nobody is told before that.
    this.deliveryStore.walSync().then(
      () => {
        if (failed) this.storeFailed("webhook", failed.error);
        else this.storeCommitted();
        batch.forEach((item, i) => {
          const outcome = outcomes[i]!;
          if (!outcome.ok) {
            item.reject(outcome.error);
            return;
          }
          this.announce(outcome.result.created);
          for (const reason of outcome.result.ignored) this.logger.warn({ group_key: item.payload.groupKey, reason }, "alert ignored for notices");
          item.resolve(outcome.result);
        });
      },
      (error: unknown) => {
        this.logger.error({ err: error }, "fsync of the notice store failed");
        this.storeFailed("webhook", error);
        for (const item of batch) item.reject(error);
      },
    );
  }

  /** Stores and applies one webhook delivery on its own; committed when it returns (throws when it cannot be). */
  applyDelivery(payload: WebhookPayload, rawBody: string): DeliveryResult {
    const now = this.now();
    const result = this.store.transaction(() => this.lifecycle.applyDelivery(payload, rawBody, now));
    this.announce(result.created);
    for (const reason of result.ignored) this.logger.warn({ group_key: payload.groupKey, reason }, "alert ignored for notices");
    return result;
  }

  /** UPDATE cadence and planned notices; runs on a timer, callable from tests. */
  tick(): CreatedNotice[] {
    const now = this.now();
    try {
      const created = this.store.transaction(() => {
        // The heartbeat makes every tick a write, so a store that stopped taking writes is seen within one tick.
        this.store.heartbeat(now);
        // Without a calendar in the config there is nothing to follow: planned series are left as they are
        // (a forgotten maintenance section must not read as every planned outage removed).
        const planned = this.hasCalendar ? syncPlannedNotices(this.store, this.lifecycle, this.calendar, now, this.planned) : [];
        return [...this.lifecycle.dueUpdates(now), ...planned];
      });
      this.storeCommitted();
      this.announce(created);
      return created;
    } catch (err) {
      if (isStorageFailure(err)) this.storeFailed("tick", err);
      this.logger.error({ err }, "periodic notice check failed; will try again");
      return [];
    }
  }

  private announce(created: CreatedNotice[]): void {
    for (const notice of created) {
      this.metrics.draftsCreated.inc({ kind: notice.kind });
      this.logger.info({ notice: notice.id, kind: notice.kind }, "notice draft created");
    }
    if (created.length > 0) this.outbox.kick();
  }

  async start(): Promise<{ host?: string; port: number }> {
    const listen = this.options.listenAddress ?? this.config.listen;
    const app = createNotifierApp(this);
    let server: Server;
    let port: number;
    try {
      ({ server, port } = await serveWeb(app, listen, this.security));
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.server = server;
    server.keepAliveTimeout = 65_000;
    this.tick();
    const interval = this.options.tickIntervalMs ?? 15_000;
    this.tickTimer = armRepeatingTimer(interval, () => this.tick(), { unref: true });
    this.outbox.start();
    this.ready = true;
    this.logger.info(
      { address: `${listen.host ?? "0.0.0.0"}:${port}`, store: this.store.location, channels: this.config.raw.channels.length },
      "notifier listening",
    );
    return { host: listen.host, port };
  }

  /** Re-reads the web config (SIGHUP); a bad one keeps the previous settings. */
  reloadWebConfig(): void {
    if (!this.security) return;
    const outcome = this.security.reload();
    if (outcome.ok) this.logger.info({ file: this.security.config.file }, "web config reloaded");
    else this.logger.error({ error: outcome.error }, "web config reload failed; keeping the previous web config");
  }

  async stop(): Promise<void> {
    this.ready = false;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.server) {
      const server = this.server;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
    await this.outbox.stop();
    // Answer what is still waiting for its fsync before closing.
    await this.deliveryStore.walSync().catch(() => undefined);
    if (this.deliveryStore !== this.store) this.deliveryStore.close();
    this.store.close();
  }
}
