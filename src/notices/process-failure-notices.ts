import type { NoticeFacts } from "./notice-render.js";
import type { IncidentRow, NoticeStore, ProcessFailureRow } from "./notice-store.js";
import type { ProcessFailureSignal } from "./process-failure-signal.js";
import type { ProcessFailureFacts } from "./process-failure-text.js";
import type { NoticeKind } from "./notice-template.js";

/** What this needs of the incident lifecycle (incident-lifecycle.ts): a new series, and the next draft of one. */
export interface SeriesDrafter {
  openSeries(fields: Omit<IncidentRow, "id" | "series_id">): IncidentRow;
  draft(incident: IncidentRow, kind: NoticeKind, now: number, extra: Partial<NoticeFacts>): CreatedNotice;
}
interface CreatedNotice {
  id: string;
  kind: NoticeKind;
}

/**
 * The notices of business-process failures (docs/notices.md, "Business-process failures"), applied
 * inside the webhook delivery's transaction:
 *
 * - a firing alert for a usage day with no failure yet (alert name + service + usage day) opens one:
 *   its own series, a BUSINESS_PROCESS draft naming the usage days and the deadline missed;
 * - anything else for a known usage day (repeats, retries, HA copies, a re-fire after the data came)
 *   drafts nothing: exactly one failure notice per service and usage day;
 * - a resolved alert completes every open failure of that alert and service (the data of every day
 *   up to the alert's arrived): one BUSINESS_PROCESS_COMPLETION each;
 * - a resolved alert for a usage day never seen firing (the notifier was down) drafts its
 *   COMPLETION alone, in a new series, so the market still hears of it.
 *
 * No UPDATE cadence: a failure's news is that the data arrived.
 */
export function applyProcessFailure(lifecycle: SeriesDrafter, store: NoticeStore, signal: ProcessFailureSignal, now: number): CreatedNotice[] {
  const known = store.processFailure(signal.alertname, signal.service, signal.usageDay);
  if (signal.status === "firing") {
    if (known) return [];
    const incident = openFailure(lifecycle, store, signal, "open", now);
    return [draft(lifecycle, store, incident, "BUSINESS_PROCESS", now)];
  }
  const open = store.openProcessFailures(signal.alertname, signal.service).filter((f) => f.usage_day <= signal.usageDay);
  const created: CreatedNotice[] = [];
  for (const failure of open) {
    store.updateIncident(failure.incident_id, { status: "resolved", end_ms: Math.max(signal.endMs!, store.incident(failure.incident_id)!.start_ms) });
    created.push(draft(lifecycle, store, store.incident(failure.incident_id)!, "BUSINESS_PROCESS_COMPLETION", now));
  }
  if (!known && open.length === 0) {
    const incident = openFailure(lifecycle, store, signal, "resolved", now);
    created.push(draft(lifecycle, store, incident, "BUSINESS_PROCESS_COMPLETION", now));
  }
  return created;
}

function openFailure(lifecycle: SeriesDrafter, store: NoticeStore, signal: ProcessFailureSignal, status: "open" | "resolved", now: number): IncidentRow {
  const incident = lifecycle.openSeries({
    kind: "business_process",
    planned_key: null,
    status,
    start_ms: signal.startMs,
    end_ms: status === "resolved" ? signal.endMs! : null,
    services: JSON.stringify([signal.service]),
    summary: signal.summary ?? null,
    description: signal.description ?? null,
    runbook_url: signal.runbookUrl ?? null,
    due_date: null,
    overrun: 0,
    created_at: now,
    next_update_at: null,
    cancelled_at: null,
  });
  store.insertProcessFailure({
    incident_id: incident.id,
    alertname: signal.alertname,
    service: signal.service,
    usage_day: signal.usageDay,
    usage_days: JSON.stringify(signal.usageDays),
    deadline_ms: signal.deadlineMs ?? null,
    detail: signal.quality ? JSON.stringify({ failure: signal.failure, quality: signal.quality }) : JSON.stringify({ failure: signal.failure }),
  });
  return incident;
}

/** The facts of a failure as its notices state them. */
export function processFailureFacts(row: ProcessFailureRow): ProcessFailureFacts {
  const detail = JSON.parse(row.detail ?? "{}") as { failure?: ProcessFailureFacts["failure"]; quality?: ProcessFailureFacts["quality"] };
  return {
    failure: detail.failure ?? "late_data",
    usageDays: JSON.parse(row.usage_days) as string[],
    ...(row.deadline_ms !== null ? { deadline: row.deadline_ms } : {}),
    ...(detail.quality ? { quality: detail.quality } : {}),
  };
}

function draft(
  lifecycle: SeriesDrafter,
  store: NoticeStore,
  incident: IncidentRow,
  kind: "BUSINESS_PROCESS" | "BUSINESS_PROCESS_COMPLETION",
  now: number,
): CreatedNotice {
  const extra: Partial<NoticeFacts> = {
    processFailure: processFailureFacts(store.processFailureOf(incident.id)!),
    ...(kind === "BUSINESS_PROCESS_COMPLETION" && incident.end_ms !== null ? { end: incident.end_ms } : {}),
  };
  return lifecycle.draft(incident, kind, now, extra);
}
