import type { DeclaredOutage } from "../notices/call-center-outages.js";
import { INCIDENT_LOOKAROUND_MS, SAMPLE_END_OFFSET_MS } from "./outage-list.js";
import type { InstantSample, RangeSeries } from "./promql-client.js";
import type { ReportMonth } from "./report-month.js";

/**
 * Call-center outages a person declared (the notifier's store, docs/slo.md "The call center") count
 * in the committee report from their declared start, not from when they were declared.
 *
 * The exporter learns of a declared outage when it is declared (the notifier's status feed), so
 * Prometheus recorded the minutes between its start and its declaration as they looked then
 * (available, or unrecorded), and Prometheus cannot rewrite a minute series after the fact. The
 * report therefore merges the declarations into the fetched call-center minutes: every minute a
 * declared outage covers (its start to its end, or to now while it is ongoing) is unavailable,
 * unless the rules recorded it as maintenance (a planned call-center outage in the calendar). A
 * minute already unavailable stays so. Declarations only add unavailable minutes: a minute the rules
 * recorded as unavailable stays so even after an outage was corrected to end earlier (the minute
 * series does not say which check saw it down). The outage list, its incidents and the availability
 * figures are then computed from the merged minutes as from any other. Pure.
 */

const MINUTE_MS = 60_000;
const SERVICE = "call_center";

export interface DeclaredMinutes {
  /** The month's minutes a declaration made unavailable that the rules had recorded available. */
  fromAvailable: number;
  /** The month's minutes a declaration made unavailable that the rules had not recorded (unmeasured). */
  fromUnmeasured: number;
}

/** What of a month's fetched data the merge reads and changes (CommitteeMonthData, src/report/committee-report.ts). */
export interface MinuteData {
  availability: readonly InstantSample[];
  minuteFlags: readonly RangeSeries[];
  notices: { declaredOutages?: readonly DeclaredOutage[] } | null;
}

/** The month's data with the declared outages of the store merged into the call center's minutes, and what changed. */
export function withDeclaredOutages<D extends MinuteData>(
  month: ReportMonth,
  nowMs: number,
  data: D,
  declared: readonly DeclaredOutage[] = data.notices?.declaredOutages ?? [],
): { data: D; changed: DeclaredMinutes } {
  const changed: DeclaredMinutes = { fromAvailable: 0, fromUnmeasured: 0 };
  if (declared.length === 0) return { data, changed };
  // the minutes the flags were read for: the month and a day on either side of it
  const fromMs = month.fromMs - INCIDENT_LOOKAROUND_MS;
  const toMs = Math.min(month.toMs + INCIDENT_LOOKAROUND_MS, Math.floor(nowMs / MINUTE_MS) * MINUTE_MS);
  const covered = new Set<number>();
  for (const o of declared) {
    const end = Math.min(o.endMs ?? toMs, toMs);
    for (let m = Math.max(Math.floor(o.startMs / MINUTE_MS) * MINUTE_MS, fromMs); m < end; m += MINUTE_MS) covered.add(m);
  }
  if (covered.size === 0) return { data, changed };

  const series = data.minuteFlags.map((s) => (s.metric.service === SERVICE ? { metric: s.metric, points: new Map(s.points) } : s));
  const flagOf = (state: string): RangeSeries => {
    let s = series.find((x) => x.metric.service === SERVICE && x.metric.state === state);
    if (!s) series.push((s = { metric: { service: SERVICE, state }, points: new Map() }));
    return s;
  };
  const [unavailable, available, maintenance] = [flagOf("unavailable"), flagOf("available"), flagOf("maintenance")];
  for (const m of covered) {
    const t = m + SAMPLE_END_OFFSET_MS;
    if (maintenance.points.get(t) === 1 || unavailable.points.get(t) === 1) continue;
    const wasAvailable = available.points.get(t) === 1;
    if (m >= month.fromMs && m < month.toMs) {
      if (wasAvailable) changed.fromAvailable++;
      else changed.fromUnmeasured++;
    }
    unavailable.points.set(t, 1);
    available.points.set(t, 0);
    if (!maintenance.points.has(t)) maintenance.points.set(t, 0);
  }
  if (changed.fromAvailable + changed.fromUnmeasured === 0) return { data: { ...data, minuteFlags: series }, changed };

  const availability: InstantSample[] = data.availability.filter(
    (s) => s.metric.service !== SERVICE || !["available", "unavailable"].includes(s.metric.state ?? ""),
  );
  const before = (state: string) => data.availability.find((s) => s.metric.service === SERVICE && s.metric.state === state)?.value ?? 0;
  availability.push(
    { metric: { service: SERVICE, state: "available" }, value: before("available") - changed.fromAvailable },
    { metric: { service: SERVICE, state: "unavailable" }, value: before("unavailable") + changed.fromAvailable + changed.fromUnmeasured },
  );
  return { data: { ...data, availability, minuteFlags: series }, changed };
}
