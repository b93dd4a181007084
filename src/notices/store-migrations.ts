import type Database from "better-sqlite3";
import { provisionalSeriesId } from "./notice-id.js";
import { NOTICE_KINDS } from "./notice-template.js";
import { renameSeriesRows } from "./series-rename.js";
import { latestVersion, pendingSteps, type SchemaStep } from "./schema-version.js";
import { SqliteDatabase } from "./sql-database.js";

/**
 * The notice store's schema versions (PRAGMA user_version) and the steps between them. Each step
 * runs once, in one transaction, when the notifier opens a store made by an older version; a
 * store that cannot be migrated is left as it was (the transaction rolls back) and the notifier
 * refuses to start. Nothing is deleted: rows are copied, and renamed notices keep their old ids
 * in notice_renames.
 *
 * - 1: the first schema.
 * - 2: the planned-maintenance series (notice kinds REMINDER, PLANNED_COMPLETION, CANCELLATION,
 *   RESCHEDULE; notices.due_date and the window each planned notice states; incidents.cancelled_at) and provisional ids: a series none of
 *   whose notices was sent gets its provisional id (`SMT-M-(provisional-7)`), since its id is
 *   fixed when its first notice is sent; planned windows that had already ended are closed, so no
 *   COMPLETION is drafted for them.
 * - 3: business-process failure notices (docs/notices.md, "Business-process failures"): the incident
 *   kind `business_process`, the notice kinds BUSINESS_PROCESS and BUSINESS_PROCESS_COMPLETION (the
 *   incidents and notices tables are rebuilt with the wider CHECKs, every row copied) and the table
 *   process_failures (created by the schema).
 * - 4: outbox leases (lease_owner, lease_until): the notifier that claimed a message sends it; when
 *   it dies mid-send, the lease ends and another replica sends it.
 *
 * The steps are SQLITE_STEPS below; a store newer than the last of them is refused (schema-version.ts).
 */

/** The kinds of incident: an unplanned outage, a planned maintenance window, a business-process failure. */
export const INCIDENT_KINDS = ["unplanned", "planned", "business_process"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

const INCIDENT_COLUMNS =
  "id, kind, series_id, planned_key, status, start_ms, end_ms, services, summary, description, runbook_url, due_date, overrun, created_at, next_update_at, cancelled_at";
const NOTICE_COLUMNS =
  "id, incident_id, sequence, kind, status, services, subject, body, version, created_at, updated_at, approved_by, approved_at, sent_by, sent_at, due_date, window_start_ms, window_end_ms";

/** The incidents table as of STORE_VERSION (notice-store.ts's schema and the rebuild below). */
export function incidentsTableSql(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN (${INCIDENT_KINDS.map((k) => `'${k}'`).join(", ")})),
  series_id TEXT NOT NULL UNIQUE,
  planned_key TEXT UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'scheduled')),
  start_ms INTEGER NOT NULL,
  end_ms INTEGER,
  services TEXT NOT NULL,
  summary TEXT,
  description TEXT,
  runbook_url TEXT,
  due_date TEXT,
  overrun INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  next_update_at INTEGER,
  cancelled_at INTEGER
)`;
}

/** The notices table as of STORE_VERSION (notice-store.ts's schema and the rebuild below). */
export function noticesTableSql(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
  id TEXT PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  sequence INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN (${NOTICE_KINDS.map((k) => `'${k}'`).join(", ")})),
  status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'sent')),
  services TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  approved_by TEXT,
  approved_at INTEGER,
  sent_by TEXT,
  sent_at INTEGER,
  due_date TEXT,
  window_start_ms INTEGER,
  window_end_ms INTEGER,
  UNIQUE (incident_id, sequence)
)`;
}

const NOTICE_COLUMNS_V1 =
  "id, incident_id, sequence, kind, status, services, subject, body, version, created_at, updated_at, approved_by, approved_at, sent_by, sent_at";

/**
 * SQLite's steps (PRAGMA user_version records the last one applied). A new store gets the current
 * schema (notice-store.ts, CREATE IF NOT EXISTS) and the version of the last step at once; a store
 * made by an older release runs the steps after its version, each in its own transaction with
 * foreign keys checked before it commits.
 */
export const SQLITE_STEPS: readonly SchemaStep<Database.Database>[] = [
  { version: 1, description: "the first schema", apply: () => undefined },
  { version: 2, description: "planned-maintenance series, provisional series ids", apply: plannedSeries },
  { version: 3, description: "business-process failures: the incident and notice kinds", apply: businessProcessKinds },
  { version: 4, description: "outbox leases: a message being sent belongs to one notifier until its lease ends", apply: outboxLeases },
];

/** The schema version this code writes (the last step). */
export const STORE_VERSION = latestVersion(SQLITE_STEPS);

/**
 * Reads the store's user_version and acts on it: refuses a store newer than this code
 * (NoticeStoreError), runs the steps it lacks. Call after the current schema's CREATE IF NOT EXISTS.
 */
