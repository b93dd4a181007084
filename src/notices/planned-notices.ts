import { NEXT_WINDOW_HORIZON_MS, type MaintenanceCalendar } from "../maintenance/maintenance-calendar.js";
import type { MaintenanceOccurrence } from "../maintenance/maintenance-window.js";
import type { Service } from "../config/services.js";
import { ALERT_NAMES } from "../rules/alert-contract.js";
import { SYSTEM_ACTOR, type CreatedNotice, type IncidentLifecycle } from "./incident-lifecycle.js";
import type { NoticeFacts } from "./notice-render.js";
import type { IncidentRow, Notice, NoticeStore } from "./notice-store.js";

/**
 * The planned-maintenance series, from the maintenance calendar (src/maintenance/), one series per
 * planned outage (docs/notices.md, "The planned-maintenance series"):
 *
 * - PLANNED: every planned outage longer than `minDurationMs` ("greater than 15 minutes") starting
 *   within the look-ahead gets a series with a PLANNED draft, due `businessDaysBefore` business
 *   days (weekends and the calendar's holidays skipped) before the day it starts;
 * - REMINDER: on the day `reminderBusinessDaysBefore` business days before the outage's day, once
 *   the PLANNED (or RESCHEDULE) notice was sent before that day;
 * - PLANNED_COMPLETION: `completionAfterMs` after the window ends, when the outage was announced
 *   and no SMTMaintenanceOverrun started at the window's end (an overrun is an unplanned outage:
 *   its own series, incident-lifecycle.ts);
 * - CANCELLATION: the calendar entry was removed after a notice of the series was sent;
 * - RESCHEDULE: the entry moved (or its services changed) after a notice was sent.
 *
 * Before anything of a series was sent, a move re-drafts the PLANNED draft in place (the change
 * is in its audit trail) and a removal leaves the drafts, each with an audit entry saying not to
 * send it. Every function is pure in the store, the calendar and the instant passed in.
 */
export interface PlannedNoticeSettings {
  minDurationMs: number;
  businessDaysBefore: number;
  /** The REMINDER's due day, in business days before the outage's day; none when not below businessDaysBefore. */
  reminderBusinessDaysBefore: number;
  /** How long after the window's end the planned COMPLETION is drafted. */
  completionAfterMs: number;
  lookaheadMs: number;
  includeRecurring: boolean;
}

export interface PlannedOutage {
  key: string;
  start: number;
  end: number;
  services: MaintenanceOccurrence["services"];
  description: string;
}

/** The notice kinds that announce a window to the market (the notice a later one refers to). */
const ANNOUNCING = new Set(["PLANNED", "RESCHEDULE"]);

function outageKey(o: MaintenanceOccurrence): string {
  return o.source.kind === "planned" ? `planned:${o.source.id}` : `recurring:${o.source.name}:${new Date(o.start).toISOString()}`;
}

function plannedOutage(o: MaintenanceOccurrence): PlannedOutage {
  return { key: outageKey(o), start: o.start, end: o.end, services: o.services, description: o.source.description ?? "" };
}

/** The calendar's outages that need a market notice, pure in its inputs: longer than the minimum, not announced by hand. */
export function plannedOutagesToAnnounce(calendar: MaintenanceCalendar, now: number, settings: PlannedNoticeSettings): PlannedOutage[] {
  return calendar
    .occurrences(now, now + settings.lookaheadMs)
    .filter((o) => o.start > now)
    .filter((o) => o.end - o.start > settings.minDurationMs)
    .filter((o) => (o.source.kind === "planned" ? o.source.notice_id === undefined : settings.includeRecurring))
    .map(plannedOutage);
}

/** The last day ("YYYY-MM-DD", in the calendar's zone) a notice for an outage starting at `start` may go out. */
export function noticeDueDate(calendar: MaintenanceCalendar, start: number, businessDays: number): string {
  return calendar.businessDaysBefore(calendar.localDate(start), businessDays);
}

/** The latest sent notice that announced the series' window (PLANNED or RESCHEDULE), else the latest sent one. */
function announcementOf(notices: readonly Notice[]): Notice | undefined {
  const sent = notices.filter((n) => n.status === "sent");
  return sent.filter((n) => ANNOUNCING.has(n.kind)).at(-1) ?? sent.at(-1);
}

