import type { MaintenanceCalendar } from "../maintenance/maintenance-calendar.js";
import type { MaintenanceOccurrence } from "../maintenance/maintenance-window.js";
import { formatDateTime, formatWindow } from "./central-time.js";
import type { CreatedNotice, IncidentLifecycle } from "./incident-lifecycle.js";
import type { NoticeStore } from "./notice-store.js";

/**
 * PLANNED notices from the maintenance calendar (src/maintenance/): every planned outage of at
 * least `minDurationMs` starting within the look-ahead gets a series with a PLANNED draft, due
 * `businessDaysBefore` business days (weekends and the calendar's holidays skipped) before the
 * day it starts. When the calendar moves or changes an outage that already has a series, a new
 * PLANNED notice with the revised window follows in the same series.
 */
export interface PlannedNoticeSettings {
  minDurationMs: number;
  businessDaysBefore: number;
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

/** The calendar's outages that need a market notice, pure in its inputs. */
export function plannedOutagesToAnnounce(calendar: MaintenanceCalendar, now: number, settings: PlannedNoticeSettings): PlannedOutage[] {
  return calendar
    .occurrences(now, now + settings.lookaheadMs)
    .filter((o) => o.start > now)
    .filter((o) => o.end - o.start >= settings.minDurationMs)
    .filter((o) => (o.source.kind === "planned" ? o.source.notice_id === undefined : settings.includeRecurring))
    .map((o) => ({
      key: o.source.kind === "planned" ? `planned:${o.source.id}` : `recurring:${o.source.name}:${new Date(o.start).toISOString()}`,
      start: o.start,
      end: o.end,
      services: o.services,
      description: o.source.description ?? "",
    }));
}

/** The last day ("YYYY-MM-DD", in the calendar's zone) a notice for an outage starting at `start` may go out. */
export function noticeDueDate(calendar: MaintenanceCalendar, start: number, businessDays: number): string {
  return calendar.businessDaysBefore(calendar.localDate(start), businessDays);
}

/** Creates or revises PLANNED drafts. Call inside a store transaction. */
export function syncPlannedNotices(
  store: NoticeStore,
  lifecycle: IncidentLifecycle,
  calendar: MaintenanceCalendar,
  now: number,
  settings: PlannedNoticeSettings,
): CreatedNotice[] {
  const created: CreatedNotice[] = [];
  for (const outage of plannedOutagesToAnnounce(calendar, now, settings)) {
    const dueDate = noticeDueDate(calendar, outage.start, settings.businessDaysBefore);
    const services = JSON.stringify(outage.services);
    const known = store.plannedIncident(outage.key);
    if (!known) {
      const incident = store.insertIncident({
        kind: "planned",
        series_id: lifecycle.newSeries(now),
        planned_key: outage.key,
        status: "scheduled",
        start_ms: outage.start,
        end_ms: outage.end,
        services,
        summary: null,
        description: outage.description || null,
        runbook_url: null,
        due_date: dueDate,
        overrun: 0,
        created_at: now,
        next_update_at: null,
      });
      created.push(lifecycle.draft(incident, "PLANNED", now, {}));
      continue;
    }
    if (known.start_ms === outage.start && known.end_ms === outage.end && known.services === services) continue;
    const before = known.end_ms !== null ? formatWindow(known.start_ms, known.end_ms) : formatDateTime(known.start_ms);
    store.updateIncident(known.id, { start_ms: outage.start, end_ms: outage.end, services, due_date: dueDate, description: outage.description || null });
    created.push(
      lifecycle.draft(store.incident(known.id)!, "PLANNED", now, {
        description: `${outage.description ? `${outage.description} ` : ""}REVISED: this notice replaces the earlier notice for ${before}.`.trim(),
      }),
    );
  }
  return created;
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
