import type Database from "better-sqlite3";
import { parseCalendarDateTime } from "../maintenance/wall-clock-time.js";
import type { SqlDatabase } from "./sql-database.js";

/**
 * Call-center outages declared by a person (seed section 6): nothing probes a phone line, so an
 * on-call reviewer declares an outage on the review page or `POST /api/v1/call-center/outages`
 * (start, end or ongoing, reason; who is the signed-in reviewer), edits it (end it, correct the
 * times or the reason, cancel one declared by mistake), and every change is in an audit trail. The
 * tables live in the notice store's SQLite file; the exporter reads the outcome as a status feed
 * (`GET /api/v1/call-center/status`, docs/notices.md "Call-center outages", docs/slo.md "The call center").
 */

export const CALL_CENTER_OUTAGES_SCHEMA = `
CREATE TABLE IF NOT EXISTS call_center_outages (
  id INTEGER PRIMARY KEY,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER,
  reason TEXT NOT NULL,
  declared_by TEXT NOT NULL,
  declared_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
  version INTEGER NOT NULL DEFAULT 1,
  CHECK (end_ms IS NULL OR end_ms > start_ms)
);
CREATE TABLE IF NOT EXISTS call_center_outage_audit (
  id INTEGER PRIMARY KEY,
  outage_id INTEGER NOT NULL REFERENCES call_center_outages(id),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS call_center_outage_audit_outage ON call_center_outage_audit(outage_id, id);
`;

/** Limits of a declaration (docs/notices.md). */
export const CALL_CENTER_OUTAGE_LIMITS = {
  /** A reason is 1 to this many characters. */
  reasonChars: 500,
  /** A start at most this far in the future (a planned outage belongs in the maintenance calendar). */
  futureStartMs: 60 * 60_000,
  /** A start at most this far in the past (the report's month and a little more). */
  pastStartMs: 45 * 86_400_000,
} as const;

export interface CallCenterOutage {
  id: number;
  start_ms: number;
  end_ms: number | null;
  reason: string;
  declared_by: string;
  declared_at: number;
  updated_at: number;
  cancelled: boolean;
  version: number;
}

export interface CallCenterOutageAudit {
  at: number;
  actor: string;
  action: "declare" | "edit" | "end" | "cancel";
  detail: Record<string, unknown>;
}

/** A declaration or an edit as a person sent it: times as text (ISO with an offset, or local in the notices' zone). */
export interface OutageInput {
  start?: unknown;
  /** A time, or null / "" for ongoing. */
  end?: unknown;
  reason?: unknown;
  cancelled?: unknown;
  version?: unknown;
}

export type OutageOutcome = { ok: true; outage: CallCenterOutage } | { ok: false; status: 400 | 404 | 409; field?: string; message: string };

/** What the status feed says now: down while a declared outage is ongoing. */
export interface DeclaredStatus {
  state: "up" | "down";
  reason?: string;
  since?: number;
}

interface OutageRow extends Omit<CallCenterOutage, "cancelled"> {
  cancelled: number;
}

const fromRow = (r: OutageRow): CallCenterOutage => ({ ...r, cancelled: r.cancelled === 1 });

/** A declared outage as the committee report counts it (src/report/declared-outages.ts). */
export interface DeclaredOutage {
  startMs: number;
  /** null while ongoing. */
  endMs: number | null;
  /** When it was declared: the minutes before it, from the start, no probe saw as down. */
  declaredAtMs: number;
}

/**
 * The declared outages (not cancelled) overlapping [fromMs, toMs), read from a store opened
 * read-only: none when the store has no such table (the notifier that wrote it never declared one).
 */
export function declaredOutagesIn(db: Database.Database, fromMs: number, toMs: number): DeclaredOutage[] {
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'call_center_outages'").get()) return [];
  return (
    db
      .prepare(
        "SELECT start_ms, end_ms, declared_at FROM call_center_outages WHERE cancelled = 0 AND start_ms < ? AND (end_ms IS NULL OR end_ms > ?) ORDER BY start_ms, id",
      )
      .all(toMs, fromMs) as { start_ms: number; end_ms: number | null; declared_at: number }[]
  ).map((r) => ({ startMs: r.start_ms, endMs: r.end_ms, declaredAtMs: r.declared_at }));
}

