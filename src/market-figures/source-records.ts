import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { parseCsv } from "../text/csv-records.js";

/**
 * Rows of a figure source, whatever its format, each with the line it starts on so that a bad row
 * is reported as `file:line`. Field names are matched case-insensitively, with spaces and dashes
 * read as underscores ("Ticket Type" = "ticket_type").
 */
export interface SourceRecord {
  line: number;
  fields: Map<string, string>;
}

/** A source that cannot be read at all (the previous figures are kept). */
export class SourceFormatError extends Error {
  constructor(
    readonly line: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export const fieldKey = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

/** CSV with a header row. */
export function csvRecords(text: string): { records: SourceRecord[]; problems: { line: number; message: string }[] } {
  const { records, error } = parseCsv(text);
  const header = records[0];
  if (!header) throw new SourceFormatError(undefined, "no header row (the file is empty)");
  const names = header.fields.map(fieldKey);
  const problems: { line: number; message: string }[] = [];
  if (error) problems.push({ line: error.line, message: error.message });
  const out: SourceRecord[] = [];
  for (const r of records.slice(1)) {
    if (r.fields.length !== names.length) {
      problems.push({ line: r.line, message: `expected ${names.length} fields (${header.fields.join(",")}), got ${r.fields.length}` });
      continue;
    }
    out.push({ line: r.line, fields: new Map(names.map((n, i) => [n, r.fields[i]!])) });
  }
  return { records: out, problems };
}

const ARRAY_KEYS = ["rows", "data", "tickets", "devices", "items"];

/**
 * JSON: an array of objects, or an object holding one under rows, data, tickets, devices or items.
 * Read with a YAML parser (JSON is YAML) to know the line of every object.
 */
export function jsonRecords(text: string): { records: SourceRecord[]; problems: { line: number; message: string }[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new SourceFormatError(e.linePos?.[0]?.line, `not JSON: ${e.message.split("\n")[0]}`);
  }
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  let list: Node | null | undefined = doc.contents;
  if (isMap(list)) {
    const map = list;
    const key = ARRAY_KEYS.find((k) => isSeq(map.get(k, true)));
    if (!key) throw new SourceFormatError(lineOf(list), `expected an array of objects, or an object with one of ${ARRAY_KEYS.join(", ")} holding one`);
    list = map.get(key, true);
  }
  if (!isSeq(list)) throw new SourceFormatError(lineOf(list), "expected an array of objects");
  const records: SourceRecord[] = [];
  const problems: { line: number; message: string }[] = [];
  for (const item of list.items) {
    const line = lineOf(item as Node);
    if (!isMap(item)) {
      problems.push({ line, message: "expected an object" });
      continue;
    }
    // Nested values are not figures: they are left out (a needed field then reads as missing).
    const fields = new Map<string, string>();
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined && isScalar(pair.value)) fields.set(fieldKey(key), pair.value.value === null ? "" : String(pair.value.value));
    }
    records.push({ line, fields });
  }
  return { records, problems };
}

/** The first of the named fields that is present. */
export function field(record: SourceRecord, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = record.fields.get(n);
    if (v !== undefined) return v.trim();
  }
  return undefined;
}
