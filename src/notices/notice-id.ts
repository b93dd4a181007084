/**
 * Notice ids: `<prefix><audience>-<letter><MMDDYY>-<NN>`, e.g. `SMT-M-A051425-01`.
 *
 * A series is one incident's notices (an outage's INITIAL, its UPDATEs and its COMPLETION; a
 * planned outage's notices). MMDDYY is the Central date of the series' first notice and NN counts
 * the notices within the series from 01. The letter tells apart the series that start on the
 * same date: the first is A, the second B, and so on (the domain notes infer the id shape from
 * the ERCOT archive; the letter rule is ours, so ids never collide).
 *
 * The date and the letter are those of the day the series' first notice is *sent*, in the order
 * first notices are sent: until then a series has a provisional id (provisionalSeriesId), so a
 * PLANNED draft made weeks ahead never carries the day it was drafted.
 */

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** The longest `notices.id_prefix` a config may set. */
export const MAX_ID_PREFIX_CHARS = 16;
/** The most digits of the incident number in a provisional id (`(provisional-123456789)`). */
const MAX_PROVISIONAL_DIGITS = 9;
const PROVISIONAL_WORD = "provisional";
/**
 * The longest notice id: prefix, audience, "-", then either up to three letters (18,278 series a
 * day) and MMDDYY, or "(provisional-N)", then "-" and up to 999.
 */
export const MAX_NOTICE_ID_CHARS = MAX_ID_PREFIX_CHARS + 1 + 1 + Math.max(3 + 6, PROVISIONAL_WORD.length + MAX_PROVISIONAL_DIGITS + 3) + 1 + 3;

/**
 * The id of a series none of whose notices has been sent yet: `SMT-M-(provisional-7)`, 7 being
 * the incident's number in the store (unique, never a date). Its notices read
 * `SMT-M-(provisional-7)-01`, … until the first of them is marked sent (series-id.ts).
 */
export function provisionalSeriesId(prefix: string, audience: string, incidentNumber: number): string {
  if (!Number.isInteger(incidentNumber) || incidentNumber < 1 || String(incidentNumber).length > MAX_PROVISIONAL_DIGITS)
    throw new RangeError(`expected an incident number from 1 to ${"9".repeat(MAX_PROVISIONAL_DIGITS)}, got ${incidentNumber}`);
  return `${prefix}${audience}-(${PROVISIONAL_WORD}-${incidentNumber})`;
}

/** Whether a series id (or a notice id) is still provisional. */
export function isProvisionalId(id: string): boolean {
  return id.includes(`-(${PROVISIONAL_WORD}-`);
}

/** The series id (the notice id without -NN) for the `index`-th series (0-based) started on a date. */
export function seriesId(prefix: string, audience: string, mmddyy: string, index: number): string {
  if (!/^\d{6}$/.test(mmddyy)) throw new RangeError(`expected MMDDYY, got "${mmddyy}"`);
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`expected a series index >= 0, got ${index}`);
  // 26 series a day is plenty; beyond Z the letter doubles (AA, AB, …) rather than fail.
  let letter = "";
  let n = index;
  do {
    letter = LETTERS.charAt(n % 26) + letter;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `${prefix}${audience}-${letter}${mmddyy}`;
}

/** The notice id of the `sequence`-th notice (1-based) of a series. */
export function noticeId(series: string, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999) throw new RangeError(`expected a notice number 1-999 in a series, got ${sequence}`);
  return `${series}-${String(sequence).padStart(2, "0")}`;
}

/** The first letter index not yet used by a series started on that date. */
export function nextSeriesIndex(existingSeriesIds: readonly string[], prefix: string, audience: string, mmddyy: string): number {
  const taken = new Set(existingSeriesIds);
  for (let i = 0; ; i++) {
    if (!taken.has(seriesId(prefix, audience, mmddyy, i))) return i;
  }
}