/** Creates the planned series' drafts that are due at `now`. Call inside a store transaction. */
export function syncPlannedNotices(
  store: NoticeStore,
  lifecycle: IncidentLifecycle,
  calendar: MaintenanceCalendar,
  now: number,
  settings: PlannedNoticeSettings,
): CreatedNotice[] {
  const created: CreatedNotice[] = [];
  for (const outage of plannedOutagesToAnnounce(calendar, now, settings)) {
    if (store.plannedIncident(outage.key)) continue;
    const dueDate = noticeDueDate(calendar, outage.start, settings.businessDaysBefore);
    const incident = lifecycle.openSeries({
      kind: "planned",
      planned_key: outage.key,
      status: "scheduled",
      start_ms: outage.start,
      end_ms: outage.end,
      services: JSON.stringify(outage.services),
      summary: null,
      description: outage.description || null,
      runbook_url: null,
      due_date: dueDate,
      overrun: 0,
      created_at: now,
      next_update_at: null,
      cancelled_at: null,
    });
    created.push(lifecycle.draft(incident, "PLANNED", now, {}, dueDate));
  }
  // Every known entry as the calendar has it now, by key, whatever its length or look-ahead.
  const current = new Map(calendar.occurrences(now, now + NEXT_WINDOW_HORIZON_MS).map((o) => [outageKey(o), plannedOutage(o)] as const));
  for (const incident of store.scheduledPlannedIncidents()) {
    if (incident.start_ms > now) created.push(...beforeWindow(store, lifecycle, calendar, now, settings, incident, current.get(incident.planned_key ?? "")));
    else if (incident.end_ms !== null && now >= incident.end_ms + settings.completionAfterMs)
      created.push(...afterWindow(store, lifecycle, calendar, now, incident));
  }
  return created;
}

function beforeWindow(
  store: NoticeStore,
  lifecycle: IncidentLifecycle,
  calendar: MaintenanceCalendar,
  now: number,
  settings: PlannedNoticeSettings,
  incident: IncidentRow,
  outage: PlannedOutage | undefined,
): CreatedNotice[] {
  const notices = store.noticesOf(incident.id);
  const announcement = announcementOf(notices);
  // The window the market was told of: the one the latest sent announcement states.
  const announced =
    announcement?.window_start_ms != null && announcement.window_end_ms != null
      ? { start: announcement.window_start_ms, end: announcement.window_end_ms }
      : { start: incident.start_ms, end: incident.end_ms ?? incident.start_ms };
  const unsent = (after: number) => notices.filter((n) => n.status !== "sent" && n.sequence > after);
  if (!outage) {
    // Removed from the calendar: the series ends. Its key is freed, so an entry added back later
    // (the same id) starts a series of its own.
    store.updateIncident(incident.id, { status: "resolved", cancelled_at: now, planned_key: `${incident.planned_key ?? ""}#cancelled@${now}` });
    for (const n of unsent(0)) store.addAudit(n.id, now, SYSTEM_ACTOR, "cancelled", { reason: "the calendar entry was removed: do not send" });
    if (!announcement) return [];
    const facts = { announcedIn: announcement.id, start: announced.start, end: announced.end, services: announcement.services };
    return [lifecycle.draft(incident, "CANCELLATION", now, facts, calendar.localDate(announced.start))];
  }
  const services = JSON.stringify(outage.services);
  if (outage.start !== incident.start_ms || outage.end !== incident.end_ms || services !== incident.services) {
    const dueDate = noticeDueDate(calendar, outage.start, settings.businessDaysBefore);
    store.updateIncident(incident.id, { start_ms: outage.start, end_ms: outage.end, services, due_date: dueDate, description: outage.description || null });
    const moved = store.incident(incident.id)!;
    if (announcement) {
      const pending = unsent(announcement.sequence).filter((n) => n.kind === "RESCHEDULE");
      if (outage.start === announced.start && outage.end === announced.end && services === JSON.stringify(announcement.services)) {
        // Back to what was announced: nothing to tell.
        for (const n of pending) store.addAudit(n.id, now, SYSTEM_ACTOR, "superseded", { reason: "the window is back to the one announced: do not send" });
        return [];
      }
      const extra = { announcedIn: announcement.id, previousWindow: announced };
      const draft = pending.filter((n) => n.status === "draft").at(-1);
      if (draft) return redraft(store, lifecycle, moved, draft, extra, dueDate, now);
      return [lifecycle.draft(moved, "RESCHEDULE", now, extra, dueDate)];
    }
    const draft = notices.filter((n) => n.kind === "PLANNED" && n.status === "draft").at(-1);
    if (draft) return redraft(store, lifecycle, moved, draft, {}, dueDate, now);
    const next = lifecycle.draft(moved, "PLANNED", now, {}, dueDate);
    for (const n of unsent(0)) store.addAudit(n.id, now, SYSTEM_ACTOR, "superseded", { by: next.id, reason: "the window moved: do not send" });
    return [next];
  }
  // Unchanged: the REMINDER of the window as announced, once the announcement went out before the reminder's day.
  if (!announcement?.sent_at || settings.reminderBusinessDaysBefore >= settings.businessDaysBefore) return [];
  if (announced.start !== incident.start_ms || announced.end !== incident.end_ms) return [];
  const reminderDue = noticeDueDate(calendar, incident.start_ms, settings.reminderBusinessDaysBefore);
  const reminded = notices.some((n) => n.kind === "REMINDER" && n.sequence > announcement.sequence);
  if (reminded || calendar.localDate(now) < reminderDue || calendar.localDate(announcement.sent_at) >= reminderDue) return [];
  return [lifecycle.draft(incident, "REMINDER", now, { announcedIn: announcement.id }, reminderDue)];
}

