import { DateTime } from "luxon";
import {
  announcementText,
  DATA_QUALITY_HEADERS,
  dataQualityCells,
  noticesCell,
  noticeText,
  objectivesText,
  sentCentral,
  serviceName,
  TIME_TO_MARKET_HEADERS,
  timeToMarketCells,
  YEAR_TIME_TO_MARKET_HEADERS,
  yearTimeToMarketCells,
} from "./committee-format.js";
import type { CommitteeMonthReport, CommitteeYearReport, OutageEntry, ReportFrame } from "./committee-report.js";
import type { EvidenceFlag } from "./notice-evidence.js";
import type { IssuesSection } from "./issues-report.js";
import { excludePolicySentence } from "./reserved-windows.js";
import { partialText } from "./report-format.js";
import { callCenterSentence, callCenterSummary } from "./call-center-summary.js";
import { AUDIENCE_SECTIONS } from "./report-audience.js";
import { AVAILABILITY_OBJECTIVE, type ServiceAvailability } from "./service-availability.js";
import { columns, horizontalBars, stackedBars, statusStrip } from "./svg-charts.js";
import { html, joinHtml, raw, type HtmlValue, type SafeHtml } from "../web/html.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/**
 * The committee report as one self-contained HTML file: inline CSS and inline SVG charts, no script,
 * no external font, image or stylesheet (a Content-Security-Policy of default-src 'none' says so to
 * the browser too). Sections do not break across printed pages; the page size is US Letter.
 */

const STYLE = `
@page { size: letter; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1b1b1b; margin: 0 auto; max-width: 960px; padding: 16px 20px; font-size: 13px; line-height: 1.4; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 8px; border-bottom: 2px solid #1f4e79; padding-bottom: 3px; color: #1f4e79; }
header p { margin: 2px 0; color: #444; }
section { margin: 22px 0; break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #c8c8c8; padding: 3px 6px; text-align: right; vertical-align: top; }
th { background: #eef2f7; }
td.l, th.l { text-align: left; }
tr.met td.verdict { color: #1b5e20; font-weight: 600; }
tr.missed td.verdict { color: #b71c1c; font-weight: 700; }
p.note { color: #444; margin: 4px 0; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 6px 0; }
footer { margin-top: 28px; color: #555; font-size: 11px; border-top: 1px solid #ccc; padding-top: 6px; }
@media print { body { max-width: none; padding: 0; } a { color: inherit; text-decoration: none; } }
`;

const COLORS = {
  met: "#2e7d32",
  missed: "#c62828",
  none: "#9e9e9e",
  on_time: "#2e7d32",
  late: "#f9a825",
  missing: "#c62828",
  unmeasured: "#9e9e9e",
  pending: "#e0e0e0",
};
const STATUS_PALETTE = ["#6a1b9a", "#00838f", "#8d6e63", "#546e7a", "#f9a825", "#ad1457"];
/** The usual HAN statuses get their meaning's color; others a palette color. */
const HAN_STATUS_COLORS: Record<string, string> = {
  joined: "#2e7d32",
  provisioned: "#2e7d32",
  pending: "#1565c0",
  failed: "#c62828",
  deprovisioned: "#9e9e9e",
  de_provisioned: "#9e9e9e",
};

const NO_NOTICE_STORE = html`<em>no notice store given</em>`;

const pct = (x: number | null, digits = 3) => (x === null ? "n/a" : `${(x * 100).toFixed(digits)} %`);
const num = (n: number) => n.toLocaleString("en-US");

