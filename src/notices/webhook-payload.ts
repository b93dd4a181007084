import { z } from "zod";
import { ALERT_LABELS } from "../rules/alert-contract.js";
import { parseRfc3339 } from "./alert-time.js";

/**
 * Alertmanager's webhook payload, version "4" (Alertmanager 0.25 and later). Fields that later
 * versions added (truncatedAlerts, per-alert fingerprint in older releases, ...) are optional and
 * unknown fields are ignored, so a newer Alertmanager keeps working; what the notifier relies on
 * is required.
 */

const labelSet = z.record(z.string(), z.string());

/**
 * RFC 3339 as Alertmanager writes it, strictly (alert-time.ts); "0001-01-01T00:00:00Z" means "not
 * set" (a firing alert's endsAt). Whether the time is believable is decided against the time of
 * receipt (alertTimeProblems), not here.
 */
const timestamp = z.string().refine((text) => parseRfc3339(text) !== undefined, { message: 'expected an RFC 3339 time stamp like "2026-05-14T14:40:00Z"' });

export const webhookAlert = z.looseObject({
  status: z.enum(["firing", "resolved"]),
  labels: labelSet.refine((l) => typeof l[ALERT_LABELS.alertname] === "string" && l[ALERT_LABELS.alertname] !== "", {
    message: `expected labels.${ALERT_LABELS.alertname}`,
  }),
  annotations: labelSet.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});
export type WebhookAlert = z.infer<typeof webhookAlert>;

export const webhookPayload = z.looseObject({
  version: z.literal("4", { message: 'expected version "4" (Alertmanager webhook payload v4)' }),
  groupKey: z.string().min(1),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string(),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(webhookAlert).max(10_000),
});
export type WebhookPayload = z.infer<typeof webhookPayload>;

/** Zod issues as one line per problem, naming the field: `alerts[0].status: expected one of "firing", "resolved"`. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((issue) => {
    const path = issue.path
      .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
      .join("")
      .replace(/^\./, "");
    let message = issue.message;
    if (issue.code === "invalid_type")
      message = issue.input === undefined ? `required field is missing; expected ${issue.expected}` : `expected ${issue.expected}`;
    if (issue.code === "invalid_value") message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    return `${path || "(body)"}: ${message}`;
  });
}
