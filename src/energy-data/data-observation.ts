import { readJsonPath } from "../probes/json-path.js";
import { parseCivilDate, type CivilDate } from "./delivery-deadline.js";
import { parseUsDate, type IntervalRowsByDay } from "./interval-file.js";
import {
  addQuality,
  emptyQuality,
  parseReadingList,
  positionalQuality,
  timedRowsQuality,
  type IntervalQuality,
  type PositionalReading,
} from "./interval-quality.js";

/**
 * What one run of an energy-data check saw: the newest usage day that **every** canary ESIID has
 * (a day is delivered when all of it is there, whichever TDSP is late), and the data quality of that
 * day summed over the canaries. Pure functions of the data read.
 */
export interface DataObservation {
  latestDay?: CivilDate;
  quality?: { day: CivilDate; figures: IntervalQuality; byEsiid: Map<string, IntervalQuality> };
  /** Days seen (any ESIID), newest first, "YYYY-MM-DD", for the probe trace. */
  daysSeen: string[];
}

/** Data that cannot be read as SMT energy data (failure reason "bad_data"). */
export class DataFormatFailure extends Error {}

function latestCompleteDay(days: Map<string, Set<string>>, canaries: readonly string[]): string | undefined {
  const complete = [...days.entries()].filter(([, esiids]) => canaries.every((e) => esiids.has(e))).map(([d]) => d);
  return complete.sort().pop();
}

/** From interval files (rows with start times). */
export function observeTimedRows(rows: IntervalRowsByDay, canaries: readonly string[]): DataObservation {
  const present = new Map<string, Set<string>>();
  for (const [day, byEsiid] of rows) present.set(day, new Set([...byEsiid].filter(([, list]) => list.length > 0).map(([e]) => e)));
  const daysSeen = [...rows.keys()].sort().reverse();
  const latest = latestCompleteDay(present, canaries);
  if (!latest) return { daysSeen };
  const day = parseCivilDate(latest)!;
  const byEsiid = new Map<string, IntervalQuality>();
  let figures = emptyQuality();
  for (const esiid of canaries) {
    const q = timedRowsQuality(day, rows.get(latest)?.get(esiid) ?? []);
    byEsiid.set(esiid, q);
    figures = addQuality(figures, q);
  }
  return { latestDay: day, quality: { day, figures, byEsiid }, daysSeen };
}

interface EnergyDataEntry {
  esiid?: unknown;
  DT?: unknown;
  RD?: unknown;
}

/**
 * From the API's answer: `energyData: [{esiid, DT: "MM/DD/YYYY", RD: "kwh-A,kwh-E,…"}]`. SMT's
 * "data not ready" answer (errorCode "1", no energyData) is no data, not a failure. An entry with an
 * empty RD does not count as delivered.
 */
export function observeApiEnergyData(json: unknown, path: string, canaries: readonly string[]): DataObservation {
  const list = readJsonPath(json, path);
  if (list === undefined || list === null) {
    const code = readJsonPath(json, "errorCode");
    if (json !== null && typeof json === "object" && !Array.isArray(json)) {
      if (code !== undefined && code !== "1" && code !== 1 && code !== "0" && code !== 0) {
        throw new DataFormatFailure(`the API answered errorCode ${JSON.stringify(code)}: ${String(readJsonPath(json, "errorMessage") ?? "")}`.trim());
      }
      return { daysSeen: [] };
    }
    throw new DataFormatFailure(`expected a JSON object with ${path}`);
  }
  if (!Array.isArray(list)) throw new DataFormatFailure(`${path}: expected a list of {esiid, DT, RD}`);
  const readings = new Map<string, Map<string, PositionalReading[]>>();
  const present = new Map<string, Set<string>>();
  list.forEach((item: EnergyDataEntry, i) => {
    if (item === null || typeof item !== "object" || typeof item.esiid !== "string" || typeof item.DT !== "string" || typeof item.RD !== "string") {
      throw new DataFormatFailure(`${path}[${i}]: expected {esiid, DT, RD} strings`);
    }
    const date = parseUsDate(item.DT);
    if (!date) throw new DataFormatFailure(`${path}[${i}].DT: expected MM/DD/YYYY, got ${JSON.stringify(item.DT)}`);
    const day = `${date.year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
    const parsed = parseReadingList(item.RD).readings;
    let byEsiid = readings.get(day);
    if (!byEsiid) readings.set(day, (byEsiid = new Map<string, PositionalReading[]>()));
    byEsiid.set(item.esiid, [...(byEsiid.get(item.esiid) ?? []), ...parsed]);
    if (parsed.length > 0) {
      let set = present.get(day);
      if (!set) present.set(day, (set = new Set()));
      set.add(item.esiid);
    }
  });
  const daysSeen = [...readings.keys()].sort().reverse();
  const latest = latestCompleteDay(present, canaries);
  if (!latest) return { daysSeen };
  const day = parseCivilDate(latest)!;
  const byEsiid = new Map<string, IntervalQuality>();
  let figures = emptyQuality();
  for (const esiid of canaries) {
    const q = positionalQuality(day, readings.get(latest)?.get(esiid));
    byEsiid.set(esiid, q);
    figures = addQuality(figures, q);
  }
  return { latestDay: day, quality: { day, figures, byEsiid }, daysSeen };
}
