import {
  DATA_SERVICES,
  SLO_DELIVERY_DEADLINES,
  addDays,
  deliveryDeadline,
  formatCivilDate,
  parseCivilDate,
  type DataService,
} from "../energy-data/delivery-deadline.js";
import { ALERT_ANNOTATIONS, ALERT_LABELS, ALERT_NAMES } from "../rules/alert-contract.js";
import { alertTime, annotationTime } from "./alert-time.js";
import type { ProcessFailure } from "./process-failure-text.js";
import type { WebhookAlert } from "./webhook-payload.js";

/**
 * What a business-process alert means for the notices (seed section 8: "unplanned outages or
 * business process failures of SMT will be noticed to the market"), decided by a pure function:
 *
 * - `SMTDataDeliveryLate` (label `service`, annotations `usage_day`, `deadline_timestamp`,
 *   `latest_usage_day`): the energy data of a usage day missed its delivery deadline;
 * - `SMTDataQualityFailing` (label `service`, annotations `usage_day`, `failed_meters`, `meters`,
 *   `failed_meter_share_limit`): the usage day's data failed the quality checks for more than the
 *   configured share of canary meters.
 *
 * A failure is known by alert name + service + usage day (the day of the alert when it fires), so
 * repeats, retries, HA copies and a re-fire of the same day land on the same failure.
 */
export interface ProcessFailureSignal {
  type: "process_failure";
  status: "firing" | "resolved";
  alertname: string;
  failure: ProcessFailure;
  service: DataService;
  /** The alert's usage day, "YYYY-MM-DD": the dedup key. */
  usageDay: string;
  /** Every usage day the notice names, oldest first: the days after the newest one seen, up to usageDay. */
  usageDays: string[];
  /** The delivery deadline of usageDay, Unix ms (late data). */
  deadlineMs?: number;
  quality?: { failedMeters: number; meters: number; limit: number };
  /** Resolved: when the data arrived (the alert's endsAt, at most the time received). */
  endMs?: number;
  /** Firing: when the failure began (late data: the deadline; data quality: the alert's start). */
  startMs: number;
  summary?: string;
  description?: string;
  runbookUrl?: string;
  /** What the reviewer should check: input the notifier did not believe and what it used instead. */
  notes?: string[];
}

/** The alerts that are business-process failures, with what failed. */
export const PROCESS_FAILURE_ALERTS: Readonly<Record<string, ProcessFailure>> = {
  [ALERT_NAMES.dataDeliveryLate]: "late_data",
  [ALERT_NAMES.dataQualityFailing]: "data_quality",
};

/** The most usage days one notice names (a longer run of late days is named from this many days back). */
export const MAX_USAGE_DAYS_NAMED = 31;

export function isProcessFailureAlert(alertname: string): boolean {
  return Object.hasOwn(PROCESS_FAILURE_ALERTS, alertname);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (text: string | undefined) => (text !== undefined && DAY.test(text.trim()) ? parseCivilDate(text.trim()) : undefined);
const whole = (text: string | undefined) => (text !== undefined && /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : undefined);

/** The signal of one business-process alert, or the reason it cannot be one (a message for the log). */
export function processFailureSignal(alert: WebhookAlert, receivedAt: number): ProcessFailureSignal | { reason: string } {
  const alertname = alert.labels[ALERT_LABELS.alertname]!;
  const failure = PROCESS_FAILURE_ALERTS[alertname]!;
  const service = alert.labels[ALERT_LABELS.service];
  if (!service || !(DATA_SERVICES as readonly string[]).includes(service))
    return {
      reason: `label ${ALERT_LABELS.service} ${service === undefined ? "is missing" : `"${service}" is not one of ${DATA_SERVICES.join(", ")}`}`,
    };
  const usage = day(alert.annotations[ALERT_ANNOTATIONS.usageDay]);
  if (!usage) return { reason: `annotation ${ALERT_ANNOTATIONS.usageDay} is missing or not a date YYYY-MM-DD` };
  const usageDay = formatCivilDate(usage);
  const notes: string[] = [];
  // The days named: after the newest day seen, up to the alert's day (at most MAX_USAGE_DAYS_NAMED).
  const latest = day(alert.annotations[ALERT_ANNOTATIONS.latestUsageDay]);
  const usageDays: string[] = [usageDay];
  if (latest) {
    for (let d = addDays(usage, -1); formatCivilDate(d) > formatCivilDate(latest) && usageDays.length < MAX_USAGE_DAYS_NAMED; d = addDays(d, -1))
      usageDays.unshift(formatCivilDate(d));
  }
  let deadlineMs: number | undefined;
  let quality: ProcessFailureSignal["quality"];
  if (failure === "late_data") {
    const annotated = annotationTime(alert.annotations[ALERT_ANNOTATIONS.deadlineTimestamp], receivedAt);
    if (annotated && "seconds" in annotated) deadlineMs = annotated.seconds * 1000;
    else {
      deadlineMs = deliveryDeadline(usage, SLO_DELIVERY_DEADLINES[service as DataService]);
      notes.push(
        `annotation ${ALERT_ANNOTATIONS.deadlineTimestamp} ${annotated && "problem" in annotated ? annotated.problem : "is missing"}; the deadline stated is the SLO document's for ${service} (${new Date(deadlineMs).toISOString()}): check it before approving`,
      );
    }
  } else {
    const failedMeters = whole(alert.annotations[ALERT_ANNOTATIONS.failedMeters]);
    const meters = whole(alert.annotations[ALERT_ANNOTATIONS.meters]);
    const limit = Number(alert.annotations[ALERT_ANNOTATIONS.failedMeterShareLimit]);
    if (failedMeters !== undefined && meters !== undefined && meters > 0 && failedMeters <= meters && limit >= 0 && limit < 1)
      quality = { failedMeters, meters, limit };
  }
  const startsAt = alertTime(alert.startsAt);
  const endsAt = alertTime(alert.endsAt);
  const startMs = deadlineMs ?? startsAt ?? receivedAt;
  return {
    type: "process_failure",
    status: alert.status,
    alertname,
    failure,
    service: service as DataService,
    usageDay,
    usageDays,
    ...(deadlineMs !== undefined ? { deadlineMs } : {}),
    ...(quality ? { quality } : {}),
    startMs,
    ...(alert.status === "resolved" ? { endMs: Math.max(startMs, Math.min(endsAt ?? receivedAt, receivedAt)) } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}
