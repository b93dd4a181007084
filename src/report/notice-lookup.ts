import Database from "better-sqlite3";
import type { Service } from "../config/services.js";
import { storeErrorCode } from "../notices/store-failure.js";

/**
 * The market-notice ids of an outage, read from the notifier's store (the SQLite file of `smt-monitor
 * notifier`, src/notices/notice-store.ts), opened read-only so a report never changes it:
 * - an unplanned outage: the incidents of the alert outages of the service that started inside it
 *   (the alert's outage start is the first unavailable minute; two minutes of slack);
 * - a planned window: the planned incidents covering the service that overlap it.
 * Ids are given in the order the notices were issued (initial, updates, completion).
 */
export class NoticeLookupError extends Error {}

export interface NoticeLookup {
  noticeIds(outage: { service: Service; kind: "unplanned" | "planned"; startMs: number; endMs: number }): string[];
  close(): void;
}

const SLACK_MS = 2 * 60_000;

export function openNoticeLookup(path: string): NoticeLookup {
  let db: Database.Database | undefined;
  let tables: Set<string>;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    // better-sqlite3 opens lazily: the first read is what finds a file that is not SQLite.
    tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
  } catch (err) {
    if (db?.open) db.close();
    const code = storeErrorCode(err);
    if (code === "SQLITE_NOTADB")
      throw new NoticeLookupError(`--notices: ${path} is not an SQLite database: expected the notifier's store file (its storage.path)`);
    throw new NoticeLookupError(
      `--notices: cannot open the notifier's store ${path} (${code ?? "error"}: ${(err as Error).message}): expected the notifier's store file (its storage.path), readable by this user`,
    );
  }
  for (const t of ["incidents", "outages", "notices"]) {
    if (!tables.has(t)) {
      db.close();
      throw new NoticeLookupError(`--notices: ${path} is not the notifier's store (no table ${t}): expected the notifier's storage.path file`);
    }
  }
  const unplanned = db.prepare(
    "SELECT DISTINCT incident_id FROM outages WHERE service = ? AND start_s * 1000 >= ? AND start_s * 1000 < ? ORDER BY incident_id",
  );
  const planned = db.prepare(
    `SELECT id FROM incidents WHERE kind = 'planned' AND start_ms < ? AND (end_ms IS NULL OR end_ms > ?)
       AND EXISTS (SELECT 1 FROM json_each(incidents.services) WHERE json_each.value = ?) ORDER BY start_ms, id`,
  );
  const notices = db.prepare("SELECT id FROM notices WHERE incident_id = ? ORDER BY sequence");
  return {
    noticeIds(outage) {
      const incidents =
        outage.kind === "unplanned"
          ? (unplanned.all(outage.service, outage.startMs - SLACK_MS, outage.endMs) as { incident_id: number }[]).map((r) => r.incident_id)
          : (planned.all(outage.endMs, outage.startMs, outage.service) as { id: number }[]).map((r) => r.id);
      return incidents.flatMap((id) => (notices.all(id) as { id: string }[]).map((r) => r.id));
    },
    close() {
      db.close();
    },
  };
}
