import { type DateTime } from "luxon";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/** Canary meters the simulator knows (ESIIDs: "10" + TDSP code; CenterPoint's are 22 digits). */
export const SIMULATED_ESIIDS = [
  "10443720000000001", // Oncor
  "1008901000000000000001", // CenterPoint
  "10032780000000001", // AEP Texas Central
  "10204040000000001", // AEP Texas North
  "10400510000000001", // TNMP
] as const;

export const SIMULATED_DUNS = "183529049";

/** 15-minute intervals in a Central-time day: 96, or 92 / 100 on the DST change days. */
export function intervalsInDay(day: DateTime): number {
  const start = day.setZone(CENTRAL_TIME_ZONE).startOf("day");
  const end = start.plus({ days: 1 });
  return Math.round(end.diff(start, "minutes").minutes / 15);
}

/** A deterministic usage figure for one interval, so that repeated reads agree. */
export function intervalKwh(esiid: string, day: string, index: number): number {
  let h = 2166136261;
  for (const c of `${esiid}|${day}|${index}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  const hour = index / 4;
  const base = 0.15 + 0.35 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI));
  return Math.round((base + ((h >>> 0) % 1000) / 10000) * 1000) / 1000;
}

export interface IntervalRow {
  esiid: string;
  usageDate: string;
  startTime: string;
  endTime: string;
  kwh: number;
  estimated: boolean;
}

/** The intervals of one usage day, in local clock times (the repeated hour of the fall day appears twice). */
export function intervalRows(esiid: string, day: DateTime): IntervalRow[] {
  const start = day.setZone(CENTRAL_TIME_ZONE).startOf("day");
  const usageDate = start.toFormat("MM/dd/yyyy");
  const rows: IntervalRow[] = [];
  const count = intervalsInDay(start);
  for (let i = 0; i < count; i++) {
    const from = start.plus({ minutes: 15 * i });
    const to = from.plus({ minutes: 15 });
    rows.push({ esiid, usageDate, startTime: from.toFormat("HH:mm"), endTime: to.toFormat("HH:mm"), kwh: intervalKwh(esiid, usageDate, i), estimated: false });
  }
  return rows;
}

/** The CSV inside an SMT interval file. */
export function intervalCsv(rows: IntervalRow[], revision: DateTime): string {
  const lines = ["ESIID,USAGE_DATE,REVISION_DATE,USAGE_START_TIME,USAGE_END_TIME,USAGE_KWH,ESTIMATED_ACTUAL,CONSUMPTION_SURPLUSGENERATION"];
  const rev = revision.setZone(CENTRAL_TIME_ZONE).toFormat("MM/dd/yyyy HH:mm:ss");
  for (const r of rows) lines.push(`${r.esiid},${r.usageDate},${rev},${r.startTime},${r.endTime},${r.kwh.toFixed(3)},${r.estimated ? "E" : "A"},Consumption`);
  return `${lines.join("\n")}\n`;
}

/** SMT delivers PGP-armored files; the simulator wraps the CSV in an armor-shaped envelope. */
export function armor(text: string): string {
  const body = Buffer.from(text)
    .toString("base64")
    .replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN PGP MESSAGE-----\nVersion: smt-monitor simulator\n\n${body}-----END PGP MESSAGE-----\n`;
}

/** SMT-style name of an interval file delivered at `delivered` (Central time stamp in the name). */
export function intervalFileName(delivered: DateTime, sequence: number): string {
  return `IntervalMeterUsage${delivered.setZone(CENTRAL_TIME_ZONE).toFormat("yyyyMMddHHmmss")}_${String(sequence).padStart(5, "0")}.CSV.${SIMULATED_DUNS}.asc`;
}
