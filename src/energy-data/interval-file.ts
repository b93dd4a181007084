import { spawn } from "node:child_process";
import { parseCsv } from "../text/csv-records.js";
import { formatCivilDate, parseCivilDate, type CivilDate } from "./delivery-deadline.js";
import type { IntervalRow } from "./interval-quality.js";

/**
 * SMT's interval files: `IntervalMeterUsage<YYYYMMDDHHMMSS>_NNNNN.CSV.<DUNS>.asc`, PGP-armored CSV with
 * the columns ESIID, USAGE_DATE (MM/DD/YYYY), REVISION_DATE, USAGE_START_TIME, USAGE_END_TIME,
 * USAGE_KWH, ESTIMATED_ACTUAL (A/E), CONSUMPTION_SURPLUSGENERATION.
 *
 * How the CSV is got out of the file:
 * - `plain`: the file is the CSV;
 * - `armored_base64`: the armor's body is base64 of the CSV (the simulator's files, and files a
 *   decrypting relay re-armors);
 * - a decrypt command (e.g. `gpg --batch --decrypt`) that reads the file on stdin and writes the CSV
 *   on stdout: real SMT files are encrypted to the REP's key.
 */
export const FILE_CONTENTS = ["plain", "armored_base64"] as const;
export type FileContent = (typeof FILE_CONTENTS)[number];

export class IntervalFileError extends Error {}

/** The base64 body of an ASCII-armored message, decoded. */
export function dearmor(text: string): Buffer {
  const lines = text.split(/\r?\n/);
  const begin = lines.findIndex((l) => /^-----BEGIN PGP [A-Z ]+-----$/.test(l.trim()));
  if (begin < 0) throw new IntervalFileError("not an ASCII-armored file (no -----BEGIN PGP ...----- line)");
  let i = begin + 1;
  while (i < lines.length && lines[i]!.trim() !== "") i++; // armor headers end at the first blank line
  const body: string[] = [];
  for (i++; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l.startsWith("-----END")) return Buffer.from(body.join(""), "base64");
    if (/^=[A-Za-z0-9+/]{4}$/.test(l)) continue; // CRC-24 checksum line
    body.push(l);
  }
  throw new IntervalFileError("the armor has no -----END ...----- line (file cut short?)");
}

