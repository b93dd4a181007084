import { SERVICES, type Service } from "../config/services.js";
import { PRODUCTION_RULE_PARAMETERS } from "../rules/availability-rules.js";
import { RECORDING_DELAY_SECONDS } from "../rules/minute-timing.js";
import type { RangeSeries } from "./promql-client.js";
import type { ReportMonth } from "./report-month.js";

const MINUTE_MS = 60_000;
/** Minute m's recorded sample has a timestamp in [m + 70 s, m + 130 s) (src/rules/minute-timing.ts). */
export const SAMPLE_END_OFFSET_MS = MINUTE_MS + RECORDING_DELAY_SECONDS * 1000 + MINUTE_MS - 1;

/**
 * How far before and after the month the minute flags are read, so that an outage incident open at
 * the month's edge is seen whole (docs/slo.md, "Outage incidents"): one that began more than this
 * before the month (or goes on longer after it) is cut there.
 */
export const INCIDENT_LOOKAROUND_MS = 86_400_000;

export interface Outage {
  service: Service;
  /**
   * unplanned: an outage incident (first to last unavailable minute; recoveries shorter than the
   * recovery minutes do not end it); planned: consecutive maintenance minutes (a window).
   */
  kind: "unplanned" | "planned";
  startMs: number;
  endMs: number;
  /** The month's part, end - start in minutes (unplanned: first to last unavailable minute). */
  minutes: number;
  /** unplanned: the unavailable minutes of the month's part; planned: equal to minutes. */
  unavailableMinutes: number;
  /** The run goes on before the month's first minute or after its last one (the month's part is shown). */
  startsBeforeMonth: boolean;
  endsAfterMonth: boolean;
  noticeIds: string[];
}

export interface ShortOutages {
  service: Service;
  count: number;
  minutes: number;
}

export interface MonthOutages {
  /** Unplanned outages longer than the threshold, and the planned windows, by start. */
  outages: Outage[];
  /** Unplanned outages of the threshold or less, per service: not noticed to the market. */
  short: ShortOutages[];
}

/** Which of the three states a recorded minute is in (none of them: unmeasured). */
export type MinuteFlag = { unavailable: boolean; maintenance: boolean; available: boolean };
type FlagName = keyof MinuteFlag;
const FLAG_NAMES: readonly FlagName[] = ["unavailable", "maintenance", "available"];
/** One service's minutes: the flags of a recorded minute (start, ms), undefined for one not recorded or not queried. */
export interface MinuteLookup {
  get(minute: number): MinuteFlag | undefined;
}
/** Per service, its minutes' flags (src/report/minute-states.ts fetches them). */
export type MinuteFlags = Map<Service, MinuteLookup>;

/**
 * The flags of each service's minutes from range series labelled by `state` (unavailable,
 * maintenance, available) with one point per recorded minute at m + 129.999 s, valued 1 when the
 * minute is in that state: a dense form, for tests and tools (the report fetches
 * src/report/minute-states.ts's sparse one). Pure.
 */
export function minuteFlags(series: readonly RangeSeries[]): MinuteFlags {
  const flags = new Map<Service, Map<number, MinuteFlag>>();
  for (const s of series) {
    const service = s.metric.service as Service;
    const state = s.metric.state as FlagName;
    if (!(SERVICES as readonly string[]).includes(service) || !FLAG_NAMES.includes(state)) continue;
    let byMinute = flags.get(service);
    if (!byMinute) flags.set(service, (byMinute = new Map<number, MinuteFlag>()));
    for (const [t, v] of s.points) {
      const minute = t - SAMPLE_END_OFFSET_MS;
      const f = byMinute.get(minute) ?? { unavailable: false, maintenance: false, available: false };
      f[state] = v === 1;
      byMinute.set(minute, f);
    }
  }
  return flags;
}

/**
 * The outage incidents (unplanned outages) and the runs of maintenance minutes (planned windows) of
 * a month. An incident starts at an unavailable minute and ends at a maintenance minute or after
 * `recoveryMinutes` consecutive available minutes (an unmeasured or unrecorded minute neither
 * extends nor recovers it: the count of available minutes starts again), as the rules define it
 * (src/rules/availability-rules.ts); it is listed when its whole length (first to last unavailable
 * minute, also before or after the month) is over the threshold, with the month's part. Flags
 * queried around the month tell the incidents and windows that go on across the month's edges. Pure.
 */
