import { dataAttributes, html, raw, type SafeHtml } from "../web/html.js";

/**
 * Small inline SVG charts for the HTML report: no script, no external font or stylesheet, so the file
 * is self-contained and prints as it shows. Every mark carries data-* attributes with its value, so
 * a test (or a reader's tools) can check the chart against the tables.
 */

const FONT = raw(`font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"`);
const fmt = (x: number) => (Math.round(x * 100) / 100).toString();

function svgOpen(id: string, title: string, width: number, height: number): SafeHtml {
  return html`<svg id="${id}" class="chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${id}-title" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ${FONT} font-size="12"><title id="${id}-title">${title}</title>`;
}

export interface Bar {
  label: string;
  value: number;
  /** The text shown at the bar's end (default: the value). */
  valueText?: string;
  color?: string;
  /** Extra data-* attributes. */
  data?: Record<string, string | number>;
}

/**
 * Horizontal bars from `min` to `max` (the axis need not start at 0: availability is shown from e.g.
 * 95 % up), with an optional reference line (the objective).
 */
export function horizontalBars(options: {
  id: string;
  title: string;
  bars: Bar[];
  min?: number;
  max: number;
  reference?: { value: number; label: string };
  ticks?: { value: number; label: string }[];
  width?: number;
}): SafeHtml {
  const width = options.width ?? 640;
  const labelWidth = Math.min(220, 12 + 7 * Math.max(4, ...options.bars.map((b) => b.label.length)));
  const valueWidth = 90;
  const barHeight = 22;
  const gap = 8;
  const top = 10;
  const plot = width - labelWidth - valueWidth;
  const min = options.min ?? 0;
  const span = options.max - min || 1;
  const x = (v: number) => labelWidth + ((Math.max(min, Math.min(options.max, v)) - min) / span) * plot;
  const height = top + options.bars.length * (barHeight + gap) + 28;
  const parts: SafeHtml[] = [svgOpen(options.id, options.title, width, height)];
  for (const t of options.ticks ?? []) {
    const tx = fmt(x(t.value));
    parts.push(
      html`<line x1="${tx}" x2="${tx}" y1="${top - 4}" y2="${height - 24}" stroke="#ddd"/><text x="${tx}" y="${height - 8}" text-anchor="middle" fill="#555">${t.label}</text>`,
    );
  }
  options.bars.forEach((b, i) => {
    const y = top + i * (barHeight + gap);
    const w = Math.max(0, x(b.value) - labelWidth);
    parts.push(
      html`<g class="bar"${dataAttributes({ label: b.label, value: b.value, ...b.data })}><text x="${labelWidth - 8}" y="${y + barHeight / 2 + 4}" text-anchor="end" fill="#222">${b.label}</text><rect x="${labelWidth}" y="${y}" width="${fmt(w)}" height="${barHeight}" fill="${b.color ?? "#4a78b5"}"/><text x="${fmt(labelWidth + w + 6)}" y="${y + barHeight / 2 + 4}" fill="#222">${b.valueText ?? String(b.value)}</text></g>`,
    );
  });
  if (options.reference) {
    const rx = fmt(x(options.reference.value));
    parts.push(
      html`<g class="reference" data-value="${options.reference.value}"><line x1="${rx}" x2="${rx}" y1="${top - 6}" y2="${height - 24}" stroke="#b00020" stroke-width="2" stroke-dasharray="5 3"/><text x="${rx}" y="${height - 8}" text-anchor="middle" fill="#b00020" font-weight="bold">${options.reference.label}</text></g>`,
    );
  }
  parts.push(raw("</svg>"));
  return html`${parts}`;
}

export interface StripCell {
  /** Small text under the cell (e.g. the day of the month), shown every few cells. */
  label: string;
  status: string;
  tooltip: string;
}

/** One row of squares per series (e.g. a service's usage days), colored by status, with a legend. */
export function statusStrip(options: {
  id: string;
  title: string;
  rows: { label: string; cells: StripCell[] }[];
  colors: Record<string, string>;
  legend: Record<string, string>;
}): SafeHtml {
  const cell = 16;
  const gap = 2;
  const labelWidth = 60;
  const maxCells = Math.max(1, ...options.rows.map((r) => r.cells.length));
  const width = Math.max(420, labelWidth + maxCells * (cell + gap) + 10);
  const rowsHeight = options.rows.length * (cell + 16);
  const height = rowsHeight + 34;
  const parts: SafeHtml[] = [svgOpen(options.id, options.title, width, height)];
  options.rows.forEach((row, ri) => {
    const y = ri * (cell + 16) + 4;
    parts.push(
      html`<g class="strip" data-label="${row.label}"><text x="${labelWidth - 8}" y="${y + cell - 3}" text-anchor="end" fill="#222">${row.label}</text>`,
    );
    row.cells.forEach((c, ci) => {
      const x = labelWidth + ci * (cell + gap);
      parts.push(
        html`<rect class="cell" x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${options.colors[c.status] ?? "#ccc"}" data-status="${c.status}" data-label="${c.label}"><title>${c.tooltip}</title></rect>`,
      );
      if (ci === 0 || (ci + 1) % 5 === 0)
        parts.push(html`<text x="${x + cell / 2}" y="${y + cell + 11}" text-anchor="middle" font-size="9" fill="#666">${c.label}</text>`);
    });
    parts.push(raw("</g>"));
  });
  let lx = labelWidth;
  const ly = rowsHeight + 16;
  for (const [status, text] of Object.entries(options.legend)) {
    parts.push(
      html`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${options.colors[status] ?? "#ccc"}"/><text x="${lx + 16}" y="${ly + 10}" fill="#222">${text}</text>`,
    );
    lx += 28 + text.length * 7;
  }
  parts.push(raw("</svg>"));
  return html`${parts}`;
}

