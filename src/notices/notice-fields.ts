import { MAX_NOTICE_ID_CHARS } from "./notice-id.js";

/**
 * The ERCOT market-notice field layout (docs/notices.md, "Notice text"): the fields in market
 * order, one "FIELD: value" paragraph each, ACTION REQUIRED and ADDITIONAL INFORMATION left out
 * when empty. One layout function for every kind of notice, and the check that an edited text
 * still has it.
 */

/**
 * The fields in market order, each with the most it may hold (UTF-16 code units, after
 * normalisation; longer text ends in TRUNCATION_MARKER). Generous for every default template and
 * for a month-long DAYS AFFECTED; they exist so the largest draft is a known number.
 */
export const NOTICE_FIELD_LIMITS = {
  "NOTICE DATE": 40,
  "NOTICE TYPE": 100,
  "SHORT DESCRIPTION": 300,
  "INTENDED AUDIENCE": 500,
  "DAYS AFFECTED": 1500,
  "LONG DESCRIPTION": 6000,
  "ACTION REQUIRED": 2000,
  "ADDITIONAL INFORMATION": 2000,
  CONTACT: 500,
} as const;
export type NoticeField = keyof typeof NOTICE_FIELD_LIMITS;

/** The fields in the order the market reads them. */
export const NOTICE_FIELDS = Object.keys(NOTICE_FIELD_LIMITS) as NoticeField[];
/** Fields a notice may leave out (when they would be empty). */
export const OPTIONAL_NOTICE_FIELDS: ReadonlySet<NoticeField> = new Set<NoticeField>(["ACTION REQUIRED", "ADDITIONAL INFORMATION"]);

const FIELD_SEPARATOR = "\n\n";

/** The longest body the notifier can draft: every field at its limit ("FIELD: value"), the separators and the final newline. */
export const MAX_DRAFT_BODY =
  (Object.entries(NOTICE_FIELD_LIMITS) as [NoticeField, number][]).reduce((sum, [field, limit]) => sum + field.length + ": ".length + limit, 0) +
  FIELD_SEPARATOR.length * (NOTICE_FIELDS.length - 1) +
  1;
/** The longest subject the notifier can draft: the id, a space, the short description. */
export const MAX_DRAFT_SUBJECT = MAX_NOTICE_ID_CHARS + 1 + NOTICE_FIELD_LIMITS["SHORT DESCRIPTION"];

/** Every field's text (already normalised and bounded); the optional ones may be "". */
export type NoticeFieldValues = Record<NoticeField, string>;

/** The body: the fields in market order, one paragraph each, optional ones left out when empty, ending in a newline. */
export function layoutNoticeFields(values: NoticeFieldValues): string {
  return `${NOTICE_FIELDS.filter((name) => !(OPTIONAL_NOTICE_FIELDS.has(name) && values[name] === ""))
    .map((name) => `${name}: ${values[name]}`)
    .join(FIELD_SEPARATOR)}\n`;
}

/** A line that starts a field: "NOTICE DATE: …" (any of the field names, at the start of a line). */
const FIELD_START = new RegExp(`^(${NOTICE_FIELDS.join("|")}):[ \\t]*(.*)$`);

interface FoundField {
  name: NoticeField;
  /** 1-based line number in the text. */
  line: number;
  /** The field's text (its first line and the lines up to the next field), trimmed. */
  value: string;
}

function findFields(body: string): FoundField[] {
  const found: FoundField[] = [];
  body.split(/\r?\n/).forEach((line, i) => {
    const match = FIELD_START.exec(line);
    if (match) found.push({ name: match[1] as NoticeField, line: i + 1, value: match[2]!.trim() });
    else if (found.length > 0 && line.trim() !== "") {
      const last = found[found.length - 1]!;
      last.value = `${last.value}\n${line.trim()}`.trim();
    }
  });
  return found;
}

/**
 * What is wrong with a notice text's field layout, as messages a reviewer can act on ("CONTACT is
 * missing: expected it after LONG DESCRIPTION"): every required field present, none twice, none
 * empty, in market order, and the text starting with NOTICE DATE. [] when the layout is intact.
 */
export function noticeLayoutProblems(body: string): string[] {
  const found = findFields(body);
  const problems: string[] = [];
  const firstText = body.split(/\r?\n/).findIndex((line) => line.trim() !== "");
  if (firstText >= 0 && (found.length === 0 || found[0]!.line !== firstText + 1))
    problems.push(`line ${firstText + 1}: the text must start with the NOTICE DATE field, got "${shorten(body.split(/\r?\n/)[firstText]!)}"`);
  const seen = new Map<NoticeField, number>();
  for (const field of found) {
    const first = seen.get(field.name);
    if (first !== undefined) problems.push(`line ${field.line}: ${field.name} appears twice (first on line ${first}); keep one`);
    else seen.set(field.name, field.line);
    if (field.value === "" && !OPTIONAL_NOTICE_FIELDS.has(field.name))
      problems.push(`line ${field.line}: ${field.name} is empty; expected its text after "${field.name}:"`);
  }
  NOTICE_FIELDS.forEach((name, i) => {
    if (seen.has(name) || OPTIONAL_NOTICE_FIELDS.has(name)) return;
    const before = NOTICE_FIELDS.slice(0, i).filter((f) => seen.has(f));
    problems.push(`${name} is missing: expected a line starting "${name}:" ${before.length ? `after ${before[before.length - 1]}` : "at the start"}`);
  });
  // Order: the fields present, each after the ones before it in the market order.
  const order = [...seen.entries()].sort((a, b) => a[1] - b[1]).map(([name]) => name);
  for (let i = 1; i < order.length; i++) {
    if (NOTICE_FIELDS.indexOf(order[i]!) < NOTICE_FIELDS.indexOf(order[i - 1]!)) {
      problems.push(`line ${seen.get(order[i]!)}: ${order[i]} is out of order: expected it before ${order[i - 1]} (line ${seen.get(order[i - 1]!)})`);
    }
  }
  return problems;
}

/** One sentence for the review page and the API: what is wrong and the order expected. */
export function describeLayoutProblems(problems: readonly string[]): string {
  return `body: the text no longer has the market-notice field layout: ${problems.join("; ")}. Expected the fields in this order: ${NOTICE_FIELDS.map((f) => (OPTIONAL_NOTICE_FIELDS.has(f) ? `${f} (optional)` : f)).join(", ")}.`;
}

/** The text with its NOTICE DATE field set to `date` ("March 7, 2026"); a text without one is returned unchanged. */
export function withNoticeDate(body: string, date: string): string {
  return body.replace(/^NOTICE DATE:[^\n]*/m, `NOTICE DATE: ${date}`);
}

function shorten(text: string): string {
  const t = text.trim();
  return t.length > 40 ? `${t.slice(0, 40)}…` : t;
}
