import type { Service } from "../config/services.js";
import type { NoticeEvidence } from "../notices/notice-store.js";
import type { ReportMonth } from "./report-month.js";

/**
 * The market-notice ids of an outage, matched in the notifier's store evidence (read through
 * NoticeStoreReader.noticeEvidence, src/notices/notice-store.ts, which opens the file read-only):
 * - an unplanned outage: the incidents of the alert outages of the service that started inside it
 *   (the alert's outage start is the first unavailable minute; two minutes of slack);
 * - a planned window: the planned incidents covering the service that overlap it.
 * Ids are given in the order the notices were issued (initial, updates, completion).
 */

const SLACK_MS = 2 * 60_000;

/** The period whose evidence a month's outages can match: its minutes, and the slack before them. */
export function noticeEvidencePeriod(month: ReportMonth): { fromMs: number; toMs: number } {
  return { fromMs: month.fromMs - SLACK_MS, toMs: month.toMs };
}

/** The store's incidents of one outage (runs inside the evidence's period), in id order. Pure. */
export function outageIncidents(
  outage: { service: Service; kind: "unplanned" | "planned"; startMs: number; endMs: number },
  evidence: NoticeEvidence,
): number[] {
  return outage.kind === "unplanned"
    ? [
        ...new Set(
          evidence.outages
            .filter((o) => o.service === outage.service && o.startMs >= outage.startMs - SLACK_MS && o.startMs < outage.endMs)
            .map((o) => o.incidentId),
        ),
      ].sort((a, b) => a - b)
    : evidence.plannedIncidents
        .filter((p) => p.startMs < outage.endMs && (p.endMs === null || p.endMs > outage.startMs) && p.services.includes(outage.service))
        .map((p) => p.incidentId);
}

/** The notice ids of one outage (runs inside the evidence's period). Pure. */
export function outageNoticeIds(
  outage: { service: Service; kind: "unplanned" | "planned"; startMs: number; endMs: number },
  evidence: NoticeEvidence,
): string[] {
  return outageIncidents(outage, evidence).flatMap((id) => evidence.noticeIds.get(id) ?? []);
}
