import type { DeclaredOutage } from "../notices/call-center-outages.js";
import { INCIDENT_LOOKAROUND_MS, type MinuteFlag, type MinuteFlags, type MinuteLookup } from "./outage-list.js";
import type { InstantSample } from "./promql-client.js";
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
/** A minute a declaration made unavailable (shared: the overlay allocates nothing per minute). */
const DECLARED_DOWN: MinuteFlag = Object.freeze({ unavailable: true, maintenance: false, available: false });

export interface DeclaredMinutes {
  /** The month's minutes a declaration made unavailable that the rules had recorded available. */
  fromAvailable: number;
  /** The month's minutes a declaration made unavailable that the rules had not recorded (unmeasured). */
  fromUnmeasured: number;
}

/** What of a month's fetched data the merge reads and changes (CommitteeMonthData, src/report/committee-report.ts). */
export interface MinuteData {
  availability: readonly InstantSample[];
  minuteFlags: MinuteFlags;
  notices: { declaredOutages?: readonly DeclaredOutage[] } | null;
}

/**
 * Whether any declared outage overlaps the minutes a month's report reads (the month and
 * INCIDENT_LOOKAROUND_MS on either side): the report then fetches every minute state of the call
 * center (src/report/minute-states.ts asks for the available and unrecorded minutes only of the
 * services with unavailable minutes), so that the merge below tells available from unmeasured. Pure.
 */
export function declaredOutagesOverlap(month: ReportMonth, declared: readonly DeclaredOutage[] | undefined): boolean {
  const fromMs = month.fromMs - INCIDENT_LOOKAROUND_MS;
  const toMs = month.toMs + INCIDENT_LOOKAROUND_MS;
  return (declared ?? []).some((o) => o.startMs < toMs && (o.endMs === null || o.endMs > fromMs));
}

/** A service's minutes with some of them overridden. */
class OverlaidMinutes implements MinuteLookup {
  constructor(
    private readonly base: MinuteLookup | undefined,
    private readonly down: ReadonlySet<number>,
  ) {}

  get(minute: number): MinuteFlag | undefined {
    return this.down.has(minute) ? DECLARED_DOWN : this.base?.get(minute);
  }
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
  const base = data.minuteFlags.get(SERVICE);
  const down = new Set<number>();
  for (const o of declared) {
    const end = Math.min(o.endMs ?? toMs, toMs);
    for (let m = Math.max(Math.floor(o.startMs / MINUTE_MS) * MINUTE_MS, fromMs); m < end; m += MINUTE_MS) {
      const f = base?.get(m);
      if (f?.maintenance || f?.unavailable || down.has(m)) continue;
      down.add(m);
      if (m >= month.fromMs && m < month.toMs) {
        if (f?.available) changed.fromAvailable++;
        else changed.fromUnmeasured++;
      }
    }
  }
  if (down.size === 0) return { data, changed };
  const minuteFlags: MinuteFlags = new Map(data.minuteFlags);
  minuteFlags.set(SERVICE, new OverlaidMinutes(base, down));
  if (changed.fromAvailable + changed.fromUnmeasured === 0) return { data: { ...data, minuteFlags }, changed };

  const availability: InstantSample[] = data.availability.filter(
    (s) => s.metric.service !== SERVICE || !["available", "unavailable"].includes(s.metric.state ?? ""),
  );
  const before = (state: string) => data.availability.find((s) => s.metric.service === SERVICE && s.metric.state === state)?.value ?? 0;
  availability.push(
    { metric: { service: SERVICE, state: "available" }, value: before("available") - changed.fromAvailable },
    { metric: { service: SERVICE, state: "unavailable" }, value: before("unavailable") + changed.fromAvailable + changed.fromUnmeasured },
  );
  return { data: { ...data, availability, minuteFlags }, changed };
}
