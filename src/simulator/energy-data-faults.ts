import { mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DateTime } from "luxon";
import { armor, intervalCsv, intervalFileName, intervalRows, SIMULATED_ESIIDS, type IntervalRow } from "./energy-data.js";
import type { FaultBoard } from "./fault-board.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/**
 * The simulator's energy-data faults (time to market and data quality):
 * - `late_data` (api, ftps): data is posted later than the SLO allows, by the fault's delay_ms, or by
 *   default 12 h for the API (posted 18:00 on D+2 instead of by 06:00) and 20 h for FTPS (delivered
 *   01:30 on D+2 instead of 05:30 on D+1, past the 23:00 deadline);
 * - `flawed_data` (api, ftps): the newest usage day of the first canary (Oncor, 10443720000000001)
 *   has a missing interval (10:00), a negative reading (10:30) and four estimated ones (11:00-11:45);
 *   in the FTPS file also a duplicate interval (10:15 twice). Older days stay clean, so a probe
 *   reading an older day is not affected.
 */
export const DEFAULT_LATENESS_MS = { api: 12 * 3_600_000, ftps: 20 * 3_600_000 } as const;

/** Faults whose delay_ms below this is the fault board's default and not meant as a lateness. */
const MIN_LATENESS_MS = 60_000;

export const FLAWED_ESIID = SIMULATED_ESIIDS[0];
export const FLAW_INTERVALS = { missing: 40, duplicate: 41, negative: 42, estimated: [44, 45, 46, 47] } as const;

/** How late the service's data is now (0 without a late_data fault). */
export function dataLateness(faults: FaultBoard, service: "api" | "ftps"): number {
  const f = faults.get(service);
  if (f?.fault !== "late_data") return 0;
  return f.delayMs >= MIN_LATENESS_MS ? f.delayMs : DEFAULT_LATENESS_MS[service];
}

/** The flaws of `flawed_data` applied to one ESIID's day; `duplicate` only where rows carry times. */
export function flawRows(rows: readonly IntervalRow[], options: { duplicate: boolean }): IntervalRow[] {
  const out: IntervalRow[] = [];
  rows.forEach((row, i) => {
    if (i === FLAW_INTERVALS.missing) return;
    if (i === FLAW_INTERVALS.negative) out.push({ ...row, kwh: -0.12 });
    else if ((FLAW_INTERVALS.estimated as readonly number[]).includes(i)) out.push({ ...row, estimated: true });
    else out.push(row);
    if (options.duplicate && i === FLAW_INTERVALS.duplicate) out.push({ ...row });
  });
  return out;
}

const DELIVERY = { hour: 5, minute: 30 };

/**
 * Keeps the last three daily deliveries in `dir` as of `now`, each posted `latenessMs` after the
 * usual 05:30 on D+1 (the file name carries the real delivery time); with `flawed`, the newest
 * file's first canary has the flaws. Use one directory per kind of content (the FTPS site has one per
 * fault): files whose names are wanted are kept as they are.
 */
export function fillIntervalDeliveries(dir: string, now: number, options: { latenessMs: number; flawed: boolean }): void {
  mkdirSync(dir, { recursive: true });
  const local = DateTime.fromMillis(now, { zone: CENTRAL_TIME_ZONE });
  const deliveredAt = (day: DateTime) => day.plus({ days: 1 }).set(DELIVERY).plus({ milliseconds: options.latenessMs });
  // The newest usage day whose (late) delivery time has passed.
  let usageDay = local.startOf("day").minus({ days: 1 });
  while (deliveredAt(usageDay) > local) usageDay = usageDay.minus({ days: 1 });
  const wanted = new Map<string, { usage: DateTime; delivered: DateTime; flawed: boolean }>();
  for (let i = 0; i < 3; i++) {
    const usage = usageDay.minus({ days: i });
    const delivered = deliveredAt(usage);
    wanted.set(intervalFileName(delivered, 1), { usage, delivered, flawed: options.flawed && i === 0 });
  }
  const present = new Set(readdirSync(dir));
  for (const name of present) if (!wanted.has(name)) rmSync(join(dir, name), { force: true });
  for (const [name, v] of wanted) {
    if (present.has(name)) continue;
    const csv = SIMULATED_ESIIDS.map((esiid, i) => {
      let rows = intervalRows(esiid, v.usage);
      if (v.flawed && esiid === FLAWED_ESIID) rows = flawRows(rows, { duplicate: true });
      const text = intervalCsv(rows, v.delivered);
      return i === 0 ? text : text.slice(text.indexOf("\n") + 1);
    }).join("");
    const file = join(dir, name);
    writeFileSync(file, armor(csv));
    utimesSync(file, v.delivered.toJSDate(), v.delivered.toJSDate());
  }
}
