import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Issue 14 item 6: HTML is written with the one html`` template of src/web/html.ts. No other module
 * keeps an escape helper, and no other module builds markup from values by concatenation or by an
 * untagged template literal (constant pages without ${} are fine: nothing in them can be injected).
 */
const root = join(import.meta.dirname, "..");
const OWNER = "src/web/html.ts";
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });

/** An HTML or SVG tag (or end tag) in a piece of source text: `<td`, `</td>`, `<svg `, `<!doctype`; not a placeholder such as `<name>`. */
const TAGS =
  "html|head|body|title|meta|link|script|style|main|header|footer|section|nav|h[1-6]|p|div|span|a|em|strong|b|i|code|pre|br|hr|ul|ol|li|dl|dt|dd|table|thead|tbody|tr|th|td|form|input|textarea|select|option|button|label|details|summary|img|iframe|svg|g|rect|line|text|path|circle|polyline";
const MARKUP = new RegExp(`<\\/?(?:${TAGS})(?=[\\s>/]|$)|<!doctype`, "i");
/** A helper that writes HTML character references (a Markdown `|` escape is not one). */
const ESCAPE_HELPER = /^(?:esc|escape|escapeHtml|escapeXml|htmlEscape|escapeAttr(?:ibute)?)$/i;
const WRITES_REFERENCES = /&#|&(?:amp|lt|gt|quot|apos);/;

/** Every place in a source file that makes HTML outside the template, as "path:line: what". */
export function htmlOutsideTemplate(path: string, text: string): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) => found.push(`${path}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}: ${what}`);
  const isMarkupString = (node: ts.Node) => (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && MARKUP.test(node.text);
  const visit = (node: ts.Node): void => {
    if (ts.isTemplateExpression(node) && !(ts.isTaggedTemplateExpression(node.parent) && node.parent.tag.getText(file) === "html")) {
      const texts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
      if (texts.some((t) => MARKUP.test(t))) at(node, `untagged template literal with markup and \${}: ${node.getText(file).slice(0, 60)}`);
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken && (isMarkupString(node.left) || isMarkupString(node.right))) {
      at(node, `markup concatenated with +: ${node.getText(file).slice(0, 60)}`);
    }
    if (
      (ts.isFunctionDeclaration(node) || ts.isVariableDeclaration(node)) &&
      node.name &&
      ts.isIdentifier(node.name) &&
      ESCAPE_HELPER.test(node.name.text) &&
      WRITES_REFERENCES.test(node.getText(file))
    ) {
      at(node, `escape helper ${node.name.text}`);
    }
    // raw() takes constant markup only: a literal without ${}, or a CONSTANT_NAME bound to one.
    if (ts.isCallExpression(node) && node.expression.getText(file) === "raw") {
      const arg = node.arguments[0];
      const constant =
        arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg) || (ts.isIdentifier(arg) && /^[A-Z][A-Z0-9_]*$/.test(arg.text)));
      if (!constant) at(node, `raw() of a value that is not a constant: ${node.getText(file).slice(0, 60)}`);
    }
    if (ts.isRegularExpressionLiteral(node) && /\[[^\]]*&[^\]]*<|\[[^\]]*<[^\]]*&/.test(node.text)) at(node, `escaping regex ${node.text}`);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe("one HTML template", () => {
  it("no module in src/ outside src/web/html.ts has an escape helper or builds HTML from strings", () => {
    const sources = files(join(root, "src")).map((path) => ({ path: relative(root, path), text: readFileSync(path, "utf8") }));
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.filter((s) => s.path !== OWNER).flatMap((s) => htmlOutsideTemplate(s.path, s.text))).toEqual([]);
  });

  it("the scan finds each way of doing it (so that it cannot pass by finding nothing)", () => {
    const bad = [
      "export function esc(t: string) { return t.replace(/</g, '&lt;'); }",
      "const escapeHtml = (t: string) => t.split('&').join('&amp;');",
      "const x = 1; const s = t.replace(/[&<>\"']/g, (c) => c);",
      "const row = `<tr><td>${name}</td></tr>`;",
      "const row = '<td>' + name + '</td>';",
      'const svg = `<svg id="${id}">`;',
      "const cell = raw(notice.subject);",
      "const cell = raw(`<b>${name}</b>`);",
    ];
    for (const line of bad) expect(htmlOutsideTemplate("x.ts", line).length, line).toBeGreaterThan(0);
    const fine = [
      "const row = html`<tr><td>${name}</td></tr>`;",
      "const s = raw(STYLE);",
      "const t = raw(' selected');",
      "const page = `<!doctype html><p>constant</p>`;",
      "const opt = `--from <date> ${x}`.length;",
      "if (a < b && c > d) f(`${a}<${b}`);",
      "const m = `expected secret.<name> or date(<days>) in ${path}`;",
      "const esc = (c: string) => c.replace(/\\|/g, '\\\\|');",
    ];
    for (const line of fine) expect(htmlOutsideTemplate("x.ts", line), line).toEqual([]);
  });
});
