import { createHash } from "node:crypto";
import { SERVICES, type Service } from "../config/schema.js";
import { ALERT_ANNOTATIONS, ALERT_LABELS, ALERT_NAMES } from "../rules/alert-contract.js";
import { secretRedactor } from "../secrets/redactor.js";
import { alertTime, annotationTime } from "./alert-time.js";
import { boundMarketText, normaliseMarketText } from "./market-text.js";
import { isProcessFailureAlert, processFailureSignal, type ProcessFailureSignal } from "./process-failure-signal.js";
import type { WebhookAlert } from "./webhook-payload.js";

/**
 * What one alert of a webhook payload means for the notices, decided by a pure function.
 *
 * - `SMTUnplannedOutage` (label `service`, annotation `outage_start_timestamp`; the names are
 *   NOTICE_SIGNALS below): an outage of that service that started then (the alert's startsAt when
 *   the annotation is missing or bad).
 * - `SMTMaintenanceOverrun` (label `service`, annotation `window_end_timestamp`): the service did
 *   not come back when its maintenance window ended; an unplanned outage from the window's end.
 * - `SMTDataDeliveryLate`, `SMTDataQualityFailing`: a business-process failure (process-failure-signal.ts).
 * - anything else: recorded, no notice.
 *
 * An outage is identified by service + start (whole Unix seconds) and the alert's name, so repeats,
 * retries and the copies an Alertmanager HA pair sends all land on the same outage, and an overrun
 * and the outage alert with the same start are two outages of one incident (it completes when
 * both have resolved).
 */
export type AlertSignal =
  | {
      type: "outage";
      status: "firing" | "resolved";
      service: Service;
      startSeconds: number;
      /**
       * When it ended (resolved alerts: the end of the incident's last unavailable minute from
       * `outage_end_timestamp` when the rules gave one, else endsAt, else the time received).
       */
      endMs?: number;
      /** SMTUnplannedOutage: the outage incident's figures so far (all three annotations valid), for the COMPLETION. */
      incident?: OutageIncidentFigures;
      overrun: boolean;
      alertname: string;
      summary?: string;
      description?: string;
      runbookUrl?: string;
      /** What the reviewer should check: input the notifier did not believe and what it used instead. */
      notes?: string[];
    }
  | ProcessFailureSignal
  | { type: "other"; alertname: string; status: "firing" | "resolved"; reason?: string };

/** An outage incident as the rules measured it (docs/slo.md, "Outage incidents"). */
export interface OutageIncidentFigures {
  /** End of the last unavailable minute, Unix ms. */
  endMs: number;
  unavailableMinutes: number;
  /** First to last unavailable minute. */
  lengthMinutes: number;
}

/** The annotations of SMTUnplannedOutage that carry the incident's figures (src/rules/alert-contract.ts). */
export const INCIDENT_ANNOTATIONS = {
  end: ALERT_ANNOTATIONS.outageEndTimestamp,
  unavailableMinutes: ALERT_ANNOTATIONS.outageUnavailableMinutes,
  lengthMinutes: ALERT_ANNOTATIONS.outageLengthMinutes,
} as const;

/**
 * The incident's figures from the annotations, when all three are plain whole numbers that agree
 * with the start and the time of receipt; otherwise undefined (the alert's endsAt is used).
 */
function incidentFigures(annotations: Record<string, string>, startSeconds: number, receivedAt: number): OutageIncidentFigures | undefined {
  const end = annotationTime(annotations[INCIDENT_ANNOTATIONS.end], receivedAt);
  const whole = (text: string | undefined) => (text !== undefined && /^\d{1,7}$/.test(text) ? Number(text) : undefined);
  const unavailableMinutes = whole(annotations[INCIDENT_ANNOTATIONS.unavailableMinutes]);
  const lengthMinutes = whole(annotations[INCIDENT_ANNOTATIONS.lengthMinutes]);
  if (!end || !("seconds" in end) || unavailableMinutes === undefined || lengthMinutes === undefined) return undefined;
  if (end.seconds - startSeconds !== lengthMinutes * 60 || unavailableMinutes < 1 || unavailableMinutes > lengthMinutes) return undefined;
  return { endMs: end.seconds * 1000, unavailableMinutes, lengthMinutes };
}

/**
 * What the notifier reads of each alert it drafts notices for: the alert names, the label and the
 * annotation that holds the outage's start, all from the rules' contract (src/rules/alert-contract.ts);
 * test/alert-contract.test.ts checks that the rule files produce every one of them.
 */
