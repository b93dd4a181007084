import { SERVICES, type Service } from "../config/schema.js";
import { formatDaysAffected, formatElapsed, formatNoticeDate, formatSpanInSentence, formatTimeOnDay, formatWindow } from "./central-time.js";
import { marketText } from "./market-text.js";
import { layoutNoticeFields, NOTICE_FIELD_LIMITS, type NoticeField, type NoticeFieldValues } from "./notice-fields.js";
import { recipientsFor, type RecipientSettings } from "./notice-recipients.js";
import { fillTemplate, type NoticeKind } from "./notice-template.js";
import { processFailureValues, type ProcessFailureFacts } from "./process-failure-text.js";

export { MAX_DRAFT_BODY, MAX_DRAFT_SUBJECT, NOTICE_FIELD_LIMITS } from "./notice-fields.js";

/** Everything a notice says, as facts; the wording comes from the templates. */
export interface NoticeFacts {
  kind: NoticeKind;
  id: string;
  /**
   * When the draft is made: the NOTICE DATE it carries until it is sent (the review pages and the
   * .eml show the date it would carry if sent today; marking it sent sets the day it was sent).
   */
  createdAt: number;
  services: readonly Service[];
  /** Outage (or planned window) start and, when known, end. */
  start: number;
  end?: number;
  /** The alert's annotations: kept with the incident for the reviewer, never placed in market text by the default templates. */
  summary?: string;
  description?: string;
  runbookUrl?: string;
  /** When the next UPDATE is due (INITIAL, UPDATE). */
  nextUpdate?: number;
  /** What changed since the previous notice (UPDATE), or how the outage began (INITIAL after a maintenance overrun). */
  change?: string;
  /** The day the notice must go out by (PLANNED, REMINDER, RESCHEDULE), "YYYY-MM-DD". */
  dueDate?: string;
  /** COMPLETION of an outage incident the rules measured: its unavailable minutes (start to end is its length). */
  unavailableMinutes?: number;
  /** When each service was unavailable (COMPLETION): told service by service when there are several. */
  serviceSpans?: readonly { service: Service; start: number; end: number }[];
  /** The sent notice that announced the planned outage (REMINDER, PLANNED_COMPLETION, CANCELLATION, RESCHEDULE). */
  announcedIn?: string;
  /** The window as announced before it moved (RESCHEDULE). */
  previousWindow?: { start: number; end: number };
  /** A business-process failure (BUSINESS_PROCESS, BUSINESS_PROCESS_COMPLETION): what failed, for which usage days. */
  processFailure?: ProcessFailureFacts;
}