export function outageRuns(
  flags: MinuteFlags,
  month: ReportMonth,
  thresholdMinutes: number,
  recoveryMinutes: number = PRODUCTION_RULE_PARAMETERS.incidentRecoveryMinutes,
): MonthOutages {
  const outages: Outage[] = [];
  const short: ShortOutages[] = [];
  for (const service of SERVICES) {
    const byMinute: MinuteLookup = flags.get(service) ?? new Map<number, MinuteFlag>();
    const shortRuns = { service, count: 0, minutes: 0 };
    for (const incident of outageIncidents(byMinute, month.fromMs - INCIDENT_LOOKAROUND_MS, month.toMs + INCIDENT_LOOKAROUND_MS, recoveryMinutes)) {
      const inMonth = incident.unavailable.filter((m) => m >= month.fromMs && m < month.toMs);
      if (inMonth.length === 0) continue;
      const first = incident.unavailable[0]!;
      const last = incident.unavailable[incident.unavailable.length - 1]!;
      const startMs = Math.max(first, month.fromMs);
      const endMs = Math.min(last + MINUTE_MS, month.toMs);
      const minutes = (endMs - startMs) / MINUTE_MS;
      if ((last + MINUTE_MS - first) / MINUTE_MS <= thresholdMinutes) {
        shortRuns.count++;
        shortRuns.minutes += minutes;
        continue;
      }
      outages.push({
        service,
        kind: "unplanned",
        startMs,
        endMs,
        minutes,
        unavailableMinutes: inMonth.length,
        startsBeforeMonth: first < month.fromMs,
        endsAfterMonth: last + MINUTE_MS > month.toMs,
        noticeIds: [],
      });
    }
    let start: number | undefined;
    const close = (end: number) => {
      if (start === undefined) return;
      const minutes = (end - start) / MINUTE_MS;
      outages.push({
        service,
        kind: "planned",
        startMs: start,
        endMs: end,
        minutes,
        unavailableMinutes: minutes,
        startsBeforeMonth: start === month.fromMs && wasOn(byMinute, start - MINUTE_MS, "maintenance"),
        endsAfterMonth: end === month.toMs && wasOn(byMinute, month.toMs, "maintenance"),
        noticeIds: [],
      });
      start = undefined;
    };
    for (let m = month.fromMs; m < month.toMs; m += MINUTE_MS) {
      const on = byMinute.get(m)?.maintenance === true;
      if (on && start === undefined) start = m;
      if (!on) close(m);
    }
    close(month.toMs);
    short.push(shortRuns);
  }
  outages.sort((a, b) => a.startMs - b.startMs || SERVICES.indexOf(a.service) - SERVICES.indexOf(b.service));
  return { outages, short };
}

/** The outage incidents of one service's minutes in [fromMs, toMs), each as its unavailable minutes (starts, ms). Pure. */
export function outageIncidents(byMinute: MinuteLookup, fromMs: number, toMs: number, recoveryMinutes: number): { unavailable: number[] }[] {
  const incidents: { unavailable: number[] }[] = [];
  let open: { unavailable: number[] } | undefined;
  let recovered = 0;
  for (let m = fromMs; m < toMs; m += MINUTE_MS) {
    const f = byMinute.get(m);
    if (f?.unavailable) {
      if (!open) incidents.push((open = { unavailable: [] }));
      open.unavailable.push(m);
      recovered = 0;
    } else if (!open) {
      continue;
    } else if (f?.maintenance) {
      open = undefined;
    } else if (f?.available) {
      if (++recovered >= recoveryMinutes) open = undefined;
    } else {
      recovered = 0;
    }
  }
  return incidents;
}

/** Whether the minute was recorded in the state (only known when it was queried). */
function wasOn(byMinute: MinuteLookup, minute: number, flag: FlagName): boolean {
  return byMinute.get(minute)?.[flag] === true;
}
