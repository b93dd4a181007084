import { DateTime } from "luxon";
import { html, joinHtml } from "../web/html.js";
import { CALL_CENTER_OUTAGE_LIMITS, type CallCenterOutage, type CallCenterOutageAudit } from "./call-center-outages.js";
import { formatDateTime } from "./central-time.js";
import { layout } from "./review-pages.js";

/**
 * The review page of declared call-center outages (`/call-center/outages`): a form to declare one
 * (start, end or ongoing, reason; times in the notices' zone), and for each outage its state, a
 * form to end it or correct it, and its audit trail. Every value is escaped by html``.
 */
export interface CallCenterPageData {
  outages: { outage: CallCenterOutage; audit: CallCenterOutageAudit[] }[];
  reviewer: string;
  csrf: string;
  zone: string;
  now: number;
  message?: string;
  /** What the reviewer typed, shown again after an error. */
  form?: { start?: string; end?: string; reason?: string };
}

/** A time as the datetime-local input writes it, in the notices' zone. */
export const localInput = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

export function callCenterOutagesPage(d: CallCenterPageData): string {
  const csrf = html`<input type="hidden" name="csrf" value="${d.csrf}">`;
  const zoneNote = `times in ${d.zone}`;
  const rows = d.outages.map(({ outage: o, audit }) => {
    const state = o.cancelled ? "cancelled" : o.end_ms === null ? (o.start_ms <= d.now ? "ongoing" : "starts soon") : "ended";
    const trail = audit.map(
      (a) =>
        html`<li>${formatDateTime(a.at, d.zone)} ${a.actor} ${a.action} ${Object.entries(a.detail)
          .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
          .join("; ")}</li>`,
    );
    const edit =
      !o.cancelled &&
      html`<form method="post" action="/call-center/outages/${o.id}/edit" class="outage-edit">${csrf}<input type="hidden" name="version" value="${o.version}">
<label>start <input type="datetime-local" name="start" value="${localInput(o.start_ms, d.zone)}" required></label>
<label>end <input type="datetime-local" name="end" value="${o.end_ms === null ? "" : localInput(o.end_ms, d.zone)}"></label>
<label>reason <input type="text" name="reason" value="${o.reason}" maxlength="${CALL_CENTER_OUTAGE_LIMITS.reasonChars}" required></label>
<button type="submit" name="action" value="save">Save</button>${o.end_ms === null && html`<button type="submit" name="action" value="end_now">End now</button>`}
<button type="submit" name="action" value="cancel">Cancel (declared by mistake)</button></form>`;
    return html`<tr class="outage outage-${state.replace(" ", "-")}" data-outage="${o.id}"><td>${o.id}</td><td><span class="badge">${state}</span></td>
<td>${formatDateTime(o.start_ms, d.zone)}</td><td>${o.end_ms === null ? "ongoing" : formatDateTime(o.end_ms, d.zone)}</td><td>${o.reason}</td>
<td>${o.declared_by}</td><td>${edit}<details><summary>audit trail</summary><ul>${joinHtml(trail, "\n")}</ul></details></td></tr>`;
  });
  return layout(
    "Call-center outages",
    d.reviewer,
    html`${d.message && html`<p class="message" role="alert">${d.message}</p>`}
<h1>Call-center outages</h1>
<p class="hint">The call center has no probe: declare its outages here (or with POST /api/v1/call-center/outages). While one is ongoing the
call center counts as unavailable, and an outage over 15 minutes drafts the market notices like any other service's (${zoneNote}).</p>
<form method="post" action="/call-center/outages" class="declare"><h2>Declare an outage</h2>${csrf}
<label>start <input type="datetime-local" name="start" value="${d.form?.start ?? localInput(d.now, d.zone)}" required></label>
<label>end <input type="datetime-local" name="end" value="${d.form?.end ?? ""}"> (empty: ongoing)</label>
<label>reason <input type="text" name="reason" value="${d.form?.reason ?? ""}" maxlength="${CALL_CENTER_OUTAGE_LIMITS.reasonChars}" required></label>
<button type="submit">Declare as ${d.reviewer}</button></form>
<table class="outages"><thead><tr><th>#</th><th>state</th><th>start</th><th>end</th><th>reason</th><th>declared by</th><th></th></tr></thead>
<tbody>${rows.length ? joinHtml(rows, "\n") : html`<tr><td colspan="7">No call-center outage declared.</td></tr>`}</tbody></table>`,
  );
}