/** Horizontal stacked bars (e.g. HAN devices per TDSP, split by status). */
export function stackedBars(options: {
  id: string;
  title: string;
  rows: { label: string; parts: { key: string; value: number }[] }[];
  colors: Record<string, string>;
  width?: number;
}): SafeHtml {
  const width = options.width ?? 640;
  const labelWidth = 150;
  const totalWidth = 60;
  const barHeight = 22;
  const gap = 8;
  const plot = width - labelWidth - totalWidth;
  const max = Math.max(1, ...options.rows.map((r) => r.parts.reduce((n, p) => n + p.value, 0)));
  const keys = [...new Set(options.rows.flatMap((r) => r.parts.map((p) => p.key)))];
  const rowsHeight = options.rows.length * (barHeight + gap);
  const height = rowsHeight + 34;
  const out: SafeHtml[] = [svgOpen(options.id, options.title, width, height)];
  options.rows.forEach((r, i) => {
    const y = i * (barHeight + gap) + 4;
    const total = r.parts.reduce((n, p) => n + p.value, 0);
    out.push(
      html`<g class="stack" data-label="${r.label}" data-value="${total}"><text x="${labelWidth - 8}" y="${y + barHeight / 2 + 4}" text-anchor="end" fill="#222">${r.label}</text>`,
    );
    let x = labelWidth;
    for (const p of r.parts) {
      const w = (p.value / max) * plot;
      if (p.value > 0)
        out.push(
          html`<rect class="part" x="${fmt(x)}" y="${y}" width="${fmt(w)}" height="${barHeight}" fill="${options.colors[p.key] ?? "#999"}" data-key="${p.key}" data-value="${p.value}"><title>${`${r.label}: ${p.key} ${p.value}`}</title></rect>`,
        );
      x += w;
    }
    out.push(html`<text x="${fmt(x + 6)}" y="${y + barHeight / 2 + 4}" fill="#222">${total}</text></g>`);
  });
  let lx = labelWidth;
  for (const key of keys) {
    out.push(
      html`<rect x="${lx}" y="${rowsHeight + 12}" width="12" height="12" fill="${options.colors[key] ?? "#999"}"/><text x="${lx + 16}" y="${rowsHeight + 22}" fill="#222">${key}</text>`,
    );
    lx += 28 + key.length * 7;
  }
  out.push(raw("</svg>"));
  return html`${out}`;
}

/** Vertical columns (e.g. tickets per month), with the value above each column. */
export function columns(options: { id: string; title: string; columns: { label: string; value: number }[]; color?: string; width?: number }): SafeHtml {
  const width = options.width ?? 640;
  const height = 200;
  const bottom = 30;
  const top = 18;
  const n = Math.max(1, options.columns.length);
  const slot = (width - 20) / n;
  const max = Math.max(1, ...options.columns.map((c) => c.value));
  const out: SafeHtml[] = [svgOpen(options.id, options.title, width, height)];
  options.columns.forEach((c, i) => {
    const h = (c.value / max) * (height - bottom - top);
    const x = 10 + i * slot + slot * 0.15;
    const w = slot * 0.7;
    const y = height - bottom - h;
    out.push(
      html`<g class="column" data-label="${c.label}" data-value="${c.value}"><rect x="${fmt(x)}" y="${fmt(y)}" width="${fmt(w)}" height="${fmt(h)}" fill="${options.color ?? "#4a78b5"}"/><text x="${fmt(x + w / 2)}" y="${fmt(y - 4)}" text-anchor="middle" font-size="10" fill="#222">${c.value}</text><text x="${fmt(x + w / 2)}" y="${height - 12}" text-anchor="middle" font-size="10" fill="#555">${c.label}</text></g>`,
    );
  });
  out.push(raw("</svg>"));
  return html`${out}`;
}