export const NOTICE_SIGNALS = {
  [ALERT_NAMES.unplannedOutage]: { startAnnotation: ALERT_ANNOTATIONS.outageStartTimestamp, overrun: false },
  [ALERT_NAMES.maintenanceOverrun]: { startAnnotation: ALERT_ANNOTATIONS.windowEndTimestamp, overrun: true },
} as const;
export const NOTICE_SIGNAL_LABELS = [ALERT_LABELS.service] as const;
/** The annotations copied into the notice text, by the fact they become (bounded by ALERT_TEXT_LIMITS). */
export const NOTICE_TEXT_ANNOTATIONS = {
  summary: ALERT_ANNOTATIONS.summary,
  description: ALERT_ANNOTATIONS.description,
  runbookUrl: ALERT_ANNOTATIONS.runbookUrl,
} as const;

const isNoticeSignal = (alertname: string): alertname is keyof typeof NOTICE_SIGNALS => Object.hasOwn(NOTICE_SIGNALS, alertname);

export function alertSignal(alert: WebhookAlert, receivedAt: number): AlertSignal {
  const alertname = alert.labels[ALERT_LABELS.alertname]!;
  const status = alert.status;
  if (isProcessFailureAlert(alertname)) {
    const signal = processFailureSignal(alert, receivedAt);
    if ("reason" in signal) return { type: "other", alertname, status, reason: signal.reason };
    return {
      ...signal,
      ...optional("summary", alert.annotations[NOTICE_TEXT_ANNOTATIONS.summary]),
      ...optional("description", alert.annotations[NOTICE_TEXT_ANNOTATIONS.description]),
      ...optional("runbookUrl", alert.annotations[NOTICE_TEXT_ANNOTATIONS.runbookUrl]),
    };
  }
  if (!isNoticeSignal(alertname)) return { type: "other", alertname, status };
  const service = alert.labels[ALERT_LABELS.service];
  if (!service || !(SERVICES as readonly string[]).includes(service)) {
    return {
      type: "other",
      alertname,
      status,
      reason: `label ${ALERT_LABELS.service} ${service === undefined ? "is missing" : `"${service}" is not one of ${SERVICES.join(", ")}`}`,
    };
  }
  const { overrun, startAnnotation: annotation } = NOTICE_SIGNALS[alertname];
  const annotated = annotationTime(alert.annotations[annotation], receivedAt);
  const startsAt = alertTime(alert.startsAt);
  const startSeconds =
    annotated && "seconds" in annotated ? annotated.seconds : startsAt !== undefined ? Math.floor(startsAt / 1000) : Math.floor(receivedAt / 1000);
  const endsAt = alertTime(alert.endsAt);
  const incident = overrun ? undefined : incidentFigures(alert.annotations, startSeconds, receivedAt);
  return {
    type: "outage",
    status,
    service: service as Service,
    startSeconds,
    ...(status === "resolved" ? { endMs: Math.max(startSeconds * 1000, Math.min(incident?.endMs ?? endsAt ?? receivedAt, receivedAt)) } : {}),
    ...(incident ? { incident } : {}),
    overrun,
    alertname,
    ...optional("summary", alert.annotations[NOTICE_TEXT_ANNOTATIONS.summary]),
    ...optional("description", alert.annotations[NOTICE_TEXT_ANNOTATIONS.description]),
    ...optional("runbookUrl", alert.annotations[NOTICE_TEXT_ANNOTATIONS.runbookUrl]),
    ...(annotated && "problem" in annotated
      ? {
          notes: [
            `annotation ${annotation} ${annotated.problem}; the outage start is the alert's startsAt (${new Date(startSeconds * 1000).toISOString()}): check it before approving`,
          ],
        }
      : {}),
  };
}

/**
 * The most of each annotation that can reach a notice (UTF-16 code units, after normalisation);
 * longer text ends in TRUNCATION_MARKER. notice-render.ts bounds whole fields as well.
 */
export const ALERT_TEXT_LIMITS = { summary: 500, description: 2000, runbookUrl: 500 } as const;

/**
 * An annotation kept for the notice text: normalised to one line (market-text.ts), a known secret
 * in it (even one split by invisible characters) never reaches a notice, bounded.
 */
function optional<K extends keyof typeof ALERT_TEXT_LIMITS>(key: K, value: string | undefined): Partial<Record<K, string>> {
  if (value === undefined) return {};
  const text = boundMarketText(secretRedactor.redact(normaliseMarketText(value, { lines: "join" })), ALERT_TEXT_LIMITS[key]);
  return text !== "" ? ({ [key]: text } as Record<K, string>) : {};
}

/** The alert's fingerprint as Alertmanager gives it, else a hash of its sorted labels. */
export function alertFingerprint(alert: WebhookAlert): string {
  if (alert.fingerprint) return alert.fingerprint;
  const sorted = Object.keys(alert.labels)
    .sort()
    .map((k) => [k, alert.labels[k]]);
  return createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 16);
}
