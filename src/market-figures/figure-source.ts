import { open } from "node:fs/promises";
import { extname } from "node:path";
import type { ResolvedFigureSource } from "../config/market-data-load.js";
import type { SourceFormat } from "../config/market-figures-schema.js";
import { runApiSteps } from "../probes/api.js";
import { ProbeFailure, type ProbeContext } from "../probes/probe.js";
import { ticketCounts, type TicketCounts } from "./call-center-tickets.js";
import type { RowProblem } from "./figure-problems.js";
import { hanDeviceCounts, type HanDeviceCounts } from "./han-devices.js";
import { csvRecords, jsonRecords, SourceFormatError, type SourceRecord } from "./source-records.js";
import type { TdspTerritory } from "./tdsp-territory.js";

/** A source that could not be read at all; the previous figures are kept. */
export class SourceReadError extends Error {}

export interface SourceText {
  /** The file path or URL, for "origin:line" in problem reports. */
  origin: string;
  text: string;
  format: SourceFormat;
}

function formatFromName(name: string): SourceFormat | undefined {
  const ext = extname(name.replace(/[?#].*$/, "")).toLowerCase();
  return ext === ".csv" ? "csv" : ext === ".json" ? "json" : undefined;
}

/** Where a feed is read from: a figure source, or any feed of the same shape (the report's issues feed). */
export type FeedLocation = Pick<ResolvedFigureSource, "file" | "http" | "format" | "maxBytes">;

/** Reads a file drop (bounded by max_bytes) or runs the HTTP steps, whose last answer is the data. */
export async function readSourceText(source: FeedLocation, ctx: ProbeContext): Promise<SourceText> {
  if (source.file) {
    let handle;
    try {
      handle = await open(source.file, "r");
    } catch (err) {
      throw new SourceReadError(`cannot read ${source.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    try {
      const { size } = await handle.stat();
      if (size > source.maxBytes) throw new SourceReadError(`${source.file} is ${size} bytes, more than max_bytes (${source.maxBytes})`);
      const text = (await handle.readFile({ signal: ctx.signal })).toString("utf8");
      const format = source.format ?? formatFromName(source.file) ?? (text.trimStart().startsWith("[") || text.trimStart().startsWith("{") ? "json" : "csv");
      return { origin: source.file, text, format };
    } finally {
      await handle.close();
    }
  }
  const http = source.http!;
  const steps = http.api.steps;
  const last = steps[steps.length - 1]!;
  // The data's answer is bounded by the source's max_bytes (its max_body_bytes is max_bytes: the probe
  // default of 1 MiB would be too small for a feed, and a larger one must not undo max_bytes).
  const check = { ...http, api: { ...http.api, steps: [...steps.slice(0, -1), { ...last, max_body_bytes: source.maxBytes }] } };
  let response;
  try {
    response = await runApiSteps(check, ctx);
  } catch (err) {
    if (err instanceof ProbeFailure) throw new SourceReadError(`${last.url}: ${err.reason}: ${err.message}`);
    throw err;
  }
  const type = String(response.headers["content-type"] ?? "");
  const format = source.format ?? (/json/i.test(type) ? "json" : /csv|text\/plain/i.test(type) ? "csv" : (formatFromName(last.url) ?? "csv"));
  return { origin: last.url, text: response.body.toString("utf8"), format };
}

/** The rows of a source's text, and the rows that are not even rows; SourceReadError when it is not CSV/JSON at all. */
export function sourceRecords(text: SourceText): { records: SourceRecord[]; problems: RowProblem[] } {
  try {
    return text.format === "json" ? jsonRecords(text.text) : csvRecords(text.text);
  } catch (err) {
    if (err instanceof SourceFormatError) throw new SourceReadError(`${text.origin}${err.line !== undefined ? `:${err.line}` : ""}: ${err.message}`);
    throw err;
  }
}

export type FigureCounts = ({ figure: "call_center_tickets" } & TicketCounts) | ({ figure: "han_devices" } & HanDeviceCounts);

export interface SourceFigures {
  origin: string;
  counts: FigureCounts;
  /** Every row not counted, with its line; `accepted` rows were counted. */
  problems: RowProblem[];
  accepted: number;
}

/**
 * The figures in a source's text. Throws SourceReadError when nothing can be counted from it (not
 * CSV/JSON, no header, or not a single good row): then the previous figures are kept.
 */
export function sourceFigures(source: ResolvedFigureSource, text: SourceText, prefixes: Readonly<Record<TdspTerritory, readonly string[]>>): SourceFigures {
  const { records, problems } = sourceRecords(text);
  const counts: FigureCounts =
    source.figure === "call_center_tickets"
      ? { figure: source.figure, ...ticketCounts(records) }
      : { figure: source.figure, ...hanDeviceCounts(records, prefixes) };
  const all = [...problems, ...counts.problems].sort((a, b) => a.line - b.line);
  if (counts.accepted === 0) {
    const first = all[0];
    throw new SourceReadError(
      `${text.origin}: no row could be counted${first ? ` (${all.length} bad rows; first at line ${first.line}: ${first.message})` : " (no rows)"}; keeping the previous figures`,
    );
  }
  return { origin: text.origin, counts, problems: all, accepted: counts.accepted };
}
