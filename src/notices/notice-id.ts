/**
 * Notice ids: `<prefix><audience>-<letter><MMDDYY>-<NN>`, e.g. `SMT-M-A051425-01`.
 *
 * A series is one incident's notices (an outage's INITIAL, its UPDATEs and its COMPLETION; a
 * planned outage's notices). MMDDYY is the Central date of the series' first notice and NN counts
 * the notices within the series from 01. The letter tells apart the series that start on the
 * same date: the first is A, the second B, and so on (the domain notes infer the id shape from
 * the ERCOT archive; the letter rule is ours, so ids never collide).
 */

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** The longest `notices.id_prefix` a config may set. */
export const MAX_ID_PREFIX_CHARS = 16;
/** The longest notice id: prefix, audience, "-", up to three letters (18,278 series a day), MMDDYY, "-", up to 999. */
export const MAX_NOTICE_ID_CHARS = MAX_ID_PREFIX_CHARS + 1 + 1 + 3 + 6 + 1 + 3;

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
