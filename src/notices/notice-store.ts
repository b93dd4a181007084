import { closeSync, fdatasync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { SERVICES, type Service } from "../config/schema.js";
import type { NoticeKind } from "./notice-template.js";
import { describeStoreFailure, NoticeStoreError, STORE_BUSY_TIMEOUT_MS, storeErrorCode } from "./store-failure.js";
import { incidentsTableSql, migrateStore, noticesTableSql, type IncidentKind } from "./store-migrations.js";
import { renameSeriesRows } from "./series-rename.js";
import { declaredOutagesIn, type DeclaredOutage } from "./call-center-outages.js";
import { SqliteDatabase, type SqlDatabase, type SqlStatement } from "./sql-database.js";

/**
 * The notifier's durable state in one SQLite file (better-sqlite3): every webhook delivery, the
 * latest state of every alert, outages and the incidents they belong to, notices with their audit
 * trail, and the outbox of channel messages. WAL mode; with synchronous=FULL a transaction that
 * has returned is on disk; a NORMAL connection (the webhook's) calls walSync() after committing and
 * before answering, so the webhook answers 2xx only once its commit is on disk.
 *
 * better-sqlite3 is synchronous, so a transaction runs whole before any other request is
 * handled: the idempotency checks (read, then write) need no further locking.
 */

export const NOTICE_STATUSES = ["draft", "approved", "sent"] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

export interface IncidentRow {
  id: number;
  kind: IncidentKind;
  series_id: string;
  planned_key: string | null;
  status: "open" | "resolved" | "scheduled";
  start_ms: number;
  end_ms: number | null;
  services: string; // JSON array
  summary: string | null;
  description: string | null;
  runbook_url: string | null;
  due_date: string | null;
  overrun: number;
  created_at: number;
  next_update_at: number | null;
  /** When the calendar entry of a planned incident was removed (its series ends). */
  cancelled_at: number | null;
}

/** A business-process failure (docs/notices.md): one per alert, service and usage day, the facts its notices state. */
export interface ProcessFailureRow {
  incident_id: number;
  alertname: string;
  service: string;
  /** The usage day of the alert when it first fired ("YYYY-MM-DD"): the dedup key with alertname and service. */
  usage_day: string;
  /** JSON array of "YYYY-MM-DD": every usage day the notice names. */
  usage_days: string;
  /** The delivery deadline that passed, Unix ms (null when the failure has none). */
  deadline_ms: number | null;
  /** JSON: kind-specific facts (data quality: the share of canary meters that failed and the limit). */
  detail: string | null;
}

export interface OutageRow {
  service: Service;
  start_s: number;
  incident_id: number;
  status: "firing" | "resolved";
  end_ms: number | null;
  alertname: string;
  first_seen: number;
  last_seen: number;
}

export interface NoticeRow {
  id: string;
  incident_id: number;
  sequence: number;
  kind: NoticeKind;
  status: NoticeStatus;
  services: string; // JSON array
  subject: string;
  body: string;
  version: number;
  created_at: number;
  updated_at: number;
  approved_by: string | null;
  approved_at: number | null;
  sent_by: string | null;
  sent_at: number | null;
  /** The day ("YYYY-MM-DD", Central) a planned-series notice must go out by; null for the others. */
  due_date: string | null;
  /** The maintenance window a planned-series notice states (what the market was told, once sent); null for the others. */
  window_start_ms: number | null;
  window_end_ms: number | null;
}

/** A notice as the pages, the API and the channels see it: the services column parsed. */
export interface Notice extends Omit<NoticeRow, "services"> {
  services: Service[];
}

export interface AuditRow {
  id: number;
  notice_id: string;
  at: number;
  actor: string;
  action: string;
  detail: string; // JSON
}

/** One field an "edited" audit entry records. */
export interface FieldEdit {
  before: string;
  after: string;
}

/** An audit entry with its detail parsed; an "edited" entry's detail maps each field to a FieldEdit. */
export interface AuditEntry extends Omit<AuditRow, "detail"> {
  detail: Record<string, unknown>;
}

function noticeOf(row: NoticeRow): Notice {
  return { ...row, services: JSON.parse(row.services) as Service[] };
}

function auditEntryOf(row: AuditRow): AuditEntry {
  return { ...row, detail: JSON.parse(row.detail) as Record<string, unknown> };
}

export interface OutboxRow {
  id: number;
  notice_id: string;
  channel: string;
  status: "pending" | "delivered";
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
  /** The notifier sending it now (claimOutbox), until lease_until; null when nobody is. */
  lease_owner: string | null;
  lease_until: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  group_key TEXT NOT NULL,
  receiver TEXT NOT NULL,
  status TEXT NOT NULL,
  alert_count INTEGER NOT NULL,
  truncated_alerts INTEGER NOT NULL DEFAULT 0,
  payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_group_key ON deliveries(group_key);
CREATE TABLE IF NOT EXISTS alerts (
  fingerprint TEXT PRIMARY KEY,
  alertname TEXT NOT NULL,
  status TEXT NOT NULL,
  labels TEXT NOT NULL,
  annotations TEXT NOT NULL,
  starts_at TEXT NOT NULL,
  ends_at TEXT,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  last_delivery_id INTEGER NOT NULL
);
${incidentsTableSql("incidents")};
CREATE TABLE IF NOT EXISTS outages (
  service TEXT NOT NULL,
  start_s INTEGER NOT NULL,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  status TEXT NOT NULL CHECK (status IN ('firing', 'resolved')),
  end_ms INTEGER,
  alertname TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (service, start_s, alertname)
);
CREATE INDEX IF NOT EXISTS outages_incident ON outages(incident_id, status);
${noticesTableSql("notices")};
CREATE INDEX IF NOT EXISTS notices_created ON notices(created_at);
CREATE INDEX IF NOT EXISTS incidents_open ON incidents(kind, status);
CREATE TABLE IF NOT EXISTS notice_audit (
  id INTEGER PRIMARY KEY,
  notice_id TEXT NOT NULL REFERENCES notices(id),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notice_audit_notice ON notice_audit(notice_id);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY,
  notice_id TEXT NOT NULL REFERENCES notices(id),
  channel TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  lease_owner TEXT,
  lease_until INTEGER,
  UNIQUE (notice_id, channel)
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox(status, next_attempt_at);
CREATE TABLE IF NOT EXISTS notice_renames (
  old_id TEXT PRIMARY KEY,
  new_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS process_failures (
  incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
  alertname TEXT NOT NULL,
  service TEXT NOT NULL,
  usage_day TEXT NOT NULL,
  usage_days TEXT NOT NULL,
  deadline_ms INTEGER,
  detail TEXT,
  UNIQUE (alertname, service, usage_day)
);
CREATE TABLE IF NOT EXISTS store_heartbeat (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at INTEGER NOT NULL
);
`;

/** Notices per page of /notices and /api/v1/notices: without `?limit=`, and the most `?limit=` may ask for. */
export const NOTICE_PAGE_SIZE = { default: 200, max: 1000 } as const;
/** The recorded alerts listAlerts returns by default (newest first). */
export const RECENT_ALERTS_LIMIT = 200;
/** The outbox messages one dispatcher pass sends at most (the rest wait for the next pass). */
export const OUTBOX_BATCH_SIZE = 50;

export interface NoticeFilter {
  status?: NoticeStatus;
  service?: Service;
  limit?: number;
}

export class NoticeStore {
  private constructor(
    /** The engine every statement goes through (SQLite or PostgreSQL). */
    readonly sql: SqlDatabase,
    /** What errors and logs name: the SQLite file, or the PostgreSQL database (never its URL). */
    readonly location: string,
    private readonly sqlite?: Database.Database,
  ) {}

  /** The SQLite connection (tests and SQLite-only tooling); a PostgreSQL store has none. */
  get db(): Database.Database {
    if (!this.sqlite) throw new Error(`the notice store ${this.location} is not an SQLite file`);
    return this.sqlite;
  }

  /** Prepared once per SQL text (the set of texts is fixed by this file). */
  private stmt(sql: string): SqlStatement {
    return this.sql.prepare(sql);
  }

  /** A store on an engine already migrated (the PostgreSQL store, postgres-store.ts). */
  static onDatabase(sql: SqlDatabase, location: string): NoticeStore {
    return new NoticeStore(sql, location);
  }

  /**
   * Opens (and creates) the store. `synchronous: "FULL"` (the default) fsyncs the WAL inside every
   * commit. `"NORMAL"` leaves that to the caller, who must `await walSync()` after committing and
   * before telling anyone it is stored: the webhook path does, so the fsync runs on the thread pool
   * instead of blocking the event loop, and one fsync covers every commit made before it started.
   */
  static open(path: string, options: { synchronous?: "FULL" | "NORMAL"; verify?: boolean; now?: number } = {}): NoticeStore {
    let db: Database.Database | undefined;
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      db.pragma(`busy_timeout = ${STORE_BUSY_TIMEOUT_MS}`);
      db.pragma("journal_mode = WAL");
      db.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
      db.pragma("foreign_keys = ON");
      if (options.verify) quickCheck(db, path);
      db.exec(SCHEMA);
      migrateStore(db, options.now ?? Date.now(), path);
      const store = new NoticeStore(new SqliteDatabase(db), path, db);
      // Proves the file can be written now (read-only mount, permissions, a lock held elsewhere).
      if (options.verify) store.heartbeat(options.now ?? Date.now());
      return store;
    } catch (err) {
      if (db?.open) db.close();
      throw describeStoreFailure(path, err);
    }
  }

  /**
   * Writes and commits one small row: the notifier's proof that the store can still be written
   * (at start-up and on every periodic tick). Throws the SQLite error when it cannot.
   */
  heartbeat(now: number): void {
    this.transaction(() => this.stmt("INSERT INTO store_heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at").run(now));
  }

  close(): void {
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
    this.sql.close();
  }

  private walFd?: number;
  private syncRunning?: Promise<void>;
  private syncNext?: Promise<void>;

  /**
   * Makes every commit made so far on this file durable: an fdatasync of the WAL that starts after
   * the call (concurrent callers share the next one). Checkpoints keep their own fsyncs in SQLite.
   */
  walSync(): Promise<void> {
    // PostgreSQL: a COMMIT that returned is durable (synchronous_commit); SQLite in memory keeps nothing.
    if (!this.sqlite || this.sqlite.name === ":memory:") return Promise.resolve();
    if (!this.syncRunning) {
      this.syncRunning = this.fdatasync().finally(() => (this.syncRunning = undefined));
      return this.syncRunning;
    }
    // One is running, and may have started before the caller's commit: wait for the next one.
    if (!this.syncNext) {
      this.syncNext = this.syncRunning
        .catch(() => undefined)
        .then(() => {
          this.syncNext = undefined;
          return this.walSync();
        });
    }
    return this.syncNext;
  }

  private fdatasync(): Promise<void> {
    if (this.walFd === undefined) this.walFd = openSync(`${this.db.name}-wal`, "r");
    const fd = this.walFd;
    return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  /** Runs fn in one IMMEDIATE transaction: all of it is on disk when this returns, or none of it. */
  transaction<T>(fn: () => T): T {
    return this.sql.transaction(fn);
  }

  // deliveries and alerts

  insertDelivery(d: {
    receivedAt: number;
    groupKey: string;
    receiver: string;
    status: string;
    alertCount: number;
    truncatedAlerts: number;
    payload: string;
  }): number {
    const row = this.stmt(
      "INSERT INTO deliveries (received_at, group_key, receiver, status, alert_count, truncated_alerts, payload) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    ).get(d.receivedAt, d.groupKey, d.receiver, d.status, d.alertCount, d.truncatedAlerts, d.payload) as { id: number };
    return row.id;
  }

  countDeliveries(): number {
    return (this.stmt("SELECT count(*) AS n FROM deliveries").get() as { n: number }).n;
  }

  upsertAlert(a: {
    fingerprint: string;
    alertname: string;
    status: string;
    labels: string;
    annotations: string;
    startsAt: string;
    endsAt?: string;
    seenAt: number;
    deliveryId: number;
  }): void {
    this.stmt(
      `INSERT INTO alerts (fingerprint, alertname, status, labels, annotations, starts_at, ends_at, first_seen, last_seen, last_delivery_id)
         VALUES (@fingerprint, @alertname, @status, @labels, @annotations, @startsAt, @endsAt, @seenAt, @seenAt, @deliveryId)
         ON CONFLICT (fingerprint) DO UPDATE SET alertname = excluded.alertname, status = excluded.status, labels = excluded.labels,
           annotations = excluded.annotations, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
           last_seen = excluded.last_seen, last_delivery_id = excluded.last_delivery_id`,
    ).run({ ...a, endsAt: a.endsAt ?? null });
  }

  listAlerts(limit = RECENT_ALERTS_LIMIT): {
    fingerprint: string;
    alertname: string;
    status: string;
    labels: string;
    annotations: string;
    starts_at: string;
    ends_at: string | null;
    last_seen: number;
  }[] {
    return this.stmt(
      "SELECT fingerprint, alertname, status, labels, annotations, starts_at, ends_at, last_seen FROM alerts ORDER BY last_seen DESC LIMIT ?",
    ).all(limit) as never;
  }

  // incidents and outages

  openUnplannedIncident(): IncidentRow | undefined {
    return this.stmt("SELECT * FROM incidents WHERE kind = 'unplanned' AND status = 'open' ORDER BY id LIMIT 1").get() as IncidentRow | undefined;
  }

  incident(id: number): IncidentRow | undefined {
    return this.stmt("SELECT * FROM incidents WHERE id = ?").get(id) as IncidentRow | undefined;
  }

  plannedIncident(key: string): IncidentRow | undefined {
    return this.stmt("SELECT * FROM incidents WHERE planned_key = ?").get(key) as IncidentRow | undefined;
  }

  /** Planned incidents still scheduled (not cancelled, not completed) that start after `ms`. */
  plannedIncidentsStartingAfter(ms: number): IncidentRow[] {
    return this.stmt("SELECT * FROM incidents WHERE kind = 'planned' AND status = 'scheduled' AND start_ms > ? ORDER BY start_ms").all(ms) as IncidentRow[];
  }

  /** Every planned incident still scheduled (its window not over, or over without its COMPLETION decided yet). */
  scheduledPlannedIncidents(): IncidentRow[] {
    return this.stmt("SELECT * FROM incidents WHERE kind = 'planned' AND status = 'scheduled' ORDER BY start_ms, id").all() as IncidentRow[];
  }

  /** Whether an overrun outage (alert `alertname`) of one of `services` started within a minute of `atMs` (a window's end). */
  overrunAt(services: readonly Service[], atMs: number, alertname: string): boolean {
    if (services.length === 0) return false;
    const row = this.stmt(
      `SELECT 1 AS x FROM outages WHERE alertname = ? AND start_s BETWEEN ? AND ? AND service IN (${services.map(() => "?").join(", ")}) LIMIT 1`,
    ).get(alertname, Math.floor(atMs / 1000) - 60, Math.ceil(atMs / 1000) + 60, ...services);
    return row !== undefined;
  }

  incidentsDueForUpdate(now: number): IncidentRow[] {
    return this.stmt(
      "SELECT * FROM incidents WHERE kind = 'unplanned' AND status = 'open' AND next_update_at IS NOT NULL AND next_update_at <= ? ORDER BY id",
    ).all(now) as IncidentRow[];
  }

  /** Series ids already used on a date, e.g. every "SMT-M-?051425". */
  seriesIdsOn(prefixAudience: string, mmddyy: string): string[] {
    const rows = this.stmt("SELECT series_id FROM incidents WHERE series_id LIKE ?").all(`${prefixAudience}-%${mmddyy}`) as { series_id: string }[];
    return rows.map((r) => r.series_id);
  }

  insertIncident(fields: Omit<IncidentRow, "id" | "cancelled_at"> & { cancelled_at?: number | null }): IncidentRow {
    const i = { ...fields, cancelled_at: fields.cancelled_at ?? null };
    const row = this.stmt(
      `INSERT INTO incidents (kind, series_id, planned_key, status, start_ms, end_ms, services, summary, description, runbook_url, due_date, overrun, created_at, next_update_at, cancelled_at)
         VALUES (@kind, @series_id, @planned_key, @status, @start_ms, @end_ms, @services, @summary, @description, @runbook_url, @due_date, @overrun, @created_at, @next_update_at, @cancelled_at) RETURNING id`,
    ).get(i) as { id: number };
    return { ...i, id: row.id };
  }

  updateIncident(id: number, fields: Partial<Omit<IncidentRow, "id">>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.stmt(`UPDATE incidents SET ${keys.map((k) => `${k} = @${k}`).join(", ")} WHERE id = @id`).run({ ...fields, id });
  }

  /** An outage as one alert rule saw it: service + start, per alert name (an overrun and the outage alert may share a start). */
  outage(service: Service, startSeconds: number, alertname: string): OutageRow | undefined {
    return this.stmt("SELECT * FROM outages WHERE service = ? AND start_s = ? AND alertname = ?").get(service, startSeconds, alertname) as
      OutageRow | undefined;
  }

  /** The services with an outage still firing in an incident. */
  firingServices(incidentId: number): Service[] {
    const rows = this.stmt("SELECT DISTINCT service FROM outages WHERE incident_id = ? AND status = 'firing'").all(incidentId) as { service: Service }[];
    return rows.map((r) => r.service).sort((a, b) => SERVICES.indexOf(a) - SERVICES.indexOf(b));
  }

  latestOutageEnd(incidentId: number): number | undefined {
    const row = this.stmt('SELECT max(end_ms) AS "end" FROM outages WHERE incident_id = ?').get(incidentId) as { end: number | null };
    return row.end ?? undefined;
  }

  outagesOf(incidentId: number): OutageRow[] {
    return this.stmt("SELECT * FROM outages WHERE incident_id = ? ORDER BY start_s, service").all(incidentId) as OutageRow[];
  }

  insertOutage(o: OutageRow): void {
    this.stmt(
      "INSERT INTO outages (service, start_s, incident_id, status, end_ms, alertname, first_seen, last_seen) VALUES (@service, @start_s, @incident_id, @status, @end_ms, @alertname, @first_seen, @last_seen)",
    ).run(o);
  }

  updateOutage(service: Service, startSeconds: number, alertname: string, fields: Partial<Pick<OutageRow, "status" | "end_ms" | "last_seen">>): void {
    const keys = Object.keys(fields);
    this.stmt(
      `UPDATE outages SET ${keys.map((k) => `${k} = @${k}`).join(", ")} WHERE service = @service AND start_s = @start_s AND alertname = @alertname`,
    ).run({ ...fields, service, start_s: startSeconds, alertname });
  }

  // business-process failures (process-failure-notices.ts)

  /** The failure of one alert, service and usage day (its dedup key), with its incident. */
  processFailure(alertname: string, service: string, usageDay: string): ProcessFailureRow | undefined {
    return this.stmt("SELECT * FROM process_failures WHERE alertname = ? AND service = ? AND usage_day = ?").get(alertname, service, usageDay) as
      ProcessFailureRow | undefined;
  }

  processFailureOf(incidentId: number): ProcessFailureRow | undefined {
    return this.stmt("SELECT * FROM process_failures WHERE incident_id = ?").get(incidentId) as ProcessFailureRow | undefined;
  }

  insertProcessFailure(row: ProcessFailureRow): void {
    this.stmt(
      "INSERT INTO process_failures (incident_id, alertname, service, usage_day, usage_days, deadline_ms, detail) VALUES (@incident_id, @alertname, @service, @usage_day, @usage_days, @deadline_ms, @detail)",
    ).run(row);
  }

  /** The open failures of one alert and service, oldest usage day first (a resolved alert completes them all). */
  openProcessFailures(alertname: string, service: string): ProcessFailureRow[] {
    return this.stmt(
      "SELECT f.* FROM process_failures f JOIN incidents i ON i.id = f.incident_id WHERE f.alertname = ? AND f.service = ? AND i.status = 'open' ORDER BY f.usage_day, f.incident_id",
    ).all(alertname, service) as ProcessFailureRow[];
  }

  // notices

  nextSequence(incidentId: number): number {
    const row = this.stmt("SELECT max(sequence) AS n FROM notices WHERE incident_id = ?").get(incidentId) as { n: number | null };
    return (row.n ?? 0) + 1;
  }

  insertNotice(
    fields: Omit<NoticeRow, "due_date" | "window_start_ms" | "window_end_ms"> & Partial<Pick<NoticeRow, "due_date" | "window_start_ms" | "window_end_ms">>,
  ): void {
    const n = { ...fields, due_date: fields.due_date ?? null, window_start_ms: fields.window_start_ms ?? null, window_end_ms: fields.window_end_ms ?? null };
    this.stmt(
      `INSERT INTO notices (id, incident_id, sequence, kind, status, services, subject, body, version, created_at, updated_at, approved_by, approved_at, sent_by, sent_at, due_date, window_start_ms, window_end_ms)
         VALUES (@id, @incident_id, @sequence, @kind, @status, @services, @subject, @body, @version, @created_at, @updated_at, @approved_by, @approved_at, @sent_by, @sent_at, @due_date, @window_start_ms, @window_end_ms)`,
    ).run(n);
  }

  /** The current id of a notice that had another id (a provisional one, before its series was sent). */
  renamedNoticeId(oldId: string): string | undefined {
    return (this.stmt("SELECT new_id FROM notice_renames WHERE old_id = ?").get(oldId) as { new_id: string } | undefined)?.new_id;
  }

  /** Gives an incident's series another id (renameSeriesRows); call inside a transaction. */
  renameSeries(incidentId: number, from: string, to: string, at: number): { from: string; to: string }[] {
    return renameSeriesRows(this.sql, incidentId, from, to, at);
  }

  notice(id: string): Notice | undefined {
    const row = this.stmt("SELECT * FROM notices WHERE id = ?").get(id) as NoticeRow | undefined;
    return row && noticeOf(row);
  }

  noticesOf(incidentId: number): Notice[] {
    return (this.stmt("SELECT * FROM notices WHERE incident_id = ? ORDER BY sequence").all(incidentId) as NoticeRow[]).map(noticeOf);
  }

  listNotices(filter: NoticeFilter = {}): Notice[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: Math.min(Math.max(filter.limit ?? NOTICE_PAGE_SIZE.default, 1), NOTICE_PAGE_SIZE.max) };
    if (filter.status) {
      where.push("status = @status");
      params.status = filter.status;
    }
    if (filter.service) {
      where.push(
        this.sql.dialect === "postgres"
          ? "EXISTS (SELECT 1 FROM jsonb_array_elements_text(notices.services::jsonb) AS s(value) WHERE s.value = @service)"
          : "EXISTS (SELECT 1 FROM json_each(notices.services) WHERE json_each.value = @service)",
      );
      params.service = filter.service;
    }
    const sql = `SELECT * FROM notices ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT @limit`;
    return (this.stmt(sql).all(params) as NoticeRow[]).map(noticeOf);
  }

  updateNotice(id: string, fields: Partial<Omit<NoticeRow, "id" | "incident_id" | "sequence">>): void {
    const keys = Object.keys(fields);
    this.stmt(`UPDATE notices SET ${keys.map((k) => `${k} = @${k}`).join(", ")} WHERE id = @id`).run({ ...fields, id });
  }

  noticeCounts(): { kind: string; status: string; n: number }[] {
    return this.stmt("SELECT kind, status, count(*) AS n FROM notices GROUP BY kind, status").all() as { kind: string; status: string; n: number }[];
  }

  addAudit(noticeId: string, at: number, actor: string, action: string, detail: Record<string, unknown>): void {
    this.stmt("INSERT INTO notice_audit (notice_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)").run(
      noticeId,
      at,
      actor,
      action,
      JSON.stringify(detail),
    );
  }

  auditOf(noticeId: string): AuditEntry[] {
    return (this.stmt("SELECT * FROM notice_audit WHERE notice_id = ? ORDER BY id").all(noticeId) as AuditRow[]).map(auditEntryOf);
  }

  // outbox

  enqueue(noticeId: string, channel: string, at: number): void {
    this.stmt(
      "INSERT INTO outbox (notice_id, channel, status, attempts, next_attempt_at, created_at) VALUES (?, ?, 'pending', 0, ?, ?) ON CONFLICT DO NOTHING",
    ).run(noticeId, channel, at, at);
  }

  dueOutbox(now: number, limit = OUTBOX_BATCH_SIZE): OutboxRow[] {
    return this.stmt("SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?").all(
      now,
      limit,
    ) as OutboxRow[];
  }

  outboxOf(noticeId: string): OutboxRow[] {
    return this.stmt("SELECT * FROM outbox WHERE notice_id = ? ORDER BY id").all(noticeId) as OutboxRow[];
  }

  /**
   * Claims up to `limit` messages that are due and not being sent by another notifier (no lease, or
   * its lease ended): each is this `owner`'s until `now + leaseMs`. One statement; on PostgreSQL
   * the rows another replica is claiming at the same moment are skipped (FOR UPDATE SKIP LOCKED),
   * so two replicas never claim the same message while its lease runs.
   */
  claimOutbox(now: number, owner: string, leaseMs: number, limit = OUTBOX_BATCH_SIZE): OutboxRow[] {
    const skipLocked = this.sql.dialect === "postgres" ? " FOR UPDATE SKIP LOCKED" : "";
    const rows = this.stmt(
      `UPDATE outbox SET lease_owner = @owner, lease_until = @until WHERE id IN (
         SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
         ORDER BY next_attempt_at, id LIMIT @limit${skipLocked}) RETURNING *`,
    ).all({ owner, until: now + leaseMs, now, limit }) as OutboxRow[];
    return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id - b.id);
  }

  /**
   * Records a message as delivered. With `owner`, only while that notifier still holds its lease:
   * false when the lease ended and another notifier claimed it meanwhile.
   */
  outboxDelivered(id: number, at: number, owner?: string): boolean {
    const info = this.stmt(
      `UPDATE outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = @at, last_error = NULL, lease_owner = NULL, lease_until = NULL
         WHERE id = @id${owner === undefined ? "" : " AND lease_owner = @owner"}`,
    ).run({ id, at, ...(owner === undefined ? {} : { owner }) });
    return info.changes > 0;
  }

  /** Records a failed attempt and when to try again (and gives up the lease); false as outboxDelivered. */
  outboxFailed(id: number, nextAttemptAt: number, error: string, owner?: string): boolean {
    const info = this.stmt(
      `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = @next, last_error = @error, lease_owner = NULL, lease_until = NULL
         WHERE id = @id${owner === undefined ? "" : " AND lease_owner = @owner"}`,
    ).run({ id, next: nextAttemptAt, error, ...(owner === undefined ? {} : { owner }) });
    return info.changes > 0;
  }

  pendingOutbox(): { channel: string; n: number }[] {
    return this.stmt("SELECT channel, count(*) AS n FROM outbox WHERE status = 'pending' GROUP BY channel").all() as { channel: string; n: number }[];
  }
}

/** What a report needs of the store to give each outage of a period its market notices. */
export interface NoticeEvidence {
  /** Alert outages (one per service and alert start) and the incident each belongs to. */
  outages: { service: string; startMs: number; incidentId: number }[];
  /** Planned incidents (maintenance windows), with the services they cover. */
  plannedIncidents: { incidentId: number; startMs: number; endMs: number | null; services: string[] }[];
  /** The notice ids of each incident above, in the order they were issued. */
  noticeIds: Map<number, string[]>;
  /** The notices of each incident above, in the order they were issued, with their status and times (ids and kinds as stored). */
  notices: Map<number, EvidenceNotice[]>;
  /** Call-center outages declared by a person that overlap the period (absent: none read). */
  declaredOutages?: DeclaredOutage[];
}

/** One notice as evidence: a draft or an approved notice has no sent time (sentAt null). */
export interface EvidenceNotice {
  id: string;
  kind: string;
  status: NoticeStatus;
  createdAt: number;
  sentAt: number | null;
}

/**
 * The store opened read-only, for `smt-monitor report`: it never writes (not even the schema), and
 * refuses a file that is not the notifier's store. Errors are NoticeStoreError (exit code 2: the
 * path is wrong) with a message that names the file and never a flag.
 */
export class NoticeStoreReader {
  private constructor(private readonly db: Database.Database) {}

  static open(path: string): NoticeStoreReader {
    let db: Database.Database | undefined;
    let tables: Set<string>;
    const fail = (text: string, code?: string) => new NoticeStoreError(path, text, 2, code);
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      // better-sqlite3 opens lazily: the first read is what finds a file that is not SQLite.
      tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    } catch (err) {
      if (db?.open) db.close();
      const code = storeErrorCode(err);
      if (code === "SQLITE_NOTADB") throw fail(`${path} is not an SQLite database: expected the notifier's store file (its storage.path)`, code);
      throw fail(
        `cannot open the notifier's store ${path} (${code ?? "error"}: ${(err as Error).message}): expected the notifier's store file (its storage.path), readable by this user`,
        code,
      );
    }
    for (const t of ["incidents", "outages", "notices"]) {
      if (!tables.has(t)) {
        db.close();
        throw fail(`${path} is not the notifier's store (no table ${t}): expected the notifier's storage.path file`);
      }
    }
    return new NoticeStoreReader(db);
  }

  /**
   * The alert outages that started in [fromMs, toMs), the planned incidents overlapping it and the
   * notices of both. Services of an incident that are not valid JSON count as none.
   */
  noticeEvidence(fromMs: number, toMs: number): NoticeEvidence {
    const outages = (
      this.db
        .prepare("SELECT service, start_s, incident_id FROM outages WHERE start_s * 1000 >= ? AND start_s * 1000 < ? ORDER BY service, start_s, incident_id")
        .all(fromMs, toMs) as {
        service: string;
        start_s: number;
        incident_id: number;
      }[]
    ).map((r) => ({ service: r.service, startMs: r.start_s * 1000, incidentId: r.incident_id }));
    const planned = (
      this.db
        .prepare(
          "SELECT id, start_ms, end_ms, services FROM incidents WHERE kind = 'planned' AND start_ms < ? AND (end_ms IS NULL OR end_ms > ?) ORDER BY start_ms, id",
        )
        .all(toMs, fromMs) as {
        id: number;
        start_ms: number;
        end_ms: number | null;
        services: string;
      }[]
    ).map((r) => ({ incidentId: r.id, startMs: r.start_ms, endMs: r.end_ms, services: jsonStrings(r.services) }));
    const select = this.db.prepare("SELECT id, kind, status, created_at, sent_at FROM notices WHERE incident_id = ? ORDER BY sequence");
    const noticeIds = new Map<number, string[]>();
    const notices = new Map<number, EvidenceNotice[]>();
    for (const id of new Set([...outages.map((o) => o.incidentId), ...planned.map((p) => p.incidentId)])) {
      const rows = select.all(id) as { id: string; kind: string; status: NoticeStatus; created_at: number; sent_at: number | null }[];
      noticeIds.set(
        id,
        rows.map((r) => r.id),
      );
      // a notice counts as sent only with status "sent": a draft never carries a sent time here
      notices.set(
        id,
        rows.map((r) => ({ id: r.id, kind: r.kind, status: r.status, createdAt: r.created_at, sentAt: r.status === "sent" ? r.sent_at : null })),
      );
    }
    return { outages, plannedIncidents: planned, noticeIds, notices, declaredOutages: declaredOutagesIn(this.db, fromMs, toMs) };
  }

  /**
   * Sent notices only (status "sent"), for the public status page and its feeds: the newest `limit`
   * (newest first), and the latest sent notice of every incident that has one. Only what the market
   * was sent is read: never a draft or an approved notice, never reviewers, never the alert's text.
   */
  announcedNotices(limit: number): { recent: AnnouncedNotice[]; latestPerIncident: AnnouncedNotice[] } {
    const columns = `n.id, n.kind, n.services, n.subject, n.body, n.sent_at, n.window_start_ms, n.window_end_ms,
      n.incident_id, i.series_id, i.kind AS incident_kind, i.start_ms AS incident_start_ms`;
    const sent = "n.status = 'sent' AND n.sent_at IS NOT NULL";
    const read = (rows: unknown[]) =>
      (rows as (Omit<AnnouncedNotice, "services"> & { services: string })[]).map((r) => ({ ...r, services: jsonStrings(r.services) }));
    return {
      recent: read(
        this.db
          .prepare(`SELECT ${columns} FROM notices n JOIN incidents i ON i.id = n.incident_id WHERE ${sent} ORDER BY n.sent_at DESC, n.id DESC LIMIT ?`)
          .all(limit),
      ),
      latestPerIncident: read(
        this.db
          .prepare(
            `SELECT ${columns} FROM notices n JOIN incidents i ON i.id = n.incident_id WHERE ${sent}
             AND n.sequence = (SELECT max(m.sequence) FROM notices m WHERE m.incident_id = n.incident_id AND m.status = 'sent' AND m.sent_at IS NOT NULL)
             ORDER BY n.incident_id`,
          )
          .all(),
      ),
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** A sent notice as the public status page reads it (NoticeStoreReader.announcedNotices). */
export interface AnnouncedNotice {
  id: string;
  kind: string;
  services: string[];
  subject: string;
  body: string;
  sent_at: number;
  /** The maintenance window a planned-series notice states; null for the others. */
  window_start_ms: number | null;
  window_end_ms: number | null;
  incident_id: number;
  /** The series the notice belongs to (the start of its id, e.g. SMT-M-033126). */
  series_id: string;
  incident_kind: "unplanned" | "planned";
  incident_start_ms: number;
}

/** The strings of a JSON array (an incident's services); none when it is not one. */
function jsonStrings(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/**
 * PRAGMA quick_check: every b-tree page of the file is read and checked (O(size); about 1 s per
 * few hundred MB). Throws a NoticeStoreError naming the first problems when the file is damaged.
 */
function quickCheck(db: Database.Database, path: string): void {
  const rows = db.pragma("quick_check(3)", { simple: false }) as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((p) => p !== "ok");
  if (problems.length > 0) {
    throw describeStoreFailure(path, Object.assign(new Error(`PRAGMA quick_check: ${problems.join("; ").replace(/\s+/g, " ")}`), { code: "SQLITE_CORRUPT" }));
  }
}