/**
 * Nothing of it went out yet: a draft (PLANNED, or a RESCHEDULE) says the new window instead. The
 * text it had stays in its audit trail, as an edit by the notifier.
 */
function redraft(
  store: NoticeStore,
  lifecycle: IncidentLifecycle,
  incident: IncidentRow,
  draft: Notice,
  extra: Partial<NoticeFacts>,
  dueDate: string,
  now: number,
): CreatedNotice[] {
  const facts = lifecycle.facts(incident, draft.kind, draft.id, now, extra);
  const text = lifecycle.render(facts);
  store.updateNotice(draft.id, {
    subject: text.subject,
    body: text.body,
    services: JSON.stringify(facts.services),
    version: draft.version + 1,
    updated_at: now,
    due_date: dueDate,
    window_start_ms: facts.start,
    window_end_ms: facts.end ?? null,
  });
  store.addAudit(draft.id, now, SYSTEM_ACTOR, "edited", {
    subject: { before: draft.subject, after: text.subject },
    body: { before: draft.body, after: text.body },
  });
  return [];
}

function afterWindow(store: NoticeStore, lifecycle: IncidentLifecycle, calendar: MaintenanceCalendar, now: number, incident: IncidentRow): CreatedNotice[] {
  const end = incident.end_ms!;
  const overrun = store.overrunAt(JSON.parse(incident.services) as Service[], end, ALERT_NAMES.maintenanceOverrun);
  store.updateIncident(incident.id, { status: "resolved", overrun: overrun ? 1 : 0 });
  const announcement = announcementOf(store.noticesOf(incident.id));
  // Not announced: nothing to complete. Overrun: the unplanned series tells the market when service returns.
  if (!announcement || overrun) return [];
  return [lifecycle.draft(incident, "PLANNED_COMPLETION", now, { announcedIn: announcement.id }, calendar.localDate(end))];
}

/**
 * Planned outages still ahead whose notice is overdue: the local date is past the due date and no
 * notice of the series is approved or sent.
 */
export function overduePlannedNotices(store: NoticeStore, calendar: MaintenanceCalendar, now: number): { seriesId: string; dueDate: string; start: number }[] {
  const today = calendar.localDate(now);
  const overdue: { seriesId: string; dueDate: string; start: number }[] = [];
  for (const incident of store.plannedIncidentsStartingAfter(now)) {
    if (!incident.due_date || today <= incident.due_date) continue;
    const ok = store.noticesOf(incident.id).some((n) => n.status === "approved" || n.status === "sent");
    if (!ok) overdue.push({ seriesId: incident.series_id, dueDate: incident.due_date, start: incident.start_ms });
  }
  return overdue;
}
