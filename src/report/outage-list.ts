import { SERVICES, type Service } from "../config/services.js";
import { MINUTE_STATE_SERIES } from "../rules/availability-rules.js";
import { RECORDING_DELAY_SECONDS } from "../rules/minute-timing.js";
import type { RangeSeries } from "./promql-client.js";
import type { RangeNeed } from "./promql-fetch.js";
import type { ReportMonth } from "./report-month.js";

const MINUTE_MS = 60_000;
/** Minute m's recorded sample has a timestamp in [m + 70 s, m + 130 s) (src/rules/minute-timing.ts). */
const SAMPLE_END_OFFSET_MS = MINUTE_MS + RECORDING_DELAY_SECONDS * 1000 + MINUTE_MS - 1;

export interface Outage {
  service: Service;
  /** unplanned: consecutive unavailable minutes; planned: consecutive maintenance minutes (a window). */
  kind: "unplanned" | "planned";
  startMs: number;
  endMs: number;
  minutes: number;
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

/** Which of the two states a recorded minute is in. */
type MinuteFlag = { unavailable: boolean; maintenance: boolean };
/** Per service and recorded minute (start, ms): which of the two states it is in. */
export type MinuteFlags = Map<Service, Map<number, MinuteFlag>>;

/**
 * The query of the recorded unavailable and maintenance minutes of a month and the minute on either
 * side of it: a range query whose steps fall at m + 129.999 s, where `last_over_time(x[59s999ms])`
 * holds exactly minute m's sample.
 */
export function minuteFlagsNeed(month: ReportMonth): RangeNeed {
  const query = [
    `label_replace(last_over_time(${MINUTE_STATE_SERIES.unavailable}[59s999ms]), "state", "unavailable", "", "")`,
    `label_replace(last_over_time(${MINUTE_STATE_SERIES.maintenance}[59s999ms]), "state", "maintenance", "", "")`,
  ].join(" or ");
  const fromMs = month.fromMs - MINUTE_MS;
  const toMs = month.toMs + MINUTE_MS;
  return { kind: "range", query, startMs: fromMs + SAMPLE_END_OFFSET_MS, endMs: toMs - MINUTE_MS + SAMPLE_END_OFFSET_MS, stepMs: MINUTE_MS };
}

/** The flags of each service's recorded minutes from the series of minuteFlagsNeed. Pure. */
export function minuteFlags(series: readonly RangeSeries[]): MinuteFlags {
  const flags: MinuteFlags = new Map();
  for (const s of series) {
    const service = s.metric.service as Service;
    const state = s.metric.state as "unavailable" | "maintenance";
    if (!(SERVICES as readonly string[]).includes(service)) continue;
    let byMinute = flags.get(service);
    if (!byMinute) flags.set(service, (byMinute = new Map<number, MinuteFlag>()));
    for (const [t, v] of s.points) {
      const minute = t - SAMPLE_END_OFFSET_MS;
      const f = byMinute.get(minute) ?? { unavailable: false, maintenance: false };
      f[state] = v === 1;
      byMinute.set(minute, f);
    }
  }
  return flags;
}

/**
 * Runs of consecutive unavailable minutes (unplanned outages) and of maintenance minutes (planned
 * windows) of a month; flags queried from a minute before the month to a minute after it tell the
 * runs that go on across the month's edges. A minute that was not recorded ends a run. Pure.
 */
export function outageRuns(flags: MinuteFlags, month: ReportMonth, thresholdMinutes: number): MonthOutages {
  const outages: Outage[] = [];
  const short: ShortOutages[] = [];
  for (const service of SERVICES) {
    const byMinute = flags.get(service) ?? new Map<number, MinuteFlag>();
    const shortRuns = { service, count: 0, minutes: 0 };
    for (const kind of ["unplanned", "planned"] as const) {
      const flag = kind === "unplanned" ? "unavailable" : "maintenance";
      let start: number | undefined;
      const close = (end: number) => {
        if (start === undefined) return;
        const minutes = (end - start) / MINUTE_MS;
        if (kind === "unplanned" && minutes <= thresholdMinutes) {
          shortRuns.count++;
          shortRuns.minutes += minutes;
        } else {
          outages.push({
            service,
            kind,
            startMs: start,
            endMs: end,
            minutes,
            startsBeforeMonth: start === month.fromMs && wasOn(byMinute, start - MINUTE_MS, flag),
            endsAfterMonth: false,
            noticeIds: [],
          });
        }
        start = undefined;
      };
      for (let m = month.fromMs; m < month.toMs; m += MINUTE_MS) {
        const on = byMinute.get(m)?.[flag] === true;
        if (on && start === undefined) start = m;
        if (!on) close(m);
      }
      if (start !== undefined) {
        const s = start;
        close(month.toMs);
        const last = outages[outages.length - 1];
        if (last && last.service === service && last.kind === kind && last.startMs === s) last.endsAfterMonth = wasOn(byMinute, month.toMs, flag);
      }
    }
    short.push(shortRuns);
  }
  outages.sort((a, b) => a.startMs - b.startMs || SERVICES.indexOf(a.service) - SERVICES.indexOf(b.service));
  return { outages, short };
}

/** Whether the minute before the month was recorded in the state (only known when it was queried). */
function wasOn(byMinute: Map<number, { unavailable: boolean; maintenance: boolean }>, minute: number, flag: "unavailable" | "maintenance"): boolean {
  return byMinute.get(minute)?.[flag] === true;
}
