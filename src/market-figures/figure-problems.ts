/** A row of a figure source that was not counted, and why; `line` is its first line in the source. */
export interface RowProblem {
  line: number;
  message: string;
}

/** Label values from sources are bounded: no control characters, at most this long. */
export const MAX_LABEL_LENGTH = 64;
/** At most this many distinct ticket types or HAN statuses per source; more are reported as bad rows. */
export const MAX_DISTINCT_VALUES = 50;

/** A problem with a label value written in a source, or undefined when it can be a label. */
export function labelValueProblem(what: string, value: string | undefined): string | undefined {
  if (value === undefined || value === "") return `${what}: missing`;
  if (value.length > MAX_LABEL_LENGTH) return `${what}: longer than ${MAX_LABEL_LENGTH} characters`;

  if (/[\u0000-\u001f\u007f]/.test(value)) return `${what}: contains control characters`;
  return undefined;
}

/** A whole number of at least 0, written as a number or a string ("12", "12.0"). */
export function parseCount(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+(\.0+)?\s*$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
