import type Database from "better-sqlite3";
import { provisionalSeriesId } from "./notice-id.js";
import { NOTICE_KINDS } from "./notice-template.js";
import { renameSeriesRows } from "./series-rename.js";

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
 */
export const STORE_VERSION = 2;

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

/** Brings a store opened with the current schema's CREATE IF NOT EXISTS up to STORE_VERSION. */
export function migrateStore(db: Database.Database, now: number): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version >= STORE_VERSION) return;
  const noticesSql = (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'notices'").get() as { sql: string }).sql;
  const fresh = version === 0 && (db.prepare("SELECT count(*) AS n FROM incidents").get() as { n: number }).n === 0;
  if (fresh) {
    db.pragma(`user_version = ${STORE_VERSION}`);
    return;
  }
  // A table is rebuilt with foreign keys off (SQLite's documented procedure), then checked.
  db.pragma("foreign_keys = OFF");
  try {
    db.transaction(() => {
      const incidentColumns = new Set((db.pragma("table_info(incidents)") as { name: string }[]).map((c) => c.name));
      if (!incidentColumns.has("cancelled_at")) db.exec("ALTER TABLE incidents ADD COLUMN cancelled_at INTEGER");
      if (!noticesSql.includes("'REMINDER'")) {
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
      for (const incident of unsent) {
        const match = /^(.*?)([MRW])-[A-Z]+\d{6}$/.exec(incident.series_id);
        if (!match) continue;
        renameSeriesRows(db, incident.id, incident.series_id, provisionalSeriesId(match[1]!, match[2]!, incident.id), now);
      }
      db.prepare("UPDATE incidents SET status = 'resolved' WHERE kind = 'planned' AND status = 'scheduled' AND end_ms IS NOT NULL AND end_ms <= ?").run(now);
      const broken = db.pragma("foreign_key_check") as unknown[];
      if (broken.length > 0) throw new Error(`store migration to version ${STORE_VERSION} left ${broken.length} rows without their parent`);
      db.pragma(`user_version = ${STORE_VERSION}`);
    })();
  } finally {
    db.pragma("foreign_keys = ON");
  }
}
