import type { Service } from "../config/schema.js";
import { formatDateTime, formatDaysAffected, formatElapsed, formatNoticeDate, formatWindow } from "./central-time.js";
import { marketText } from "./market-text.js";
import { MAX_NOTICE_ID_CHARS } from "./notice-id.js";
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
  /** COMPLETION of an outage incident the rules measured: its unavailable minutes (start to end is its length). */
  unavailableMinutes?: number;
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
    unavailable_minutes:
      facts.unavailableMinutes !== undefined && facts.end !== undefined
        ? `Unavailable minutes: ${facts.unavailableMinutes} of ${Math.round((facts.end - facts.start) / 60_000)}.`
        : "",
  };
}

/**
 * The ERCOT fields in market order, each with the most it may hold (UTF-16 code units, after
 * normalisation; longer text ends in TRUNCATION_MARKER). Generous for every default template and
 * for a month-long DAYS AFFECTED; they exist so the largest draft is a known number.
 */
export const NOTICE_FIELD_LIMITS = {
  "NOTICE DATE": 40,
  "NOTICE TYPE": 100,
  "SHORT DESCRIPTION": 300,
  "INTENDED AUDIENCE": 500,
  "DAYS AFFECTED": 1500,
  "LONG DESCRIPTION": 6000,
  "ACTION REQUIRED": 2000,
  "ADDITIONAL INFORMATION": 2000,
  CONTACT: 500,
} as const;
type NoticeField = keyof typeof NOTICE_FIELD_LIMITS;
const FIELD_SEPARATOR = "\n\n";

/** The longest body the notifier can draft: every field at its limit ("FIELD: value"), the separators and the final newline. */
export const MAX_DRAFT_BODY =
  (Object.entries(NOTICE_FIELD_LIMITS) as [NoticeField, number][]).reduce((sum, [field, limit]) => sum + field.length + ": ".length + limit, 0) +
  FIELD_SEPARATOR.length * (Object.keys(NOTICE_FIELD_LIMITS).length - 1) +
  1;
/** The longest subject the notifier can draft: the id, a space, the short description. */
export const MAX_DRAFT_SUBJECT = MAX_NOTICE_ID_CHARS + 1 + NOTICE_FIELD_LIMITS["SHORT DESCRIPTION"];

/** The notice in the ERCOT market-notice field order; optional fields are left out when empty. */
export function renderNotice(facts: NoticeFacts, wording: NoticeWording): RenderedNotice {
  const values = templateValues(facts, wording);
  const t = wording.templates[facts.kind];
  const field = (name: NoticeField, text: string, lines: "keep" | "join" = "keep") => marketText(text, NOTICE_FIELD_LIMITS[name], { lines });
  const shortDescription = field("SHORT DESCRIPTION", fillTemplate(t.short_description, values), "join");
  const fields: [NoticeField, string][] = [
    ["NOTICE DATE", field("NOTICE DATE", values.notice_date!, "join")],
    ["NOTICE TYPE", field("NOTICE TYPE", `${facts.id} ${wording.noticeTypeLabel}`, "join")],
    ["SHORT DESCRIPTION", shortDescription],
    ["INTENDED AUDIENCE", field("INTENDED AUDIENCE", wording.intendedAudience)],
    ["DAYS AFFECTED", field("DAYS AFFECTED", values.days_affected!)],
    ["LONG DESCRIPTION", field("LONG DESCRIPTION", fillTemplate(t.long_description, values))],
    ["ACTION REQUIRED", field("ACTION REQUIRED", fillTemplate(t.action_required, values))],
    ["ADDITIONAL INFORMATION", field("ADDITIONAL INFORMATION", fillTemplate(t.additional_information, values))],
    ["CONTACT", field("CONTACT", wording.contact)],
  ];
  const optional = new Set<NoticeField>(["ACTION REQUIRED", "ADDITIONAL INFORMATION"]);
  const body = fields
    .filter(([name, value]) => !(optional.has(name) && value === ""))
    .map(([name, value]) => `${name}: ${value}`)
    .join(FIELD_SEPARATOR);
  return { subject: `${facts.id} ${shortDescription}`, shortDescription, body: `${body}\n` };
}

/** Annotation text as a sentence: trimmed, ending in punctuation. */
function sentence(text: string | undefined): string {
  const t = (text ?? "").trim();
  return t === "" || /[.!?]$/.test(t) ? t : `${t}.`;
}
