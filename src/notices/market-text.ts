/**
 * Text that becomes market text: what an alert says (annotations) and every field of a rendered
 * notice. One normalisation for all of it, so what the market reads is what the reviewer sees:
 *
 * - Unicode NFC (a decomposed "é" and a composed one are the same text);
 * - line breaks (CR, CRLF, NEL, U+2028, U+2029) become "\n", or spaces where the text is one line;
 * - removed: C0 and C1 control characters (except "\n", and "\t" which becomes a space), DEL,
 *   bidirectional embeddings, overrides, isolates and marks (U+202A-202E, U+2066-2069, U+200E,
 *   U+200F, U+061C) and every other invisible format character (Unicode category Cf: zero-width
 *   spaces and joiners, soft hyphen, BOM, tag characters), lone surrogates and U+FFFE/U+FFFF;
 * - runs of spaces collapse, lines are trimmed, at most one blank line in a row;
 * - at most `maxChars` UTF-16 code units (what a browser's maxlength and JavaScript count), cut
 *   at a character boundary, ending in a visible TRUNCATION_MARKER.
 */

export const TRUNCATION_MARKER = "…(truncated)";

const LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;
/** Controls (C0 but "\n", DEL, C1), format characters (Cf: bidi controls, zero-width, BOM, tags…), surrogates, noncharacters. */
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\p{Cf}\p{Cs}\uFFFE\uFFFF]/gu;

export interface MarketTextOptions {
  /** Keep line breaks (notice fields from templates) or make the text one line (alert annotations: a line break there could forge a notice field). */
  lines: "keep" | "join";
}

/** The normalised text, unbounded. */
export function normaliseMarketText(text: string, options: MarketTextOptions): string {
  let out = text.normalize("NFC").replace(LINE_BREAKS, "\n").replace(/\t/g, " ").replace(INVISIBLE, "");
  if (options.lines === "join") return out.replace(/\s+/g, " ").trim();
  out = out
    .split("\n")
    .map((line) => line.replace(/[^\S\n]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n");
  return out.trim();
}

/** Cuts text to at most maxChars UTF-16 code units, at a character boundary, with the visible marker. */
export function boundMarketText(text: string, maxChars: number): string {
  if (maxChars < TRUNCATION_MARKER.length + 1) throw new RangeError(`a market text limit must leave room for the truncation marker, got ${maxChars}`);
  if (text.length <= maxChars) return text;
  const room = maxChars - TRUNCATION_MARKER.length;
  // Cut at a grapheme boundary (never inside a surrogate pair or before a combining mark), looking only near the cut.
  let cut = 0;
  for (const { index } of new Intl.Segmenter("en", { granularity: "grapheme" }).segment(text.slice(Math.max(0, room - 64), room + 1))) {
    const at = Math.max(0, room - 64) + index;
    if (at <= room) cut = at;
  }
  return `${text.slice(0, cut).trimEnd()}${TRUNCATION_MARKER}`;
}

export function marketText(text: string, maxChars: number, options: MarketTextOptions): string {
  return boundMarketText(normaliseMarketText(text, options), maxChars);
}
