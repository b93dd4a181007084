import type { CommitteeMonthReport, OutageEntry } from "./committee-report.js";
import type { ServiceAvailability } from "./service-availability.js";

/**
 * The committee report's call-center section (seed section 6): the call center's availability and
 * outages beside its tickets. Read from the month's report (the availability line and the outage
 * list of service call_center), so the figures are the same as in the tables above it. Pure.
 */
export interface CallCenterSummary {
  availability: ServiceAvailability;
  /** Unplanned outages over the threshold and planned windows of the call center, in time order. */
  outages: OutageEntry[];
  /** Shorter unplanned outages: how many and their minutes. */
  short: { count: number; minutes: number };
}

export function callCenterSummary(r: CommitteeMonthReport): CallCenterSummary | null {
  const availability = r.services.find((s) => s.service === "call_center");
  if (!availability) return null;
  const short = r.short_unplanned_outages.find((s) => s.service === "call_center");
  return {
    availability,
    outages: r.outages.filter((o) => o.service === "call_center"),
    short: { count: short?.count ?? 0, minutes: short?.minutes ?? 0 },
  };
}

/** One sentence for the committee: availability against the objective, unavailable and unmeasured minutes, outages. */
export function callCenterSentence(s: CallCenterSummary, month: string, percent: (x: number | null) => string): string {
  const a = s.availability;
  const met = a.met === null ? "not judged" : a.met ? "objective met" : "objective MISSED";
  const unplanned = s.outages.filter((o) => o.kind === "unplanned").length;
  return (
    `Call center, ${month}: availability ${percent(a.availability)} (${met}, over ${+(a.objective * 100).toFixed(4)} %, 24x7), ` +
    `${a.unavailable_minutes} unavailable and ${a.unmeasured_minutes} unmeasured minutes; ` +
    `${unplanned} unplanned outage${unplanned === 1 ? "" : "s"} noticed to the market, ${s.short.count} shorter (${s.short.minutes} min).`
  );
}