export class CallCenterOutageBook {
  constructor(
    private readonly db: SqlDatabase,
    private readonly zone: string,
  ) {
    // PostgreSQL's tables come from its migrations (postgres-migrations.ts).
    if (db.dialect === "sqlite") db.exec(CALL_CENTER_OUTAGES_SCHEMA);
  }

  list(limit = 500): CallCenterOutage[] {
    return (this.db.prepare("SELECT * FROM call_center_outages ORDER BY start_ms DESC, id DESC LIMIT ?").all(limit) as OutageRow[]).map(fromRow);
  }

  get(id: number): CallCenterOutage | undefined {
    const row = this.db.prepare("SELECT * FROM call_center_outages WHERE id = ?").get(id) as OutageRow | undefined;
    return row && fromRow(row);
  }

  /** Outages (not cancelled) overlapping [fromMs, toMs): the report's declared outages. */
  overlapping(fromMs: number, toMs: number): CallCenterOutage[] {
    return (
      this.db
        .prepare("SELECT * FROM call_center_outages WHERE cancelled = 0 AND start_ms < ? AND (end_ms IS NULL OR end_ms > ?) ORDER BY start_ms, id")
        .all(toMs, fromMs) as OutageRow[]
    ).map(fromRow);
  }

  auditOf(id: number): CallCenterOutageAudit[] {
    return (
      this.db.prepare("SELECT at, actor, action, detail FROM call_center_outage_audit WHERE outage_id = ? ORDER BY id").all(id) as {
        at: number;
        actor: string;
        action: CallCenterOutageAudit["action"];
        detail: string;
      }[]
    ).map((a) => ({ ...a, detail: JSON.parse(a.detail) as Record<string, unknown> }));
  }

  /** The state at `now`: down while a declared outage (not cancelled) has started and not ended. */
  statusAt(now: number): DeclaredStatus {
    const row = this.db
      .prepare("SELECT * FROM call_center_outages WHERE cancelled = 0 AND start_ms <= ? AND (end_ms IS NULL OR end_ms > ?) ORDER BY start_ms, id LIMIT 1")
      .get(now, now) as OutageRow | undefined;
    return row ? { state: "down", reason: row.reason, since: row.start_ms } : { state: "up" };
  }

  declare(input: OutageInput, who: string, now: number): OutageOutcome {
    const start = this.time(input.start, "start", now, true);
    if ("message" in start) return start;
    const end = this.end(input.end, start.ms, now);
    if ("message" in end) return end;
    const reason = reasonOf(input.reason, true);
    if ("message" in reason) return reason;
    return this.db.transaction((): OutageOutcome => {
      const { id } = this.db
        .prepare("INSERT INTO call_center_outages (start_ms, end_ms, reason, declared_by, declared_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id")
        .get(start.ms, end.ms, reason.text!, who, now, now) as { id: number };
      this.audit(id, now, who, "declare", { start: iso(start.ms), end: end.ms === null ? null : iso(end.ms), reason: reason.text });
      return { ok: true, outage: this.get(id)! };
    });
  }