export function migrateStore(db: Database.Database, now: number, location = db.name): void {
  let version = db.pragma("user_version", { simple: true }) as number;
  const fresh = version === 0 && (db.prepare("SELECT count(*) AS n FROM incidents").get() as { n: number }).n === 0;
  // A new store (or one from before versions were recorded, never used): the schema just created is the
  // current one, but a pre-version file may lack later columns: the idempotent steps still run.
  if (fresh) version = 3;
  const steps = pendingSteps(SQLITE_STEPS, version, location);
  for (const step of steps) {
    // A table is rebuilt with foreign keys off (SQLite's documented procedure), then checked.
    db.pragma("foreign_keys = OFF");
    try {
      db.transaction(() => {
        step.apply(db, now);
        const broken = db.pragma("foreign_key_check") as unknown[];
        if (broken.length > 0) throw new Error(`store migration to version ${step.version} left ${broken.length} rows without their parent`);
        db.pragma(`user_version = ${step.version}`);
      })();
    } finally {
      db.pragma("foreign_keys = ON");
    }
  }
}

function tableSql(db: Database.Database, name: string): string {
  return (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as { sql: string }).sql;
}

function columnsOf(db: Database.Database, table: string): Set<string> {
  return new Set((db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
}

/** Version 2: notices.due_date and the window each planned notice states; incidents.cancelled_at; provisional ids. */
function plannedSeries(db: Database.Database, now: number): void {
  if (!columnsOf(db, "incidents").has("cancelled_at")) db.exec("ALTER TABLE incidents ADD COLUMN cancelled_at INTEGER");
  if (!tableSql(db, "notices").includes("'REMINDER'")) {
    db.exec(noticesTableSql("notices_v2"));
    // A version-1 PLANNED notice said the incident's window as it is now (the best record there is).
    db.exec(`INSERT INTO notices_v2 (${NOTICE_COLUMNS_V1}, due_date, window_start_ms, window_end_ms)
      SELECT ${NOTICE_COLUMNS_V1.split(", ")
        .map((c) => `n.${c}`)
        .join(", ")}, CASE WHEN n.kind = 'PLANNED' THEN i.due_date END, CASE WHEN n.kind = 'PLANNED' THEN i.start_ms END,
        CASE WHEN n.kind = 'PLANNED' THEN i.end_ms END FROM notices n JOIN incidents i ON i.id = n.incident_id`);
    db.exec("DROP TABLE notices");
    db.exec("ALTER TABLE notices_v2 RENAME TO notices");
    db.exec("CREATE INDEX IF NOT EXISTS notices_created ON notices(created_at)");
  }
  // Series with nothing sent: their id is not fixed yet.
  const unsent = db
    .prepare("SELECT id, series_id FROM incidents WHERE NOT EXISTS (SELECT 1 FROM notices WHERE notices.incident_id = incidents.id AND status = 'sent')")
    .all() as { id: number; series_id: string }[];
  const sql = new SqliteDatabase(db);
  for (const incident of unsent) {
    const match = /^(.*?)([MRW])-[A-Z]+\d{6}$/.exec(incident.series_id);
    if (!match) continue;
    renameSeriesRows(sql, incident.id, incident.series_id, provisionalSeriesId(match[1]!, match[2]!, incident.id), now);
  }
  // Planned windows that had already ended are closed, so no COMPLETION is drafted for them.
  db.prepare("UPDATE incidents SET status = 'resolved' WHERE kind = 'planned' AND status = 'scheduled' AND end_ms IS NOT NULL AND end_ms <= ?").run(now);
}

/** Version 3: the business-process kinds (SQLite cannot widen a CHECK in place: copy into a new table). */
function businessProcessKinds(db: Database.Database): void {
  if (!tableSql(db, "incidents").includes("'business_process'")) {
    db.exec(incidentsTableSql("incidents_v3"));
    db.exec(`INSERT INTO incidents_v3 (${INCIDENT_COLUMNS}) SELECT ${INCIDENT_COLUMNS} FROM incidents`);
    db.exec("DROP TABLE incidents");
    db.exec("ALTER TABLE incidents_v3 RENAME TO incidents");
    db.exec("CREATE INDEX IF NOT EXISTS incidents_open ON incidents(kind, status)");
  }
  if (!tableSql(db, "notices").includes("'BUSINESS_PROCESS'")) {
    db.exec(noticesTableSql("notices_v3"));
    db.exec(`INSERT INTO notices_v3 (${NOTICE_COLUMNS}) SELECT ${NOTICE_COLUMNS} FROM notices`);
    db.exec("DROP TABLE notices");
    db.exec("ALTER TABLE notices_v3 RENAME TO notices");
    db.exec("CREATE INDEX IF NOT EXISTS notices_created ON notices(created_at)");
  }
}

/** Version 4: outbox.lease_owner and lease_until (a message being sent and the notifier sending it). */
function outboxLeases(db: Database.Database): void {
  const columns = columnsOf(db, "outbox");
  if (!columns.has("lease_owner")) db.exec("ALTER TABLE outbox ADD COLUMN lease_owner TEXT");
  if (!columns.has("lease_until")) db.exec("ALTER TABLE outbox ADD COLUMN lease_until INTEGER");
}