/** Runs the decrypt command with the file on stdin; resolves with its stdout. */
export function runDecryptCommand(argv: readonly string[], input: Buffer, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"], signal });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => (err = (err + c.toString()).slice(-500)));
    child.on("error", (e) => reject(new IntervalFileError(`decrypt command ${argv[0]}: ${e.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new IntervalFileError(`decrypt command ${argv[0]} exited with ${code}: ${err.trim().split("\n").pop() ?? ""}`));
    });
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}

/** The CSV text of a downloaded file. */
export async function intervalFileText(
  bytes: Buffer,
  content: FileContent,
  decryptCommand: readonly string[] | undefined,
  signal: AbortSignal,
): Promise<string> {
  if (decryptCommand && decryptCommand.length > 0) return (await runDecryptCommand(decryptCommand, bytes, signal)).toString("utf8");
  if (content === "plain") return bytes.toString("utf8");
  return dearmor(bytes.toString("utf8")).toString("utf8");
}

/** Rows by usage day ("YYYY-MM-DD") and ESIID, consumption channel only. */
export type IntervalRowsByDay = Map<string, Map<string, IntervalRow[]>>;

export interface ParsedIntervalFile {
  rows: IntervalRowsByDay;
  /** Usage days present in the file (any ESIID), "YYYY-MM-DD". */
  days: Set<string>;
  /** Rows that could not be read: "line N: why" (at most 20 kept). */
  problems: string[];
  badRows: number;
}

const REQUIRED_COLUMNS = ["ESIID", "USAGE_DATE", "USAGE_START_TIME", "USAGE_KWH", "ESTIMATED_ACTUAL"] as const;

/** "MM/DD/YYYY" as a date. */
export function parseUsDate(text: string): CivilDate | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
  return m ? parseCivilDate(`${m[3]}-${m[1]!.padStart(2, "0")}-${m[2]!.padStart(2, "0")}`) : undefined;
}

/** "H:mm", "HH:mm" or "HH:mm:ss" as "HH:mm". */
function normalizeTime(text: string): string | undefined {
  const m = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(text.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return undefined;
  return `${m[1]!.padStart(2, "0")}:${m[2]}`;
}

/**
 * Reads the CSV of an interval file. Only rows of `esiids` are kept (all when undefined); rows of
 * the surplus-generation channel are left out, so a meter with solar does not look duplicated.
 */
export function parseIntervalCsv(text: string, esiids?: ReadonlySet<string>): ParsedIntervalFile {
  const { records, error } = parseCsv(text);
  const result: ParsedIntervalFile = { rows: new Map(), days: new Set(), problems: [], badRows: 0 };
  const bad = (line: number, why: string) => {
    result.badRows++;
    if (result.problems.length < 20) result.problems.push(`line ${line}: ${why}`);
  };
  if (error) bad(error.line, error.message);
  const header = records[0];
  if (!header) throw new IntervalFileError("the file holds no CSV header (empty, or not decrypted?)");
  const names = header.fields.map((f) => f.trim().toUpperCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new IntervalFileError(
      `line ${header.line}: expected a CSV header with ${REQUIRED_COLUMNS.join(", ")}; missing ${missing.join(", ")} (encrypted file without a decrypt command?)`,
    );
  }
  const col = (name: string) => names.indexOf(name);
  const [iEsiid, iDate, iStart, iKwh, iEst] = REQUIRED_COLUMNS.map(col) as [number, number, number, number, number];
  const iChannel = col("CONSUMPTION_SURPLUSGENERATION");
  for (const r of records.slice(1)) {
    const f = r.fields;
    if (f.length < names.length) {
      bad(r.line, `expected ${names.length} fields, got ${f.length}`);
      continue;
    }
    const esiid = f[iEsiid]!.trim();
    if (esiids && !esiids.has(esiid)) continue;
    if (iChannel >= 0 && /surplus/i.test(f[iChannel]!)) continue;
    const date = parseUsDate(f[iDate]!);
    if (!date) {
      bad(r.line, `USAGE_DATE: expected MM/DD/YYYY, got "${f[iDate]}"`);
      continue;
    }
    const startTime = normalizeTime(f[iStart]!);
    if (!startTime) {
      bad(r.line, `USAGE_START_TIME: expected HH:MM, got "${f[iStart]}"`);
      continue;
    }
    const kwhText = f[iKwh]!.trim();
    const kwh = Number(kwhText);
    if (kwhText === "" || !Number.isFinite(kwh)) {
      bad(r.line, `USAGE_KWH: expected a number, got "${f[iKwh]}"`);
      continue;
    }
    const flag = f[iEst]!.trim().toUpperCase();
    if (flag !== "A" && flag !== "E") {
      bad(r.line, `ESTIMATED_ACTUAL: expected A or E, got "${f[iEst]}"`);
      continue;
    }
    const day = formatCivilDate(date);
    result.days.add(day);
    let byEsiid = result.rows.get(day);
    if (!byEsiid) result.rows.set(day, (byEsiid = new Map<string, IntervalRow[]>()));
    let list = byEsiid.get(esiid);
    if (!list) byEsiid.set(esiid, (list = []));
    list.push({ startTime, kwh, estimated: flag === "E" });
  }
  return result;
}

/**
 * Adds the rows of an older file to those of newer ones: a (day, ESIID) already read from a newer
 * file is kept as it is (a later delivery revises the earlier one, it does not add to it), so
 * duplicates are only ever counted within one file.
 */
export function addOlderFileRows(into: IntervalRowsByDay, older: IntervalRowsByDay): void {
  for (const [day, byEsiid] of older) {
    let target = into.get(day);
    if (!target) into.set(day, (target = new Map<string, IntervalRow[]>()));
    for (const [esiid, rows] of byEsiid) if (!target.has(esiid)) target.set(esiid, rows);
  }
}