  /** Changes the fields given; `version` (when given) must be the outage's current one. */
  edit(id: number, input: OutageInput, who: string, now: number): OutageOutcome {
    return this.db.transaction((): OutageOutcome => {
      const current = this.get(id);
      if (!current) return { ok: false, status: 404, message: `no call-center outage ${id}` };
      if (input.version !== undefined && input.version !== current.version) {
        return {
          ok: false,
          status: 409,
          field: "version",
          message: `outage ${id} was changed meanwhile (version ${current.version}, not ${String(input.version)}): reload it`,
        };
      }
      if (current.cancelled) return { ok: false, status: 409, message: `outage ${id} was cancelled; declare a new one` };
      const changes: Record<string, unknown> = {};
      let startMs = current.start_ms;
      if (input.start !== undefined) {
        const start = this.time(input.start, "start", now, true);
        if ("message" in start) return start;
        startMs = start.ms;
        if (startMs !== current.start_ms) changes.start = { from: iso(current.start_ms), to: iso(startMs) };
      }
      let endMs = current.end_ms;
      if (input.end !== undefined) {
        const end = this.end(input.end, startMs, now);
        if ("message" in end) return end;
        endMs = end.ms;
      } else if (endMs !== null && endMs <= startMs) {
        return { ok: false, status: 400, field: "start", message: `expected start before the end (${iso(endMs)})` };
      }
      if (endMs !== current.end_ms) changes.end = { from: current.end_ms === null ? null : iso(current.end_ms), to: endMs === null ? null : iso(endMs) };
      let reasonText = current.reason;
      if (input.reason !== undefined) {
        const reason = reasonOf(input.reason, true);
        if ("message" in reason) return reason;
        reasonText = reason.text!;
        if (reasonText !== current.reason) changes.reason = { from: current.reason, to: reasonText };
      }
      let cancelled = false;
      if (input.cancelled !== undefined) {
        if (typeof input.cancelled !== "boolean") return { ok: false, status: 400, field: "cancelled", message: "expected true or false" };
        cancelled = input.cancelled;
      }
      if (!cancelled && Object.keys(changes).length === 0) return { ok: true, outage: current };
      this.db
        .prepare("UPDATE call_center_outages SET start_ms = ?, end_ms = ?, reason = ?, cancelled = ?, updated_at = ?, version = version + 1 WHERE id = ?")
        .run(startMs, endMs, reasonText, cancelled ? 1 : 0, now, id);
      const action = cancelled ? "cancel" : Object.keys(changes).length === 1 && current.end_ms === null && endMs !== null ? "end" : "edit";
      this.audit(id, now, who, action, changes);
      return { ok: true, outage: this.get(id)! };
    });
  }

  private audit(id: number, at: number, actor: string, action: CallCenterOutageAudit["action"], detail: Record<string, unknown>): void {
    this.db
      .prepare("INSERT INTO call_center_outage_audit (outage_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)")
      .run(id, at, actor, action, JSON.stringify(detail));
  }

  private time(value: unknown, field: string, now: number, required: boolean): { ms: number } | { ok: false; status: 400; field: string; message: string } {
    const bad = (message: string) => ({ ok: false as const, status: 400 as const, field, message });
    if (value === undefined || value === null || value === "") return required ? bad(`expected a date-time (the outage's ${field})`) : { ms: NaN };
    if (typeof value !== "string") return bad("expected a date-time as text");
    // Availability counts whole minutes: seconds (and fractions) are dropped, as the minute they fall in.
    const text = value.trim().replace(/^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}):\d{2}(?:\.\d+)?(?=Z|[+-]\d{2}:\d{2}|$)/, "$1");
    const parsed = parseCalendarDateTime(text, this.zone);
    if ("error" in parsed) return bad(parsed.error.replace("in the calendar's time zone", `in ${this.zone}`));
    if (parsed.instant > now + CALL_CENTER_OUTAGE_LIMITS.futureStartMs)
      return bad(`expected a time no later than an hour from now, got "${value}" (a planned call-center outage belongs in the maintenance calendar)`);
    if (parsed.instant < now - CALL_CENTER_OUTAGE_LIMITS.pastStartMs) return bad(`expected a time within the last 45 days, got "${value}"`);
    return { ms: parsed.instant };
  }

  private end(value: unknown, startMs: number, now: number): { ms: number | null } | { ok: false; status: 400; field: string; message: string } {
    if (value === undefined || value === null || value === "") return { ms: null };
    const end = this.time(value, "end", now, true);
    if ("message" in end) return end;
    if (end.ms <= startMs) return { ok: false, status: 400, field: "end", message: `expected end after start (${iso(startMs)}), got "${String(value)}"` };
    return end;
  }
}

function reasonOf(value: unknown, required: boolean): { text?: string } | { ok: false; status: 400; field: string; message: string } {
  const bad = (message: string) => ({ ok: false as const, status: 400 as const, field: "reason", message });
  if (value === undefined || value === null) return required ? bad("expected a reason (what is down, as the market should read it)") : {};
  if (typeof value !== "string") return bad("expected text");
  const text = value.replace(/\s+/g, " ").trim();
  if (text === "") return bad("expected a reason (what is down, as the market should read it)");
  if (text.length > CALL_CENTER_OUTAGE_LIMITS.reasonChars)
    return bad(`expected at most ${CALL_CENTER_OUTAGE_LIMITS.reasonChars} characters, got ${text.length}`);
  return { text };
}

const iso = (ms: number) => new Date(ms).toISOString();
