import { noticeId } from "./notice-id.js";
import type { SqlDatabase } from "./sql-database.js";

/**
 * Gives a series (an incident's notices) another id, in the caller's transaction: every notice of
 * the incident gets `<to>-NN` for its sequence NN, the old series id in its subject and text is
 * replaced by the new one (the NOTICE TYPE line, the subject, references between notices of the
 * series), its audit trail and outbox rows follow it, and the old notice id is kept in
 * notice_renames so links already handed out (chat, e-mail, bookmarks) still lead to the notice.
 *
 * Used when a provisional series gets its fixed id at its first send (series-id.ts) and by the
 * store migration that made unsent series provisional (store-migrations.ts).
 */
export function renameSeriesRows(db: SqlDatabase, incidentId: number, from: string, to: string, at: number): { from: string; to: string }[] {
  const notices = db.prepare("SELECT id, sequence FROM notices WHERE incident_id = ? ORDER BY sequence").all(incidentId) as { id: string; sequence: number }[];
  // The notice id is the key the audit trail and the outbox refer to: checked once, at commit.
  db.deferForeignKeys();
  const renamed: { from: string; to: string }[] = [];
  for (const n of notices) {
    const next = noticeId(to, n.sequence);
    if (next === n.id) continue;
    db.prepare("UPDATE notices SET id = @next, subject = replace(subject, @from, @to), body = replace(body, @from, @to) WHERE id = @old").run({
      next,
      from,
      to,
      old: n.id,
    });
    db.prepare("UPDATE notice_audit SET notice_id = ? WHERE notice_id = ?").run(next, n.id);
    db.prepare("UPDATE outbox SET notice_id = ? WHERE notice_id = ?").run(next, n.id);
    // Earlier names lead to the newest one; a name used again (never, in practice) is taken back.
    db.prepare("UPDATE notice_renames SET new_id = ? WHERE new_id = ?").run(next, n.id);
    db.prepare("DELETE FROM notice_renames WHERE old_id = ?").run(next);
    db.prepare(
      "INSERT INTO notice_renames (old_id, new_id, at) VALUES (?, ?, ?) ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id, at = excluded.at",
    ).run(n.id, next, at);
    renamed.push({ from: n.id, to: next });
  }
  db.prepare("UPDATE incidents SET series_id = ? WHERE id = ?").run(to, incidentId);
  return renamed;
}
