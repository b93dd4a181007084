import { DateTime } from "luxon";
import { SERVICE_DISPLAY_NAMES, type Service } from "../config/services.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { html, joinHtml, type SafeHtml } from "../web/html.js";
import type { AnnouncedIncident, AnnouncedMaintenance, PublicNotice, ServiceState } from "./announced-status.js";
import type { DayFigures, DayState } from "./status-figures.js";
import type { ServiceStatus, StatusSnapshot } from "./status-snapshot.js";

/**
 * The public status page: one HTML document without scripts (the stylesheet is /status.css), readable
 * on a phone, with the 90 days as SVG bars whose day figures show on hover (<title>) and in a table
 * beside them. Rendered from the same snapshot as /status.json. Pure.
 */

const central = (iso: string) => DateTime.fromISO(iso, { zone: CENTRAL_TIME_ZONE }).toFormat("yyyy-LL-dd HH:mm ZZZZ");
const pct = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(3)} %`);
const names = (services: readonly Service[]) => services.map((s) => SERVICE_DISPLAY_NAMES[s]).join(", ");

const STATE_TEXT: Record<ServiceState, string> = { operational: "Operational", outage: "Outage", maintenance: "Planned maintenance" };
const OVERALL_TEXT: Record<ServiceState, string> = {
  operational: "All services are operational.",
  outage: "An outage is ongoing.",
  maintenance: "Planned maintenance is in progress.",
};
const DAY_TEXT: Record<DayState, string> = { available: "available", outage: "outage", maintenance: "maintenance", unmeasured: "unmeasured" };

function age(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} minutes`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} hours`;
  return `${Math.round(seconds / 86_400)} days`;
}

/** The latest sent notice: its text shown for an ongoing outage, one click away for maintenance. */
function notice(n: PublicNotice, open: boolean): SafeHtml {
  return html`<p class="meta">Latest notice <strong>${n.id}</strong> (${n.kind}), sent ${central(n.sent_at)}</p>
<details id="notice-${n.id}"${open ? html` open` : ""}><summary>${n.subject}</summary><pre class="notice-text">${n.text}</pre></details>`;
}

function incident(i: AnnouncedIncident): SafeHtml {
  return html`<article class="incident">
<h3>Outage: ${names(i.services)}</h3>
<p>Since ${central(i.start)}.</p>
${notice(i.latest_notice, true)}
</article>`;
}

function maintenance(m: AnnouncedMaintenance): SafeHtml {
  return html`<article class="maintenance">
<h3>${m.in_progress ? "In progress" : "Planned"}: ${names(m.services)}</h3>
<p>From ${central(m.start)} to ${central(m.end)}.</p>
${notice(m.latest_notice, false)}
</article>`;
}

function dayTitle(d: DayFigures): string {
  return (
    `${d.date}: ${DAY_TEXT[d.state]}; availability ${pct(d.availability)}; minutes available ${d.available_minutes}, ` +
    `unavailable ${d.unavailable_minutes}, maintenance ${d.maintenance_minutes}, unmeasured ${d.unmeasured_minutes} of ${d.total_minutes}`
  );
}

/** The days as bars (one per day, oldest on the left); each bar's <title> shows on hover. */
function dayBars(s: ServiceStatus): SafeHtml {
  const counts = (state: DayState) => s.days.filter((d) => d.state === state).length;
  const label =
    `${s.name}, last ${s.days.length} days: ${counts("available")} available, ${counts("outage")} with an outage, ` +
    `${counts("maintenance")} with maintenance, ${counts("unmeasured")} with unmeasured minutes`;
  const width = 4;
  const gap = 1;
  const bars = s.days.map(
    (d, i) => html`<rect class="day-${d.state}" x="${i * (width + gap)}" y="0" width="${width}" height="30"><title>${dayTitle(d)}</title></rect>`,
  );
  return html`<svg class="bars" viewBox="0 0 ${s.days.length * (width + gap) - gap} 30" preserveAspectRatio="none" role="img" aria-label="${label}">${joinHtml(bars, "")}</svg>`;
}

function dayTable(s: ServiceStatus): SafeHtml {
  const rows = [...s.days]
    .reverse()
    .map(
      (d) =>
        html`<tr><th scope="row">${d.date}</th><td>${DAY_TEXT[d.state]}</td><td>${pct(d.availability)}</td><td>${d.available_minutes}</td><td>${d.unavailable_minutes}</td><td>${d.maintenance_minutes}</td><td>${d.unmeasured_minutes}</td></tr>`,
    );
  return html`<details><summary>Daily figures of ${s.name} as a table</summary>
