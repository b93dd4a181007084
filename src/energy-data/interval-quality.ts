import { DateTime } from "luxon";
import type { CivilDate } from "./delivery-deadline.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/**
 * Data quality of one usage day's 15-minute interval data for the canary ESIIDs (SLO document:
 * "data quality for energy data"). Pure functions of the rows and the day.
 *
 * A day has 96 intervals, 92 on the spring-forward day and 100 on the fall-back day (the hour
 * 01:00-02:00 happens twice, so its four start times appear twice).
 */
export const QUALITY_FIGURES = ["expected", "received", "missing", "duplicate", "negative", "estimated"] as const;
export type QualityFigure = (typeof QUALITY_FIGURES)[number];
export type IntervalQuality = Record<QualityFigure, number>;

export const emptyQuality = (): IntervalQuality => ({ expected: 0, received: 0, missing: 0, duplicate: 0, negative: 0, estimated: 0 });

export function addQuality(a: IntervalQuality, b: IntervalQuality): IntervalQuality {
  const sum = emptyQuality();
  for (const f of QUALITY_FIGURES) sum[f] = a[f] + b[f];
  return sum;
}

/** The local start times ("HH:mm") of a day's intervals, in order; repeated ones on the fall-back day. */
export function intervalStartTimes(day: CivilDate, zone = CENTRAL_TIME_ZONE): string[] {
  const start = DateTime.fromObject({ year: day.year, month: day.month, day: day.day }, { zone });
  const end = start.plus({ days: 1 });
  const times: string[] = [];
  for (let t = start; t < end; t = t.plus({ minutes: 15 })) times.push(t.toFormat("HH:mm"));
  return times;
}

/** 96, or 92 / 100 on the DST change days. */
export function intervalsInDay(day: CivilDate, zone = CENTRAL_TIME_ZONE): number {
  return intervalStartTimes(day, zone).length;
}

/** One interval row of an SMT interval file (CSV), already filtered to one ESIID and usage day. */
export interface IntervalRow {
  startTime: string;
  kwh: number;
  estimated: boolean;
}

/**
 * Quality of one ESIID's rows for one day, when every row names its start time (the FTPS files):
 * an interval start time seen fewer times than the day has it is missing, more times duplicate; a
 * row at a time the day does not have (02:15 on the spring-forward day) counts as duplicate too.
 */
export function timedRowsQuality(day: CivilDate, rows: readonly IntervalRow[], zone = CENTRAL_TIME_ZONE): IntervalQuality {
  const wanted = new Map<string, number>();
  const starts = intervalStartTimes(day, zone);
  for (const t of starts) wanted.set(t, (wanted.get(t) ?? 0) + 1);
  const seen = new Map<string, number>();
  const q = emptyQuality();
  q.expected = starts.length;
  for (const row of rows) {
    q.received++;
    seen.set(row.startTime, (seen.get(row.startTime) ?? 0) + 1);
    if (row.kwh < 0) q.negative++;
    if (row.estimated) q.estimated++;
  }
  for (const [t, n] of wanted) q.missing += Math.max(0, n - (seen.get(t) ?? 0));
  for (const [t, n] of seen) q.duplicate += Math.max(0, n - (wanted.get(t) ?? 0));
  return q;
}

/** A reading in SMT's API form, e.g. "0.412-A" (actual) or "0.388-E" (estimated). */
export interface PositionalReading {
  kwh: number;
  estimated: boolean;
}

/**
 * Quality of one ESIID's day from the API's positional list (RD: "kwh-A,kwh-E,…" without times):
 * only the count tells missing (fewer than the day has) from surplus (more, counted as duplicate).
 * `readings` undefined means the ESIID had no entry for the day: all its intervals are missing.
 */
export function positionalQuality(day: CivilDate, readings: readonly PositionalReading[] | undefined, zone = CENTRAL_TIME_ZONE): IntervalQuality {
  const q = emptyQuality();
  q.expected = intervalsInDay(day, zone);
  const list = readings ?? [];
  q.received = list.length;
  q.missing = Math.max(0, q.expected - list.length);
  q.duplicate = Math.max(0, list.length - q.expected);
  for (const r of list) {
    if (r.kwh < 0) q.negative++;
    if (r.estimated) q.estimated++;
  }
  return q;
}

/**
 * Parses SMT's RD string ("0.412-A,0.388-E,-0.010-A"); an unreadable item is not a reading (so it
 * shows as missing). Returns the readings and how many items were unreadable.
 */
export function parseReadingList(rd: string): { readings: PositionalReading[]; unreadable: number } {
  const readings: PositionalReading[] = [];
  let unreadable = 0;
  if (rd.trim() === "") return { readings, unreadable };
  for (const item of rd.split(",")) {
    const m = /^\s*(-?\d+(?:\.\d+)?)-([AE])\s*$/i.exec(item);
    if (!m) {
      unreadable++;
      continue;
    }
    readings.push({ kwh: Number(m[1]), estimated: m[2]!.toUpperCase() === "E" });
  }
  return { readings, unreadable };
}
