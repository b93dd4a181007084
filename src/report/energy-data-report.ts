import {
  DATA_SERVICES,
  deliveryDeadline,
  formatCivilDate,
  SLO_DELIVERY_DEADLINES,
  usageDayStart,
  usageDaysOfMonth,
  type DataService,
  type DeliveryDeadline,
} from "../energy-data/delivery-deadline.js";
import { QUALITY_FIGURES, type IntervalQuality } from "../energy-data/interval-quality.js";
import type { RangeSeries } from "./promql-client.js";
import type { RangeNeed } from "./promql-fetch.js";
import type { ReportMonth } from "./report-month.js";

/**
 * Time to market and data quality of a month's usage days, from the exporters' energy-data series
 * (docs/energy-data.md):
 * - usage day D was **on time** when, at its deadline, the newest usage day seen by any check of the
 *   service (any location) was D or later; **late** when it was seen only afterwards (delivered_at is
 *   when it was first seen, to the check's interval); **missing** when never seen up to the report's
 *   end of search; **unmeasured** when no check reported anything at the deadline; **pending** when
 *   the deadline had not passed when the report ran. The share on time counts on time, late and
 *   missing days.
 * - data quality of day D: the figures of the last observation that described D.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** How far back a check's latest observation is looked up at an instant (checks run every 15 min by default). */
export const OBSERVATION_LOOKBACK = "1h";
/** Late deliveries are searched for up to this long after the month's last deadline. */
const LATE_SEARCH_MS = 7 * DAY_MS;
const QUALITY_STEP_MS = 5 * MINUTE_MS;

export type DeliveryStatus = "on_time" | "late" | "missing" | "unmeasured" | "pending";

export interface DeliveryDay {
  usage_day: string;
  deadline: string;
  status: DeliveryStatus;
  delivered_at: string | null;
  minutes_late: number | null;
}

export interface ServiceTimeToMarket {
  service: DataService;
  deadline: string;
  days: number;
  on_time: number;
  late: number;
  missing: number;
  unmeasured: number;
  pending: number;
  /** on_time / (on_time + late + missing); null when none of those. */
  share_on_time: number | null;
  days_detail: DeliveryDay[];
}

export interface DayQuality extends IntervalQuality {
  usage_day: string;
}

export interface ServiceDataQuality extends IntervalQuality {
  service: DataService;
  days_measured: number;
  /** (received - duplicate) / expected, null without data. */
  completeness: number | null;
  /** estimated / received, null without data. */
  estimated_share: number | null;
  /** Days with a missing, duplicate or negative interval. */
  days_with_issues: DayQuality[];
  days_detail: DayQuality[];
}

export function describeDeadline(d: DeliveryDeadline): string {
  return `${d.at} on D+${d.days_after}`;
}

/** Time to market of the month's usage days from "newest usage day seen" per service and minute. Pure. */
export function timeToMarket(
  month: ReportMonth,
  latestByService: ReadonlyMap<DataService, ReadonlyMap<number, number>>,
  deadlines: Readonly<Record<DataService, DeliveryDeadline>>,
  nowMs: number,
  searchEndMs: number,
): ServiceTimeToMarket[] {
  const days = usageDaysOfMonth(month.label);
  const out: ServiceTimeToMarket[] = [];
  for (const service of DATA_SERVICES) {
    const latest = latestByService.get(service);
    if (!latest || latest.size === 0) continue;
    const times = [...latest.keys()].sort((a, b) => a - b);
    const r: ServiceTimeToMarket = {
      service,
      deadline: describeDeadline(deadlines[service]),
      days: days.length,
      on_time: 0,
      late: 0,
      missing: 0,
      unmeasured: 0,
      pending: 0,
      share_on_time: null,
      days_detail: [],
    };
    for (const day of days) {
      const dayStart = usageDayStart(day);
      const deadline = deliveryDeadline(day, deadlines[service]);
      const detail: DeliveryDay = {
        usage_day: formatCivilDate(day),
        deadline: new Date(deadline).toISOString(),
        status: "pending",
        delivered_at: null,
        minutes_late: null,
      };
      if (deadline > nowMs) {
        r.pending++;
      } else {
        const atDeadline = latest.get(deadline);
        if (atDeadline === undefined) {
          detail.status = "unmeasured";
          r.unmeasured++;
        } else if (atDeadline * 1000 >= dayStart) {
          detail.status = "on_time";
          r.on_time++;
        } else {
          const seen = times.find((t) => t > deadline && t <= searchEndMs && latest.get(t)! * 1000 >= dayStart);
          if (seen === undefined) {
            detail.status = "missing";
            r.missing++;
          } else {
            detail.status = "late";
            detail.delivered_at = new Date(seen).toISOString();
            detail.minutes_late = Math.round((seen - deadline) / MINUTE_MS);
            r.late++;
          }
        }
      }
      r.days_detail.push(detail);
    }
    const counted = r.on_time + r.late + r.missing;
    r.share_on_time = counted > 0 ? r.on_time / counted : null;
    out.push(r);
  }
  return out;
}

/** One observation of a check: the day it describes and its figures, at a step. */
interface QualitySeries {
  service: DataService;
  check: string;
  location: string;
  day: RangeSeries;
  figures: Partial<Record<(typeof QUALITY_FIGURES)[number], RangeSeries>>;
}