<div class="scroll" role="region" aria-label="Daily figures of ${s.name}" tabindex="0">
<table class="days">
<caption>${s.name}: minutes per day (Central time), newest first</caption>
<thead><tr><th scope="col">Day</th><th scope="col">State</th><th scope="col">Availability</th><th scope="col">Available</th><th scope="col">Unavailable</th><th scope="col">Maintenance</th><th scope="col">Unmeasured</th></tr></thead>
<tbody>${joinHtml(rows, "\n")}</tbody>
</table>
</div>
</details>`;
}

function serviceSection(s: ServiceStatus): SafeHtml {
  return html`<section class="service" id="service-${s.service}" aria-labelledby="service-${s.service}-name">
<h3 id="service-${s.service}-name">${s.name}: <span class="state state-${s.state}">${STATE_TEXT[s.state]}</span></h3>
${s.days.length > 0 ? html`${dayBars(s)}<p class="axis"><span>${s.days[0]!.date}</span><span>${s.days[s.days.length - 1]!.date} (today)</span></p>${dayTable(s)}` : html`<p>No daily figures yet.</p>`}
</section>`;
}

function figuresNote(f: StatusSnapshot["figures"]): SafeHtml | false {
  if (f.state === "current") return false;
  const known = f.computed_at && f.age_seconds !== null ? ` Last known figures: computed ${central(f.computed_at)}, ${age(f.age_seconds)} ago.` : "";
  return html`<p class="warning" role="alert"><strong>Availability figures are not current.</strong> ${f.message ?? ""}${known}</p>`;
}

export function statusPage(s: StatusSnapshot): string {
  const month = s.figures.month;
  const rows = s.services.map(
    (v) =>
      html`<tr><th scope="row"><a href="#service-${v.service}">${v.name}</a></th><td><span class="state state-${v.state}">${STATE_TEXT[v.state]}</span></td><td>${v.month_to_date ? pct(v.month_to_date.availability) : "n/a"}</td><td>${v.month_to_date ? `over ${pct(v.month_to_date.objective).replace(".000", "")}` : "n/a"}</td><td>${v.month_to_date ? (v.month_to_date.met === null ? "n/a" : v.month_to_date.met ? "met so far" : "missed so far") : "n/a"}</td></tr>`,
  );
  return String(html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Smart Meter Texas status</title>
<link rel="stylesheet" href="/status.css">
<link rel="alternate" type="application/atom+xml" title="Smart Meter Texas market notices" href="/status.atom">
<link rel="alternate" type="application/json" title="Smart Meter Texas status (JSON)" href="/status.json">
</head>
<body>
<header>
<h1>Smart Meter Texas status</h1>
<p class="overall overall-${s.overall}">${OVERALL_TEXT[s.overall]}</p>
<p class="meta">As of ${central(s.generated_at)}. Times in Central time. Outages and maintenance are shown as announced in market notices.</p>
</header>
<main>
${figuresNote(s.figures)}
<section aria-labelledby="incidents-heading">
<h2 id="incidents-heading">Ongoing incidents</h2>
${s.incidents.length > 0 ? joinHtml(s.incidents.map(incident), "\n") : html`<p>No ongoing outage has been announced.</p>`}
</section>
<section aria-labelledby="maintenance-heading">
<h2 id="maintenance-heading">Planned maintenance</h2>
${s.maintenance.length > 0 ? joinHtml(s.maintenance.map(maintenance), "\n") : html`<p>No planned maintenance has been announced.</p>`}
</section>
<section aria-labelledby="services-heading">
<h2 id="services-heading">Services</h2>
<div class="scroll" role="region" aria-label="Services, state now and availability this month" tabindex="0">
<table class="services">
<caption>State now and availability ${month ? `of ${month} to date` : "this month"}${s.figures.through ? `, minutes up to ${central(s.figures.through)}` : ""}</caption>
<thead><tr><th scope="col">Service</th><th scope="col">State now</th><th scope="col">Availability</th><th scope="col">Objective</th><th scope="col">Objective met</th></tr></thead>
<tbody>${joinHtml(rows, "\n")}</tbody>
</table>
</div>
<p class="legend">Last 90 days, one bar per day: <span class="key key-available">available</span> <span class="key key-outage">outage</span> <span class="key key-maintenance">maintenance</span> <span class="key key-unmeasured">unmeasured</span></p>
${joinHtml(s.services.map(serviceSection), "\n")}
</section>
</main>
<footer>
<p>Availability counts minutes of the calendar month in Central time: available minutes divided by all minutes except planned maintenance; unmeasured minutes (no monitoring data) count against it. The month to date is partial.</p>
<p>Machine-readable: <a href="/status.json">status.json</a> (schema version ${s.schema_version}) and the <a href="/status.atom">Atom feed of market notices</a>.</p>
</footer>
</body>
</html>
`);
}

