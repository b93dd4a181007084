import type { Service } from "../config/schema.js";
import { formatDateTime, formatDaysAffected, formatElapsed, formatNoticeDate, formatWindow } from "./central-time.js";
import { fillTemplate, type NoticeKind } from "./notice-template.js";

/** Everything a notice says, as facts; the wording comes from the templates. */
export interface NoticeFacts {
  kind: NoticeKind;
  id: string;
  /** When the draft is made: the NOTICE DATE. */
  createdAt: number;
  services: readonly Service[];
  /** Outage (or planned window) start and, when known, end. */
  start: number;
  end?: number;
  summary?: string;
  description?: string;
  runbookUrl?: string;
  /** When the next UPDATE is due (INITIAL, UPDATE). */
  nextUpdate?: number;
  /** What changed since the previous notice (UPDATE). */
  change?: string;
  /** The day the notice must go out by (PLANNED), "YYYY-MM-DD". */
  dueDate?: string;
}

export interface NoticeWording {
  timeZone: string;
  noticeTypeLabel: string;
  intendedAudience: string;
  contact: string;
  serviceNames: Readonly<Record<Service, string>>;
  templates: Readonly<Record<NoticeKind, { short_description: string; long_description: string; action_required: string; additional_information: string }>>;
}

export interface RenderedNotice {
  subject: string;
  shortDescription: string;
  /** The ERCOT-format text: one "FIELD: value" paragraph per field, in the market order. */
  body: string;
}

/** "web portal (GUI)", "web portal (GUI) and energy data API", "A, B and C". */
export function joinServices(services: readonly Service[], names: Readonly<Record<Service, string>>): string {
  const list = services.map((s) => names[s]);
  if (list.length <= 1) return list[0] ?? "";
  return `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]}`;
}

export function templateValues(facts: NoticeFacts, wording: NoticeWording): Record<string, string> {
  const zone = wording.timeZone;
  const now = facts.end ?? facts.createdAt;
  return {
    notice_id: facts.id,
    services: joinServices(facts.services, wording.serviceNames),
    service_codes: facts.services.map((s) => s.toUpperCase()).join(", "),
    start: formatDateTime(facts.start, zone),
    end: facts.end !== undefined ? formatDateTime(facts.end, zone) : "",
    notice_date: formatNoticeDate(facts.createdAt, zone),
    days_affected: formatDaysAffected(facts.start, facts.end, zone),
    duration: formatElapsed(now - facts.start),
    window: facts.end !== undefined ? formatWindow(facts.start, facts.end, zone) : "",
    summary: sentence(facts.summary),
    description: sentence(facts.description),
    runbook_url: facts.runbookUrl ?? "",
    next_update: facts.nextUpdate !== undefined ? formatDateTime(facts.nextUpdate, zone) : "",
    change: facts.change ?? "",
    due_date: facts.dueDate ?? "",
  };
}

/** The notice in the ERCOT market-notice field order; optional fields are left out when empty. */
export function renderNotice(facts: NoticeFacts, wording: NoticeWording): RenderedNotice {
  const values = templateValues(facts, wording);
  const t = wording.templates[facts.kind];
  const shortDescription = oneLine(fillTemplate(t.short_description, values));
  const fields: [string, string][] = [
    ["NOTICE DATE", values.notice_date!],
    ["NOTICE TYPE", `${facts.id} ${wording.noticeTypeLabel}`.trim()],
    ["SHORT DESCRIPTION", shortDescription],
    ["INTENDED AUDIENCE", wording.intendedAudience],
    ["DAYS AFFECTED", values.days_affected!],
    ["LONG DESCRIPTION", fillTemplate(t.long_description, values)],
    ["ACTION REQUIRED", fillTemplate(t.action_required, values)],
    ["ADDITIONAL INFORMATION", fillTemplate(t.additional_information, values)],
    ["CONTACT", wording.contact],
  ];
  const optional = new Set(["ACTION REQUIRED", "ADDITIONAL INFORMATION"]);
  const body = fields
    .filter(([field, value]) => !(optional.has(field) && value === ""))
    .map(([field, value]) => `${field}: ${value}`)
    .join("\n\n");
  return { subject: `${facts.id} ${shortDescription}`, shortDescription, body: `${body}\n` };
}

/** Annotation text as a sentence: trimmed, ending in punctuation. */
function sentence(text: string | undefined): string {
  const t = (text ?? "").trim();
  return t === "" || /[.!?]$/.test(t) ? t : `${t}.`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
