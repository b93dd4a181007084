import { SERVICES, type Service } from "../config/services.js";
import { MINUTE_STATE_SERIES, type MinuteState } from "../rules/availability-rules.js";
import { recordedSampleRange } from "../rules/minute-timing.js";
import type { InstantSample, PromqlClient } from "./promql-client.js";
import type { InstantNeed } from "./promql-fetch.js";
import { type ReportMonth } from "./report-month.js";
import { InconsistentMinutesError, serviceAvailability, type RecordedMinutes, type ServiceAvailability } from "./service-availability.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/** The monthly report; the key order is the JSON contract of `report --format json`. */
export interface MonthlyReport {
  month: string;
  timezone: string;
  /** Only in a month to date (`report --month current`): the figures are of the month so far. */
  partial?: PartialMonth;
  services: ServiceAvailability[];
}

/** How far a month to date goes: its minutes from the month's start up to `through` (exclusive), computed at `computed_at`. */
export interface PartialMonth {
  computed_at: string;
  through: string;
}

/** The partial mark of a month to date; undefined for a whole month. Pure. */
export function partialMark(month: ReportMonth): PartialMonth | undefined {
  return month.asOfMs === undefined ? undefined : { computed_at: new Date(month.asOfMs).toISOString(), through: new Date(month.toMs).toISOString() };
}

/** A month that cannot be reported (not over yet, or no recorded minute at all). */
export class MonthUnavailableError extends Error {}

/** The states the report sums; unmeasured is what remains of the month, so it need not be read. */
const SUMMED_STATES = ["maintenance", "unavailable", "available"] as const satisfies readonly MinuteState[];

/**
 * The PromQL that sums the recorded minute states of the month's minutes, one sample per service and
 * state (label "state"). The minute-state sample of minute m has a timestamp in [m + 70 s, m + 130 s),
 * so the month's minutes [from, to) are exactly the samples in [from + 70 s, to + 70 s) (minute-timing.ts).
 */
export function monthlyMinutesQuery(month: ReportMonth): string {
  const { firstMs, lastMs } = recordedSampleRange(month.fromMs, month.toMs);
  const range = `${lastMs - firstMs}ms`;
  const at = (lastMs / 1000).toFixed(3);
  return SUMMED_STATES.map((state) => `label_replace(sum_over_time(${MINUTE_STATE_SERIES[state]}[${range}] @ ${at}), "state", "${state}", "", "")`).join(
    "\nor\n",
  );
}

/** The query of the availability section: evaluated at the month's last recorded sample. */
export function availabilityNeed(month: ReportMonth): InstantNeed {
  return { kind: "instant", query: monthlyMinutesQuery(month), timeMs: recordedSampleRange(month.fromMs, month.toMs).lastMs };
}

/** Throws MonthUnavailableError when the month's last minute is not recorded yet at `nowMs`. Pure. */
export function assertMonthOver(month: ReportMonth, nowMs: number): void {
  const { lastMs } = recordedSampleRange(month.fromMs, month.toMs);
  if (nowMs <= lastMs) {
    throw new MonthUnavailableError(
      `${month.label} is not over yet: it ends at ${new Date(month.toMs).toISOString()} and its last minute is recorded ` +
        `about a minute later; only whole months are reported`,
    );
  }
}

/** The availability section from the samples of availabilityNeed; MonthUnavailableError without any. Pure. */
export function availabilitySection(month: ReportMonth, samples: readonly InstantSample[]): MonthlyReport {
  const recorded = new Map<Service, RecordedMinutes>();
  const seen = new Map<string, Record<string, string>>();
  for (const s of samples) {
    const service = s.metric.service as Service;
    const state = s.metric.state as (typeof SUMMED_STATES)[number];
    if (!(SERVICES as readonly string[]).includes(service) || !(SUMMED_STATES as readonly string[]).includes(state)) continue;
    const twin = seen.get(`${service} ${state}`);
    if (twin) throw new CopiedMinutesError(service, state, twin, s.metric);
    seen.set(`${service} ${state}`, s.metric);
    const r = recorded.get(service) ?? { maintenance: 0, unavailable: 0, available: 0 };
    r[state] = s.value;
    recorded.set(service, r);
  }
  if (recorded.size === 0) {
    throw new MonthUnavailableError(
      `no recorded minute in ${month.label} (${MINUTE_STATE_SERIES.available} and the other minute series are empty): ` +
        `Prometheus did not run the rules of prometheus/rules/ then, or no longer keeps that month (retention)`,
    );
  }
  const partial = partialMark(month);
  return {
    month: month.label,
    timezone: CENTRAL_TIME_ZONE,
    ...(partial ? { partial } : {}),
    services: SERVICES.map((service) =>
      serviceAvailability(service, month.totalMinutes, recorded.get(service) ?? { maintenance: 0, unavailable: 0, available: 0 }),
    ),
  };
}

/**
 * The minute series of one service and state came back as two series that differ in other labels: the
 * PromQL endpoint holds copies of the same minutes (the two replicas of a Prometheus pair in a store that
 * does not drop their `replica` label, or a query layer that does not deduplicate them; docs/ha.md).
 * Summing either copy, or both, would be a wrong figure, so the report refuses.
 */
export class CopiedMinutesError extends InconsistentMinutesError {
  constructor(service: string, state: string, one: Record<string, string>, other: Record<string, string>) {
    const differing = [...new Set([...Object.keys(one), ...Object.keys(other)])]
      .filter((k) => one[k] !== other[k])
      .sort()
      .map((k) => `${k} ${JSON.stringify(one[k] ?? "")} and ${JSON.stringify(other[k] ?? "")}`);
    super(
      `${service}: the ${state} minutes come back as more than one series (labels differing: ${differing.join(", ")}): ` +
        `the PromQL endpoint holds copies of the same minutes, e.g. both replicas of a Prometheus pair; ` +
        `deduplicate them in the long-term store (docs/ha.md, "Prometheus pair and long-term storage")`,
    );
  }
}

/** The availability of one month from Prometheus' recorded minute series: fetch, then compute. */
export async function monthlyReport(client: Pick<PromqlClient, "instant">, month: ReportMonth, nowMs: number = Date.now()): Promise<MonthlyReport> {
  assertMonthOver(month, nowMs);
  const need = availabilityNeed(month);
  return availabilitySection(month, await client.instant(need.query, need.timeMs));
}
