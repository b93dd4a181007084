/**
 * The one HTML template of the house: a tagged template that escapes every interpolated value,
 * used by the review pages, the exporter's landing page and the HTML report (with its inline SVG).
 *
 *   html`<td>${notice.subject}</td>`          text: & < > " ' become character references
 *   html`<a href="${url}">`                    a whole URL attribute value: only http(s), mailto or a
 *                                              relative URL; anything else (javascript:, data:, …)
 *                                              becomes about:invalid#refused
 *   html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`   arrays are joined, SafeHtml kept as is
 *   ${cond && html`…`}                         null, undefined and false render as nothing
 *   raw(STYLE)                                 the one way to insert markup that is not escaped: only
 *                                              for constant strings written in the source
 *
 * Interpolating into an event-handler attribute (on…=), an unquoted attribute value or an attribute
 * name is refused with an Error: those are bugs in a template, not user input.
 */

const ESCAPED = /[&<>"']/g;

/** Markup that is safe to insert as is: made only by html`` and raw(). */
export class SafeHtml {
  readonly #markup: string;

  /** @internal use html`` or raw(). */
  constructor(markup: string, brand: typeof SAFE_HTML_BRAND) {
    if (brand !== SAFE_HTML_BRAND) throw new Error("SafeHtml is made by html`` or raw() only");
    this.#markup = markup;
  }

  toString(): string {
    return this.#markup;
  }
}

const SAFE_HTML_BRAND = Symbol("SafeHtml");

/** What may be interpolated into html``. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

/** & < > " ' as numeric character references: safe in text and in quoted attribute values. */
function escapeText(value: string | number): string {
  return String(value).replace(ESCAPED, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A constant, trusted piece of markup (a stylesheet, a static page): never pass it a value that
 * came from a request, a config, a store or a probe.
 */
export function raw(constantMarkup: string): SafeHtml {
  return new SafeHtml(constantMarkup, SAFE_HTML_BRAND);
}

/** Attributes whose whole value is a URL the browser may follow or load. */
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href", "poster", "cite", "background"]);
/** http:, https:, mailto:, or no scheme at all (relative, #fragment, ?query). */
const SAFE_URL = /^(?:(?:https?|mailto):|[^:/?#]*(?:[/?#]|$))/i;
/** The value a refused URL becomes: a URL that goes nowhere. */
export const REFUSED_URL = "about:invalid#refused";

/** The attribute an interpolation opens, read from the markup just before it. */
const ATTRIBUTE_START = /([^\s"'<>/=]+)\s*=\s*(["']?)$/;

type Context = "text" | "attribute" | "url" | "attribute-name" | "unquoted-value";

/**
 * Where an interpolation lands, read from the piece of the template just before it: enough for
 * templates written in this repository (tags and their attributes written out in the source).
 */
function contextBefore(markup: string): Context {
  const m = ATTRIBUTE_START.exec(markup);
  if (m && m[2]) {
    const name = m[1]!.toLowerCase();
    if (name.startsWith("on")) throw new Error(`html\`\`: a value cannot be interpolated into the event handler ${name}`);
    return URL_ATTRIBUTES.has(name) ? "url" : "attribute";
  }
  const open = markup.lastIndexOf("<");
  if (open <= markup.lastIndexOf(">")) return "text";
  const tag = markup.slice(open).replace(/"[^"]*"|'[^']*'/g, "v");
  if (/["']/.test(tag)) return "attribute"; // inside a quoted value, after its start
  return /=\s*$/.test(tag) ? "unquoted-value" : "attribute-name";
}

function render(value: HtmlValue, context: Context): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) {
    if (context === "unquoted-value") throw new Error("html``: an attribute value must be quoted");
    return value.toString();
  }
  if (Array.isArray(value)) return value.map((v: HtmlValue) => render(v, context)).join("");
  if (context === "attribute-name" || context === "unquoted-value") {
    throw new Error(
      `html\`\`: ${JSON.stringify(String(value))} cannot be interpolated ${context === "unquoted-value" ? "into an unquoted attribute value" : "where an attribute name goes"} (use dataAttributes() or quote the value)`,
    );
  }
  const text = String(value);
  if (context === "url" && !SAFE_URL.test(text.trim())) return REFUSED_URL;
  return escapeText(text);
}

/** The template tag: every interpolated value is escaped unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) {
    out += render(values[i], contextBefore(strings[i]!)) + strings[i + 1]!;
  }
  return new SafeHtml(out, SAFE_HTML_BRAND);
}

/** Joins pieces of markup with a constant separator (e.g. "\n" between table rows). */
export function joinHtml(parts: readonly SafeHtml[], separator: string): SafeHtml {
  return new SafeHtml(parts.map(String).join(escapeText(separator)), SAFE_HTML_BRAND);
}

/**
 * data-* attributes from a record, e.g. ` data-label="…" data-value="3"`: names must be lower-case
 * letters, digits and hyphens (written in the source), values are escaped.
 */
export function dataAttributes(data: Readonly<Record<string, string | number>>): SafeHtml {
  const parts = Object.entries(data).map(([name, value]) => {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`dataAttributes: data-${name} is not a valid attribute name`);
    return ` data-${name}="${escapeText(value)}"`;
  });
  return new SafeHtml(parts.join(""), SAFE_HTML_BRAND);
}
