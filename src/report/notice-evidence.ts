import type { Service } from "../config/services.js";
import type { MaintenanceCalendar } from "../maintenance/maintenance-calendar.js";
import type { NoticeEvidence, NoticeStatus } from "../notices/notice-store.js";
import { addDays, formatCivilDate, parseCivilDate } from "../maintenance/wall-clock-time.js";
import { outageIncidents } from "./outage-notices.js";

/**
 * The market notices of an outage as compliance evidence (issue 9 item 5): each notice with its
 * status (draft, approved, sent) and, only when sent, its sent time; for a planned window, its lead
 * time in business days against the rule that planned maintenance is announced 3 business days
 * ahead. A draft or an approved notice is never shown as sent. Pure: the store's evidence and the
 * business-day calendar are passed in.
 */

/** Planned maintenance is announced at least this many business days before it starts (SLO document 3.3 ff.). */
export const PLANNED_NOTICE_BUSINESS_DAYS = 3;

export interface EvidenceNoticeEntry {
  id: string;
  /** As stored by the notifier (INITIAL, UPDATE, COMPLETION, PLANNED, …). */
  kind: string;
  status: NoticeStatus;
  /** ISO time the notice was sent; null for a draft or an approved notice. */
  sent_at: string | null;
}

/** Whether a planned window was announced in time. */
export type AnnouncementRule = "met" | "missed" | "not_sent" | "not_required";

export interface PlannedAnnouncement {
  rule: AnnouncementRule;
  required_business_days: number;
  /** The first sent notice of the window's series (null: none sent). */
  notice_id: string | null;
  sent_at: string | null;
  /** Business days from the day it was sent (counted) to the day the window starts (not counted); null when not sent. */
  lead_business_days: number | null;
}

export type EvidenceProblem = "no_sent_notice" | "announced_late" | "not_announced";

/** A line of the report's summary: an outage whose notices would not satisfy the committee. */
export interface EvidenceFlag {
  service: Service;
  kind: "unplanned" | "planned";
  start: string;
  minutes: number;
  problem: EvidenceProblem;
  /** One sentence for the committee. */
  text: string;
}

/** The business-day side of the maintenance calendar (its zone and holidays). */
export type BusinessDayCalendar = Pick<MaintenanceCalendar, "localDate" | "isBusinessDay">;

/** Business days d with sentDate <= d < startDate (dates in the calendar's zone): 3 for Wednesday before a Saturday. Pure. */
export function leadBusinessDays(sentMs: number, startMs: number, calendar: BusinessDayCalendar): number {
  const end = calendar.localDate(startMs);
  let n = 0;
  for (let day = parseCivilDate(calendar.localDate(sentMs))!; formatCivilDate(day) < end; day = addDays(day, 1)) {
    if (calendar.isBusinessDay(formatCivilDate(day))) n++;
  }
  return n;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface OutageEvidence {
  notices: EvidenceNoticeEntry[];
  /** Planned windows only. */
  announcement: PlannedAnnouncement | null;
  flag: EvidenceProblem | null;
}

/**
 * The notices of one listed outage and what they prove. An unplanned outage (over the threshold) is
 * flagged when none of its notices was sent; a planned window longer than the threshold when its
 * first sent notice left fewer than 3 business days, or when none was sent. Pure.
 */
export function outageEvidence(
  outage: { service: Service; kind: "unplanned" | "planned"; startMs: number; endMs: number; minutes: number },
  evidence: NoticeEvidence,
  calendar: BusinessDayCalendar,
  thresholdMinutes: number,
): OutageEvidence {
  const incidents = outageIncidents(outage, evidence);
  const stored = incidents.flatMap((id) => evidence.notices.get(id) ?? []);
  const notices = stored.map((n): EvidenceNoticeEntry => ({ id: n.id, kind: n.kind, status: n.status, sent_at: n.status === "sent" ? iso(n.sentAt) : null }));
  const sent = stored.filter((n) => n.status === "sent" && n.sentAt !== null);
  if (outage.kind === "unplanned") return { notices, announcement: null, flag: sent.length === 0 ? "no_sent_notice" : null };
  // The window as the notifier planned it (the month's part may start later, when it began before the month).
  const planned = evidence.plannedIncidents.filter((p) => incidents.includes(p.incidentId));
  const startMs = planned.length ? Math.min(...planned.map((p) => p.startMs)) : outage.startMs;
  const first = sent.reduce<(typeof sent)[number] | undefined>((a, n) => (a === undefined || n.sentAt! < a.sentAt! ? n : a), undefined);
  const lead = first ? leadBusinessDays(first.sentAt!, startMs, calendar) : null;
  const required = outage.minutes > thresholdMinutes;
  const rule: AnnouncementRule = !required ? "not_required" : lead === null ? "not_sent" : lead >= PLANNED_NOTICE_BUSINESS_DAYS ? "met" : "missed";
  return {
    notices,
    announcement: {
      rule,
      required_business_days: PLANNED_NOTICE_BUSINESS_DAYS,
      notice_id: first?.id ?? null,
      sent_at: iso(first?.sentAt ?? null),
      lead_business_days: lead,
    },
    flag: rule === "missed" ? "announced_late" : rule === "not_sent" ? "not_announced" : null,
  };
}

/** The summary sentence of a flag. */
export function flagText(problem: EvidenceProblem, outage: { service: string; start_central: string; minutes: number }, lead: number | null): string {
  const what = `${outage.service.toUpperCase()} ${outage.start_central} (${outage.minutes} min)`;
  switch (problem) {
    case "no_sent_notice":
      return `unplanned outage ${what}: no market notice was sent`;
    case "announced_late":
      return `planned maintenance ${what}: announced ${lead} business day${lead === 1 ? "" : "s"} ahead, ${PLANNED_NOTICE_BUSINESS_DAYS} required`;
    case "not_announced":
      return `planned maintenance ${what}: no market notice was sent`;
  }
}