function page(title: string, subtitle: string, frame: ReportFrame, body: SafeHtml, generatedAt: number): string {
  const generated = DateTime.fromMillis(generatedAt, { zone: CENTRAL_TIME_ZONE }).toFormat("yyyy-LL-dd HH:mm ZZZZ");
  return String(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<p>${subtitle}</p>
<p>Generated ${generated} by smt-monitor. Availability per service and month, counted in minutes, excluding planned maintenance. <span id="objectives">${objectivesText(frame)}</span></p>
</header>
${body}
<footer>
Minutes are wall-clock minutes of the calendar month in Central time; a minute is maintenance (planned window), unmeasured (no probe data),
unavailable (a check failed at most locations) or available. Availability = available / (total − maintenance); unmeasured minutes count against it.
Time to market: a usage day is on time when the newest usage day seen at its deadline (FTPS 23:00 on D+1, GUI and API 06:00 on D+2) was that day or later.
Data quality: the 15-minute intervals of the canary ESIIDs (96 a day, 92 and 100 on the DST days).
</footer>
</body>
</html>
`);
}

/** A table cell: text (escaped) or markup made with html``. */
type Cell = HtmlValue;
/** A table row: its cells and the attributes of its <tr>, e.g. html` data-service="${service}"`. */
interface Row {
  cells: Cell[];
  attrs?: SafeHtml;
}

const LEFT = raw(' class="l"');

function table(id: string, headers: string[], rows: Row[], left: number[] = [0]): SafeHtml {
  const l = new Set(left);
  const th = headers.map((h, i) => html`<th${l.has(i) && LEFT} scope="col">${h}</th>`);
  const body = rows.length
    ? joinHtml(
        rows.map((r) => html`<tr${r.attrs}>${r.cells.map((c, i) => html`<td${l.has(i) && LEFT}>${c}</td>`)}</tr>`),
        "\n",
      )
    : html`<tr><td class="l" colspan="${headers.length}">none</td></tr>`;
  return html`<table id="${id}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function availabilityChart(
  id: string,
  title: string,
  services: { service: string; availability: number | null; met: boolean | null; objective: number }[],
): SafeHtml {
  const values = services.map((s) => s.availability).filter((v): v is number => v !== null);
  // the line of the objective when every service has the same one (else the SLO document's)
  const targets = [...new Set(services.map((s) => s.objective))];
  const objective = targets.length === 1 ? targets[0]! : AVAILABILITY_OBJECTIVE;
  const lowest = Math.min(objective, ...values);
  const min = Math.max(0, Math.floor(lowest * 100 - 1) / 100);
  const step = 1 - min > 0.1 ? 0.05 : 1 - min > 0.03 ? 0.01 : 0.005;
  const ticks = [];
  // the objective's own line is labelled: no tick label under it
  for (let v = min; v <= 1.000001; v += step)
    if (Math.abs(v - objective) > 1e-9) ticks.push({ value: v, label: `${(v * 100).toFixed(step < 0.01 ? 1 : 0)} %` });
  return horizontalBars({
    id,
    title,
    min,
    max: 1,
    ticks,
    reference: { value: objective, label: `objective ${+(objective * 100).toFixed(4)} %` },
    bars: services.map((s) => ({
      label: serviceName(s.service),
      value: s.availability ?? min,
      valueText: pct(s.availability),
      color: s.met === null ? COLORS.none : s.met ? COLORS.met : COLORS.missed,
      data: { service: s.service, availability: s.availability === null ? "n/a" : s.availability, met: String(s.met) },
    })),
  });
}

function availabilityRows(services: ServiceAvailability[]): Row[] {
  return services.map((s) => ({
    attrs: html` data-service="${s.service}" class="${s.met === null ? "na" : s.met ? "met" : "missed"}"`,
    cells: [
      serviceName(s.service),
      num(s.total_minutes),
      num(s.maintenance_minutes),
      num(s.unavailable_minutes),
      num(s.unmeasured_minutes),
      num(s.available_minutes),
      pct(s.availability),
      pct(s.objective, 0),
      html`<span class="verdict">${s.met === null ? "n/a" : s.met ? "met" : "MISSED"}</span>`,
    ],
  }));
}

/** The notices of an outage: each with its status; a draft or an approved notice is marked NOT SENT. */
function noticesHtml(o: OutageEntry): HtmlValue {
  if (o.notices === null) return NO_NOTICE_STORE;
  if (o.notices.length === 0) return "none";
  return joinHtml(
    o.notices.map(
      (x) =>
        html`<span class="notice" data-notice-id="${x.id}" data-status="${x.status}"${x.sent_at ? html` data-sent-at="${x.sent_at}"` : ""}><code>${x.id}</code> ${noticeText(x, sentCentral).slice(x.id.length + 1)}</span>`,
    ),
    "; ",
  );
}

function announcementHtml(o: OutageEntry): HtmlValue {
  if (!o.announcement) return "";
  const text = announcementText(o);
  return o.announcement.rule === "missed" || o.announcement.rule === "not_sent"
    ? html`<strong class="flag" data-rule="${o.announcement.rule}">${text}</strong>`
    : html`<span data-rule="${o.announcement.rule}">${text}</span>`;
}

function flagsSection(flags: EvidenceFlag[] | null, period: string, number: string): SafeHtml {
  return html`<section id="notice-evidence"><h2>${number} Market notices as evidence</h2>
${
  flags === null
    ? html`<p class="note">No notice store was given (--notices): the market notices of the outages were not checked.</p>`
    : flags.length === 0
      ? html`<p class="note">Every unplanned outage over the threshold of ${period} has a sent notice, and every planned window was announced 3 business days ahead.</p>`
      : html`<p class="note"><strong>${flags.length} flagged</strong>: unplanned outages over the threshold without a sent notice; planned maintenance announced fewer than 3 business days ahead, or not announced.</p>
${table(
  "table-notice-flags",
  ["service", "kind", "problem"],
  flags.map((f) => ({ attrs: html` data-service="${f.service}" data-problem="${f.problem}"`, cells: [serviceName(f.service), f.kind, f.text] })),
  [0, 1, 2],
)}`
}
</section>`;
}

function issuesHtml(issues: IssuesSection, period: string, number: string): SafeHtml {
  return html`<section id="issues"><h2>${number} Issues and change requests</h2>
<p class="note">From ${issues.origin}; open means not closed by the end of ${period}.</p>
${issues.read_error ? html`<p class="note"><strong>The feed could not be read:</strong> ${issues.read_error}</p>` : ""}
${
  issues.read_error
    ? ""
    : table(
        "table-issues",
        ["service", "issues opened", "CRs opened", "issues closed", "CRs closed", "issues open", "CRs open"],
        issues.by_service.map((c) => ({
          attrs: html` data-service="${c.service}"`,
          cells: [
            serviceName(c.service),
            String(c.opened_issues),
            String(c.opened_change_requests),
            String(c.closed_issues),
            String(c.closed_change_requests),
            String(c.open_issues),
            String(c.open_change_requests),
          ],
        })),
      )
}
${table(
  "table-open-issues",
  ["service", "id", "kind", "status", "opened", "age (days)", "title"],
  issues.open.map((i) => ({
    attrs: html` data-id="${i.id}"`,
    cells: [serviceName(i.service), i.id, i.kind, i.status, i.opened, String(i.age_days), i.title],
  })),
  [0, 1, 2, 3, 4, 6],
)}
${issues.bad_rows.length ? html`<p class="note">Rows left out of the feed (${issues.bad_rows.length}): ${issues.bad_rows.join("; ")}.</p>` : ""}
</section>`;
}

/** Section numbers in order, whatever sections the audience skips. */
function numbering(): () => string {
  let k = 0;
  return () => `${++k}.`;
}

function monthSections(r: CommitteeMonthReport): SafeHtml {
  const parts: SafeHtml[] = [];
  const sections = AUDIENCE_SECTIONS[r.audience];
  const next = numbering();
  const n = (_k: number) => next();
  const availHeaders = ["service", "total min", "maintenance", "unavailable", "unmeasured", "available", "availability", "objective", "verdict"];
  parts.push(html`<section id="availability"><h2>${n(1)} Availability against the objective</h2>
${availabilityChart("chart-availability", `Availability per service, ${r.month}`, r.services)}
${table("table-availability", availHeaders, availabilityRows(r.services))}
</section>`);

  parts.push(flagsSection(r.evidence_flags, r.month, next()));
  const unplanned = r.outages.filter((o) => o.kind === "unplanned");
  parts.push(html`<section id="outages"><h2>${n(2)} Outages</h2>
<p class="note">Unplanned outages of more than ${r.outage_threshold_minutes} minutes (${unplanned.length}, noticed to the market) and the planned maintenance windows, with the market notices sent for them.</p>
${table(
  "table-outages",
  ["service", "kind", "start (Central)", "end (Central)", "minutes", "unavailable", "notices (status, sent time)", "announced 3 business days ahead"],
  r.outages.map((o) => ({
    attrs: html` data-service="${o.service}" data-kind="${o.kind}"`,
    cells: [
      serviceName(o.service),
      o.kind === "planned" ? "planned" : html`<strong>unplanned</strong>`,
      `${o.starts_before_month ? "(before) " : ""}${o.start_central}`,
      `${o.end_central}${o.ends_after_month ? " (after)" : ""}`,
      num(o.minutes),
      num(o.unavailable_minutes),
      noticesHtml(o),
      announcementHtml(o),
    ],
  })),
  [0, 1, 2, 3, 6, 7],
)}
<p class="note">Shorter unplanned outages: ${r.short_unplanned_outages.map((s) => `${serviceName(s.service)} ${s.count} (${s.minutes} min)`).join(", ")}.</p>
${reservedWindowsHtml(r)}
</section>`);

  const ttm = r.time_to_market;
  parts.push(html`<section id="time-to-market"><h2>${n(3)} Time to market of energy data</h2>
${
  ttm.length === 0
    ? html`<p class="note">No energy-data check was recorded in ${r.month}.</p>`
    : html`${statusStrip({
        id: "chart-time-to-market",
        title: `Usage days of ${r.month} by delivery status`,
        rows: ttm.map((t) => ({
          label: serviceName(t.service),
          cells: t.days_detail.map((d) => ({
            label: String(Number(d.usage_day.slice(8))),
            status: d.status,
            tooltip: `${serviceName(t.service)} ${d.usage_day}: ${d.status.replace("_", " ")}${d.minutes_late !== null ? `, ${d.minutes_late} min late` : ""}`,
          })),
        })),
        colors: COLORS,
        legend: { on_time: "on time", late: "late", missing: "missing", unmeasured: "unmeasured", pending: "pending" },
      })}
${table(
  "table-time-to-market",
  TIME_TO_MARKET_HEADERS,
  ttm.map((t) => ({ attrs: html` data-service="${t.service}"`, cells: timeToMarketCells(t) })),
  [0, 1],
)}
${(() => {
  const bad = ttm.flatMap((t) => t.days_detail.filter((d) => d.status === "late" || d.status === "missing").map((d) => ({ t, d })));
  return bad.length
    ? table(
        "table-late-days",
        ["service", "usage day", "status", "seen at (Central)", "minutes late"],
        bad.map(({ t, d }) => ({
          attrs: html` data-service="${t.service}" data-day="${d.usage_day}"`,
          cells: [
            serviceName(t.service),
            d.usage_day,
            d.status,
            d.delivered_at ? DateTime.fromISO(d.delivered_at).setZone(CENTRAL_TIME_ZONE).toFormat("yyyy-LL-dd HH:mm ZZZZ") : "not seen",
            d.minutes_late === null ? "" : num(d.minutes_late),
          ],
        })),
        [0, 1, 2, 3],
      )
    : html`<p class="note">No late or missing usage day.</p>`;
})()}`
}
</section>`);

  const dq = r.data_quality;
  parts.push(html`<section id="data-quality"><h2>${n(4)} Data quality of energy data</h2>
${
  dq.length === 0
    ? html`<p class="note">No data-quality observation was recorded in ${r.month}.</p>`
    : html`${horizontalBars({
        id: "chart-data-quality",
        title: `Flawed intervals of the canary ESIIDs, ${r.month}`,
        max: Math.max(1, ...dq.flatMap((q) => [q.missing, q.duplicate, q.negative, q.estimated])),
        bars: dq.flatMap((q) =>
          (["missing", "duplicate", "negative", "estimated"] as const).map((f) => ({
            label: `${serviceName(q.service)} ${f}`,
            value: q[f],
            color: f === "estimated" ? "#f9a825" : "#c62828",
            data: { service: q.service, figure: f },
          })),
        ),
      })}
${table(
  "table-data-quality",
  DATA_QUALITY_HEADERS,
  dq.map((q) => ({ attrs: html` data-service="${q.service}"`, cells: dataQualityCells(q, num) })),
)}
${(() => {
  const days = dq.flatMap((q) => q.days_with_issues.map((d) => ({ q, d })));
  return days.length
    ? html`<p class="note">Days with a missing, duplicate or negative interval: ${days.map(({ q, d }) => `${serviceName(q.service)} ${d.usage_day} (${d.missing} missing, ${d.duplicate} duplicate, ${d.negative} negative)`).join("; ")}.</p>`
    : html`<p class="note">No day with a missing, duplicate or negative interval.</p>`;
})()}`
}
</section>`);

  const cc = r.call_center;
  const ccSummary = sections.callCenter ? callCenterSummary(r) : null;
  if (sections.callCenter)
    parts.push(html`<section id="call-center"><h2>${n(5)} Call center: availability, outages and tickets</h2>
${
  ccSummary &&
  html`<p class="note" id="call-center-availability">${callCenterSentence(ccSummary, r.month, (x) => pct(x))}</p>
${table(
  "table-call-center-outages",
  ["kind", "start (Central)", "end (Central)", "minutes", "unavailable", "notices"],
  ccSummary.outages.map((o) => ({
    attrs: html` data-kind="${o.kind}"`,
    cells: [o.kind, o.start_central, o.end_central, num(o.minutes), num(o.unavailable_minutes), noticesCell(o)],
  })),
  [0, 1, 2, 5],
)}`
}
${
  cc
    ? html`<p class="note">${num(cc.total)} tickets in ${r.month} (sources: ${cc.sources.join(", ")}).</p>
${horizontalBars({ id: "chart-call-center", title: `Call-center tickets by type, ${r.month}`, max: Math.max(1, ...cc.by_type.map((t) => t.tickets)), bars: cc.by_type.map((t) => ({ label: t.type, value: t.tickets, data: { type: t.type } })) })}
${table(
  "table-call-center",
  ["type", "tickets", "share"],
  cc.by_type.map((t) => ({ attrs: html` data-type="${t.type}"`, cells: [t.type, num(t.tickets), pct(cc.total ? t.tickets / cc.total : null, 1)] })),
)}`
    : html`<p class="note">No call-center figures were recorded for ${r.month}.</p>`
}
</section>`);

  if (sections.hanDevices) parts.push(hanSection(r, n(6)));
  if (r.issues) parts.push(issuesHtml(r.issues, r.month, next()));
  return joinHtml(parts, "\n");
}

/** Reserved-window minutes with and without announced maintenance, and what the figures exclude. */
function reservedWindowsHtml(r: CommitteeMonthReport): SafeHtml {
  return html`<div id="reserved-windows"><h3>Reserved maintenance windows</h3>
<p class="note">${excludePolicySentence(r.reserved_windows)}</p>
${table(
  "table-reserved-windows",
  ["service", "reserved min", "announced", "not announced"],
  r.reserved_windows.services.map((x) => ({
    attrs: html` data-service="${x.service}"`,
    cells: [serviceName(x.service), num(x.reserved_minutes), num(x.announced_minutes), num(x.unannounced_minutes)],
  })),
)}
</div>`;
}

function hanSection(r: CommitteeMonthReport, number: string): SafeHtml {
  const han = r.han_devices;
  if (!han)
    return html`<section id="han-devices"><h2>${number} HAN devices</h2><p class="note">No HAN device figures were recorded at the end of ${r.month}.</p></section>`;
  const statuses = han.by_status.map((s) => s.status);
  let other = 0;
  const colors = Object.fromEntries(statuses.map((s) => [s, HAN_STATUS_COLORS[s] ?? STATUS_PALETTE[other++ % STATUS_PALETTE.length]!]));
  const cell = (status: string, tdsp: string) => han.by_status_and_tdsp.find((e) => e.status === status && e.tdsp === tdsp)?.devices ?? 0;
  return html`<section id="han-devices"><h2>${number} HAN devices provisioned</h2>
<p class="note">${num(han.total)} devices at the end of ${r.month}, by status and by TDSP territory.</p>
${stackedBars({
  id: "chart-han-devices",
  title: `HAN devices by TDSP territory and status, end of ${r.month}`,
  rows: han.by_tdsp.map((t) => ({ label: t.name, parts: statuses.map((s) => ({ key: s, value: cell(s, t.tdsp) })) })),
  colors,
})}
${table(
  "table-han-devices",
  ["status", ...han.by_tdsp.map((t) => t.name), "total"],
  [
    ...statuses.map((s) => ({
      attrs: html` data-status="${s}"`,
      cells: [s, ...han.by_tdsp.map((t) => num(cell(s, t.tdsp))), num(han.by_status.find((x) => x.status === s)!.devices)],
    })),
    {
      attrs: html` data-status="total"`,
      cells: [html`<strong>total</strong>`, ...han.by_tdsp.map((t) => html`<strong>${num(t.devices)}</strong>`), html`<strong>${num(han.total)}</strong>`],
    },
  ],
)}
</section>`;
}

export function committeeMonthHtml(r: CommitteeMonthReport, generatedAt: number): string {
  const label = DateTime.fromFormat(r.month, "yyyy-LL", { zone: CENTRAL_TIME_ZONE }).toFormat("LLLL yyyy");
  return page(
    `Smart Meter Texas service-level report, ${label}`,
    `Monthly report for the ${r.audience_title} (SLO document section 3.4 ff.). Central time (${r.timezone}).${r.partial ? ` ${partialText(r.partial)}.` : ""}`,
    r,
    monthSections(r),
    generatedAt,
  );
}

export function committeeYearHtml(r: CommitteeYearReport, generatedAt: number): string {
  const a = r.annual;
  const sections = AUDIENCE_SECTIONS[r.audience];
  const next = numbering();
  const parts: SafeHtml[] = [];
  parts.push(html`<section id="availability"><h2>${next()} Annual availability against the objective</h2>
${availabilityChart("chart-availability", `Availability per service, ${r.year}`, a.services)}
${table(
  "table-availability",
  ["service", "months", "total min", "maintenance", "unavailable", "unmeasured", "available", "availability", "verdict", "months met"],
  a.services.map((s) => ({
    attrs: html` data-service="${s.service}" class="${s.met === null ? "na" : s.met ? "met" : "missed"}"`,
    cells: [
      serviceName(s.service),
      String(s.months),
      num(s.total_minutes),
      num(s.maintenance_minutes),
      num(s.unavailable_minutes),
      num(s.unmeasured_minutes),
      num(s.available_minutes),
      pct(s.availability),
      html`<span class="verdict">${s.met === null ? "n/a" : s.met ? "met" : "MISSED"}</span>`,
      `${s.months_met}/${s.months}`,
    ],
  })),
)}
${r.months_missing.length ? html`<p class="note">Not reported: ${r.months_missing.map((m) => m.month).join(", ")}.</p>` : ""}
${table(
  "table-monthly-availability",
  ["month", ...a.services.map((s) => serviceName(s.service))],
  r.months.map((m) => ({
    attrs: html` data-month="${m.month}"`,
    cells: [
      m.month,
      ...a.services.map((s) => {
        const line = m.services.find((x) => x.service === s.service);
        return html`<span style="color:${line?.met === false ? COLORS.missed : "inherit"}">${pct(line?.availability ?? null)}</span>`;
      }),
    ],
  })),
)}
</section>`);
  parts.push(flagsSection(a.evidence_flags, r.year, next()));
  const unplanned = r.months.flatMap((m) => m.outages.filter((o) => o.kind === "unplanned"));
  const planned = r.months.flatMap((m) => m.outages.filter((o) => o.kind === "planned"));
  parts.push(html`<section id="outages"><h2>${next()} Unplanned outages over ${r.months[0]?.outage_threshold_minutes ?? 15} minutes</h2>
<p class="note">${a.unplanned_outages} outages, ${num(a.unplanned_outage_minutes)} minutes in total.</p>
${table(
  "table-outages",
  ["service", "start (Central)", "end (Central)", "minutes", "notices (status, sent time)"],
  unplanned.map((o) => ({
    attrs: html` data-service="${o.service}"`,
    cells: [serviceName(o.service), o.start_central, o.end_central, num(o.minutes), noticesHtml(o)],
  })),
  [0, 1, 2, 4],
)}
<h3>Planned maintenance</h3>
${table(
  "table-planned",
  ["service", "start (Central)", "end (Central)", "minutes", "notices (status, sent time)", "announced 3 business days ahead"],
  planned.map((o) => ({
    attrs: html` data-service="${o.service}"`,
    cells: [serviceName(o.service), o.start_central, o.end_central, num(o.minutes), noticesHtml(o), announcementHtml(o)],
  })),
  [0, 1, 2, 4, 5],
)}
</section>`);
  parts.push(html`<section id="time-to-market"><h2>${next()} Time to market of energy data</h2>
${table(
  "table-time-to-market",
  YEAR_TIME_TO_MARKET_HEADERS,
  a.time_to_market.map((t) => ({ attrs: html` data-service="${t.service}"`, cells: yearTimeToMarketCells(t) })),
)}
</section>`);
  parts.push(html`<section id="data-quality"><h2>${next()} Data quality of energy data</h2>
${table(
  "table-data-quality",
  DATA_QUALITY_HEADERS,
  a.data_quality.map((q) => ({ attrs: html` data-service="${q.service}"`, cells: dataQualityCells(q, num) })),
)}
</section>`);
  const cc = a.call_center;
  if (sections.callCenter)
    parts.push(html`<section id="call-center"><h2>${next()} Call-center tickets</h2>
${
  cc
    ? html`<p class="note">${num(cc.total)} tickets in the reported months.</p>
${columns({ id: "chart-call-center-months", title: `Call-center tickets by month, ${r.year}`, columns: cc.by_month.map((m) => ({ label: m.month.slice(5), value: m.tickets })) })}
${table(
  "table-call-center",
  ["type", "tickets"],
  cc.by_type.map((t) => ({ attrs: html` data-type="${t.type}"`, cells: [t.type, num(t.tickets)] })),
)}`
    : html`<p class="note">No call-center figures were recorded.</p>`
}
</section>`);
  if (sections.hanDevices) parts.push(hanSection(r.months[r.months.length - 1]!, next()));
  if (a.issues) parts.push(issuesHtml(a.issues, r.year, next()));
  return page(
    `Smart Meter Texas service-level report, ${r.year}`,
    `Annual review for the ${r.audience_title}: ${r.months.length} month(s) reported. Central time (${r.timezone}).`,
    r,
    joinHtml(parts, "\n"),
    generatedAt,
  );
}