/** The page's stylesheet (served as /status.css: the page's Content-Security-Policy allows no inline style). */
export const STATUS_CSS = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.45; color: #1a1a1a; background: #fff; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
a { color: #0b57a4; }
.meta { color: #4a4a4a; font-size: 0.9rem; }
.overall { font-size: 1.15rem; font-weight: 600; padding: 0.75rem 1rem; border-radius: 4px; border-left: 6px solid; }
.overall-operational { background: #e8f5e9; border-color: #1b5e20; color: #1b5e20; }
.overall-outage { background: #ffebee; border-color: #b71c1c; color: #8e0000; }
.overall-maintenance { background: #e3f2fd; border-color: #0d47a1; color: #0d47a1; }
.warning { background: #fff8e1; border-left: 6px solid #8a5a00; padding: 0.75rem 1rem; color: #4d3200; }
.state { font-weight: 600; }
.state-operational { color: #1b5e20; }
.state-outage { color: #b71c1c; }
.state-maintenance { color: #0d47a1; }
article { border: 1px solid #ddd; border-radius: 4px; padding: 0 1rem 0.5rem; margin: 0.75rem 0; }
.notice-text { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.85rem; background: #f6f6f6; padding: 0.5rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { padding: 0.25rem 0.5rem; border-bottom: 1px solid #e0e0e0; text-align: left; }
td { font-variant-numeric: tabular-nums; }
svg.bars { display: block; width: 100%; height: 2.5rem; }
.day-available, .key-available::before { fill: #2e7d32; background: #2e7d32; }
.day-outage, .key-outage::before { fill: #c62828; background: #c62828; }
.day-maintenance, .key-maintenance::before { fill: #1565c0; background: #1565c0; }
.day-unmeasured, .key-unmeasured::before { fill: #757575; background: #757575; }
.key::before { content: ""; display: inline-block; width: 0.8em; height: 0.8em; margin: 0 0.25em 0 0.5em; vertical-align: -0.05em; }
.axis { display: flex; justify-content: space-between; font-size: 0.8rem; color: #4a4a4a; margin: 0.2rem 0; }
details { margin: 0.5rem 0; }
summary { cursor: pointer; }
footer { margin-top: 2rem; border-top: 1px solid #ccc; font-size: 0.85rem; color: #4a4a4a; }
@media (max-width: 40rem) { body { padding: 0.5rem; } th, td { padding: 0.2rem 0.3rem; } table { font-size: 0.8rem; } }
`;