export interface NoticeWording {
  timeZone: string;
  /** ERCOT's notice type after the id on the NOTICE TYPE line ("Retail"). */
  noticeTypeLabel: string;
  intendedAudience: string;
  contact: string;
  /** Per-service INTENDED AUDIENCE and CONTACT (notices.by_service); the defaults above otherwise. */
  byService?: RecipientSettings["byService"];
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

/**
 * What a COMPLETION can say about availability: the services of the incident are available again;
 * "All Smart Meter Texas services" only when the incident covered every service.
 */
export function availabilitySentence(services: readonly Service[], names: Readonly<Record<Service, string>>): string {
  if (services.length === 0) return "";
  if (SERVICES.every((s) => services.includes(s))) return "All Smart Meter Texas services are available again.";
  const subject = joinServices(services, names);
  return `The ${subject} ${services.length === 1 ? "is" : "are"} available again.`;
}

export function templateValues(facts: NoticeFacts, wording: NoticeWording): Record<string, string> {
  const zone = wording.timeZone;
  const now = facts.end ?? facts.createdAt;
  return {
    notice_id: facts.id,
    services: joinServices(facts.services, wording.serviceNames),
    service_codes: facts.services.map((s) => s.toUpperCase()).join(", "),
    start: formatTimeOnDay(facts.start, zone),
    end: facts.end !== undefined ? formatTimeOnDay(facts.end, zone) : "",
    notice_date: formatNoticeDate(facts.createdAt, zone),
    days_affected: formatDaysAffected(facts.start, facts.end, zone, facts.createdAt),
    duration: formatElapsed(now - facts.start),
    window: facts.end !== undefined ? formatWindow(facts.start, facts.end, zone) : "",
    availability: availabilitySentence(facts.services, wording.serviceNames),
    service_times: serviceTimes(facts.serviceSpans ?? [], wording),
    summary: sentence(facts.summary),
    description: sentence(facts.description),
    runbook_url: facts.runbookUrl ?? "",
    next_update: facts.nextUpdate !== undefined ? formatTimeOnDay(facts.nextUpdate, zone) : "",
    change: facts.change ?? "",
    due_date: facts.dueDate ?? "",
    unavailable_minutes: unavailableMinutesSentence(facts, wording),
    announced_in: facts.announcedIn ?? "",
    previous_window: facts.previousWindow ? formatWindow(facts.previousWindow.start, facts.previousWindow.end, zone) : "",
    ...(facts.processFailure ? processFailureValues(facts.processFailure, facts, wording) : {}),
  };
}

/** A field's text as the market gets it: normalised and bounded (market-text.ts). */
export function noticeFieldText(name: NoticeField, text: string, lines: "keep" | "join" = "keep"): string {
  return marketText(text, NOTICE_FIELD_LIMITS[name], { lines });
}

/** The notice in the ERCOT market-notice field order; optional fields are left out when empty. */
export function renderNotice(facts: NoticeFacts, wording: NoticeWording): RenderedNotice {
  const values = templateValues(facts, wording);
  const t = wording.templates[facts.kind];
  const audience = recipientsFor(facts.services, {
    intendedAudience: wording.intendedAudience,
    contact: wording.contact,
    to: [],
    cc: [],
    byService: wording.byService,
  });
  const shortDescription = noticeFieldText("SHORT DESCRIPTION", fillTemplate(t.short_description, values), "join");
  const fields: NoticeFieldValues = {
    "NOTICE DATE": noticeFieldText("NOTICE DATE", values.notice_date!, "join"),
    "NOTICE TYPE": noticeFieldText("NOTICE TYPE", `${facts.id} ${wording.noticeTypeLabel}`, "join"),
    "SHORT DESCRIPTION": shortDescription,
    "INTENDED AUDIENCE": noticeFieldText("INTENDED AUDIENCE", audience.intendedAudience),
    "DAYS AFFECTED": noticeFieldText("DAYS AFFECTED", values.days_affected!),
    "LONG DESCRIPTION": noticeFieldText("LONG DESCRIPTION", fillTemplate(t.long_description, values)),
    "ACTION REQUIRED": noticeFieldText("ACTION REQUIRED", fillTemplate(t.action_required, values)),
    "ADDITIONAL INFORMATION": noticeFieldText("ADDITIONAL INFORMATION", fillTemplate(t.additional_information, values)),
    CONTACT: noticeFieldText("CONTACT", audience.contact),
  };
  return { subject: `${facts.id} ${shortDescription}`, shortDescription, body: layoutNoticeFields(fields) };
}

/**
 * "The web portal (GUI) was unavailable from 09:40 to 10:35 CDT on … (55 minutes); the energy data
 * API from 09:51 to 10:52 CDT on … (1 hour 1 minute)." Empty for one service, or when every service
 * was down for the same span (the notice already says it).
 */
export function serviceTimes(spans: readonly { service: Service; start: number; end: number }[], wording: NoticeWording): string {
  if (spans.length < 2 || spans.every((s) => s.start === spans[0]!.start && s.end === spans[0]!.end)) return "";
  const zone = wording.timeZone;
  const parts = spans.map(
    (s, i) =>
      `${i === 0 ? "The" : "the"} ${wording.serviceNames[s.service]}${i === 0 ? " was unavailable" : ""} ${formatSpanInSentence(s.start, s.end, zone)} (${formatElapsed(s.end - s.start)})`,
  );
  return `${parts.join("; ")}.`;
}

/** Annotation text as a sentence: trimmed, ending in punctuation. */
function sentence(text: string | undefined): string {
  const t = (text ?? "").trim();
  return t === "" || /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * A flapping outage incident's COMPLETION (one service, figures from the rules), after the sentence
 * that gives its start, end and length: "Service came back only briefly in between: the energy data
 * API was unavailable for 40 of those 42 minutes." Empty when every minute of the incident was
 * unavailable (the sentence before already says so) or the figures are not known.
 */
export function unavailableMinutesSentence(facts: NoticeFacts, wording: NoticeWording): string {
  if (facts.unavailableMinutes === undefined || facts.end === undefined || facts.services.length !== 1) return "";
  const length = Math.round((facts.end - facts.start) / 60_000);
  if (facts.unavailableMinutes >= length) return "";
  const name = wording.serviceNames[facts.services[0]!];
  return `Service came back only briefly in between: the ${name} was unavailable for ${facts.unavailableMinutes} of those ${length} minutes.`;
}
