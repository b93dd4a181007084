import { describe, expect, it } from "vitest";
import { dataAttributes, html, joinHtml, raw, REFUSED_URL, SafeHtml } from "../src/web/html.js";

describe("html`` escapes by default", () => {
  it("escapes & < > \" ' in text and in quoted attribute values", () => {
    const evil = `<script>alert("x")</script> & 'y'`;
    expect(String(html`<p title="${evil}">${evil}</p>`)).toBe(
      `<p title="&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;y&#39;">&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; &#39;y&#39;</p>`,
    );
    expect(String(html`<input value='${`'><img src=x onerror=alert(1)>`}'>`)).toBe(`<input value='&#39;&#62;&#60;img src=x onerror=alert(1)&#62;'>`);
  });
  it("keeps nested html`` as is, joins arrays, renders null, undefined and false as nothing", () => {
    const items = ["a<b", "c&d"];
    const list = html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`;
    expect(list).toBeInstanceOf(SafeHtml);
    expect(String(html`<div>${list}${null}${undefined}${false}${0}${[["x", html`<br>`]]}</div>`)).toBe(
      "<div><ul><li>a&#60;b</li><li>c&#38;d</li></ul>0x<br></div>",
    );
    expect(String(joinHtml([html`<b>${"1"}</b>`, html`<i>2</i>`], "\n"))).toBe("<b>1</b>\n<i>2</i>");
  });
  it("inserts raw() markup unescaped, and only SafeHtml is trusted: a string that looks like markup is not", () => {
    expect(String(html`<style>${raw("p > a { color: red }")}</style>`)).toBe("<style>p > a { color: red }</style>");
    expect(String(html`${"<b>"}`)).toBe("&#60;b&#62;");
    expect(() => new (SafeHtml as unknown as new (m: string, b: symbol) => SafeHtml)("<b>", Symbol("SafeHtml"))).toThrow();
  });
  it("refuses javascript:, data: and other schemes at the start of a URL attribute; allows http(s), mailto and relative URLs", () => {
    const link = (url: string) => String(html`<a href="${url}">x</a>`);
    for (const bad of ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x"]) {
      expect(link(bad)).toBe(`<a href="${REFUSED_URL}">x</a>`);
    }
    expect(String(html`<form action="${"javascript:x"}"><img src="${"data:x"}">`)).toBe(`<form action="${REFUSED_URL}"><img src="${REFUSED_URL}">`);
    expect(link("https://example.com/a?b=1&c=2")).toBe(`<a href="https://example.com/a?b=1&#38;c=2">x</a>`);
    expect(link("/notices/SMT-1")).toBe(`<a href="/notices/SMT-1">x</a>`);
    expect(link("notices?status=draft")).toBe(`<a href="notices?status=draft">x</a>`);
    expect(link("#top")).toBe(`<a href="#top">x</a>`);
    expect(link("mailto:ops@example.com")).toBe(`<a href="mailto:ops@example.com">x</a>`);
    // after a constant prefix the scheme is fixed by the source: the value is only escaped
    expect(String(html`<a href="/notices/${"javascript:x"}">`)).toBe(`<a href="/notices/javascript:x">`);
  });
  it("refuses values in event handlers, unquoted attribute values and attribute names (bugs in a template)", () => {
    expect(() => html`<a onclick="${"x"}">`).toThrow(/event handler onclick/);
    expect(() => html`<a title=${"x"}>`).toThrow(/unquoted/);
    expect(() => html`<a ${"onclick=alert(1)"}>`).toThrow(/attribute name/);
    expect(() => html`<g data-${"onload"}="1">`).toThrow(/attribute name/);
    // SafeHtml attributes and optional ones are fine where an attribute name goes
    expect(String(html`<tr${dataAttributes({ service: `a"b` })}${false}>`)).toBe(`<tr data-service="a&#34;b">`);
    const selected = [true][0];
    expect(String(html`<option${selected && raw(" selected")}>`)).toBe("<option selected>");
    expect(String(html`<g class="bar"${dataAttributes({ label: "x" })}>`)).toBe(`<g class="bar" data-label="x">`);
    expect(() => dataAttributes({ "x onload": 1 })).toThrow(/not a valid attribute name/);
    // text that merely contains "=" is text
    expect(String(html`<p>a = ${"<b>"}</p>`)).toBe("<p>a = &#60;b&#62;</p>");
  });
});