/** Data quality of the month's usage days. Pure. */
export function dataQuality(month: ReportMonth, series: readonly QualitySeries[]): ServiceDataQuality[] {
  const days = usageDaysOfMonth(month.label);
  const out: ServiceDataQuality[] = [];
  for (const service of DATA_SERVICES) {
    const mine = series.filter((s) => s.service === service).sort((a, b) => `${a.check}\t${a.location}`.localeCompare(`${b.check}\t${b.location}`));
    if (mine.length === 0) continue;
    const r: ServiceDataQuality = {
      service,
      days_measured: 0,
      expected: 0,
      received: 0,
      missing: 0,
      duplicate: 0,
      negative: 0,
      estimated: 0,
      completeness: null,
      estimated_share: null,
      days_with_issues: [],
      days_detail: [],
    };
    for (const day of days) {
      const daySeconds = usageDayStart(day) / 1000;
      let best: { t: number; s: QualitySeries } | undefined;
      for (const s of mine) {
        for (const [t, v] of s.day.points) if (v === daySeconds && (!best || t > best.t)) best = { t, s };
      }
      if (!best) continue;
      const q: DayQuality = { usage_day: formatCivilDate(day), expected: 0, received: 0, missing: 0, duplicate: 0, negative: 0, estimated: 0 };
      for (const f of QUALITY_FIGURES) q[f] = best.s.figures[f]?.points.get(best.t) ?? 0;
      r.days_measured++;
      for (const f of QUALITY_FIGURES) r[f] += q[f];
      r.days_detail.push(q);
      if (q.missing > 0 || q.duplicate > 0 || q.negative > 0) r.days_with_issues.push(q);
    }
    r.completeness = r.expected > 0 ? (r.received - r.duplicate) / r.expected : null;
    r.estimated_share = r.received > 0 ? r.estimated / r.received : null;
    out.push(r);
  }
  return out;
}

export interface EnergyDataSection {
  time_to_market: ServiceTimeToMarket[];
  data_quality: ServiceDataQuality[];
}

/** The queries of the energy-data section, and the instants that bound its search. */
export interface EnergyDataNeeds {
  /** Newest usage day seen per service, every minute from the month's start to searchEndMs. */
  latest: RangeNeed;
  /** The usage day each check's quality figures describe, every 5 minutes to a few days after the month. */
  qualityDay: RangeNeed;
  /** The quality figures themselves, at the same steps. */
  qualityFigures: RangeNeed;
  /** Late deliveries are searched for up to this instant. */
  searchEndMs: number;
}

/** What the energy-data section needs fetched for a month reported at `nowMs`. Pure. */
export function energyDataNeeds(
  month: ReportMonth,
  nowMs: number,
  deadlines: Readonly<Record<DataService, DeliveryDeadline>> = SLO_DELIVERY_DEADLINES,
): EnergyDataNeeds {
  const lastDay = usageDaysOfMonth(month.label).pop()!;
  const lastDeadline = Math.max(...DATA_SERVICES.map((s) => deliveryDeadline(lastDay, deadlines[s])));
  const searchEndMs = Math.floor(Math.min(nowMs, lastDeadline + LATE_SEARCH_MS) / MINUTE_MS) * MINUTE_MS;
  const qualityEnd = Math.max(month.fromMs, Math.floor(Math.min(nowMs, month.toMs + 3 * DAY_MS) / QUALITY_STEP_MS) * QUALITY_STEP_MS);
  return {
    latest: {
      kind: "range",
      query: `max by (service) (last_over_time(smt_data_latest_usage_day_timestamp_seconds[${OBSERVATION_LOOKBACK}]))`,
      startMs: month.fromMs,
      endMs: Math.max(month.fromMs, searchEndMs),
      stepMs: MINUTE_MS,
    },
    qualityDay: {
      kind: "range",
      query: `last_over_time(smt_data_quality_usage_day_timestamp_seconds[${OBSERVATION_LOOKBACK}])`,
      startMs: month.fromMs,
      endMs: qualityEnd,
      stepMs: QUALITY_STEP_MS,
    },
    qualityFigures: {
      kind: "range",
      query: `last_over_time(smt_data_quality_intervals[${OBSERVATION_LOOKBACK}])`,
      startMs: month.fromMs,
      endMs: qualityEnd,
      stepMs: QUALITY_STEP_MS,
    },
    searchEndMs,
  };
}

/** The series fetched for EnergyDataNeeds. */
export interface EnergyDataSeries {
  latest: readonly RangeSeries[];
  qualityDay: readonly RangeSeries[];
  qualityFigures: readonly RangeSeries[];
}

/** The month's time to market and data quality from the fetched series. Pure. */
export function energyDataSection(
  month: ReportMonth,
  nowMs: number,
  needs: EnergyDataNeeds,
  fetched: EnergyDataSeries,
  deadlines: Readonly<Record<DataService, DeliveryDeadline>> = SLO_DELIVERY_DEADLINES,
): EnergyDataSection {
  const latestByService = new Map<DataService, Map<number, number>>();
  for (const s of fetched.latest) {
    const service = s.metric.service as DataService;
    if ((DATA_SERVICES as readonly string[]).includes(service)) latestByService.set(service, s.points);
  }
  const key = (m: Record<string, string>) => `${m.service}\t${m.check}\t${m.location}`;
  const quality = new Map<string, QualitySeries>();
  for (const s of fetched.qualityDay) {
    const service = s.metric.service as DataService;
    if (!(DATA_SERVICES as readonly string[]).includes(service)) continue;
    quality.set(key(s.metric), { service, check: s.metric.check ?? "", location: s.metric.location ?? "", day: s, figures: {} });
  }
  for (const s of fetched.qualityFigures) {
    const q = quality.get(key(s.metric));
    const figure = s.metric.figure as (typeof QUALITY_FIGURES)[number];
    if (q && (QUALITY_FIGURES as readonly string[]).includes(figure)) q.figures[figure] = s;
  }
  return {
    time_to_market: timeToMarket(month, latestByService, deadlines, nowMs, needs.searchEndMs),
    data_quality: dataQuality(month, [...quality.values()]),
  };
}
