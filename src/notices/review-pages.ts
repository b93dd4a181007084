import { SERVICES } from "../config/schema.js";
import { html, joinHtml, raw, type SafeHtml } from "../web/html.js";
import { formatDateTime, localDate } from "./central-time.js";
import { NOTICE_FIELDS, OPTIONAL_NOTICE_FIELDS } from "./notice-fields.js";
import { isProvisionalId } from "./notice-id.js";
import { MAX_BODY, MAX_SUBJECT } from "./notice-review.js";
import { NOTICE_STATUSES, type AuditEntry, type FieldEdit, type Notice, type OutboxRow } from "./notice-store.js";

/**
 * The review pages, written with the html`` template (src/web/html.ts): every value is escaped,
 * the only script is /static/notices.js (the copy button), so the CSP can forbid inline script and
 * style. The pages get Notice and AuditEntry objects from the store, with their JSON columns parsed.
 */

function when(ms: number | null, zone: string): string {
  return ms === null ? "" : formatDateTime(ms, zone);
}

export function layout(title: string, reviewer: string, content: SafeHtml): string {
  return String(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><link rel="stylesheet" href="/static/notices.css"><script src="/static/notices.js" defer></script></head>
<body><header><a href="/notices">SMT market notices</a> <a href="/call-center/outages">call-center outages</a><span class="who">signed in as ${reviewer}</span></header>
<main>${content}</main></body></html>`);
}

/**
 * A planned-series notice's due date and whether it is late: sent after its due date, or not sent
 * and the due date is past (dates in the notices' zone). Empty for notices without a due date.
 */
export function dueMark(n: Notice, now: number, zone: string): SafeHtml | string {
  if (n.due_date === null) return "";
  const on = n.sent_at !== null ? localDate(n.sent_at, zone) : localDate(now, zone);
  const late = on > n.due_date;
  const state = late ? "late" : n.sent_at !== null ? "on time" : "not late";
  return html`<span class="due${late ? raw(" late") : ""}" data-due="${n.due_date}">${n.due_date} <span class="due-state">${state}</span></span>`;
}

export interface ListFilter {
  status?: string;
  service?: string;
}

export function noticeListPage(notices: Notice[], filter: ListFilter, reviewer: string, zone: string, now: number): string {
  const option = (value: string, selected: string | undefined) =>
    html`<option value="${value}"${value === (selected ?? "") && raw(" selected")}>${value || "any"}</option>`;
  const rows = notices.map(
    (n) => html`<tr class="status-${n.status}"><td><a href="/notices/${encodeURIComponent(n.id)}">${n.id}</a></td><td>${n.kind}</td>
<td>${n.services.join(", ")}</td><td><span class="badge ${n.status}">${n.status}</span></td>
<td>${n.subject}</td><td>${when(n.created_at, zone)}</td><td>${dueMark(n, now, zone)}</td></tr>`,
  );
  return layout(
    "SMT market notices",
    reviewer,
    html`<h1>Market notices</h1>
<form method="get" action="/notices" class="filter">
<label>status <select name="status">${["", ...NOTICE_STATUSES].map((s) => option(s, filter.status))}</select></label>
<label>service <select name="service">${["", ...SERVICES].map((s) => option(s, filter.service))}</select></label>
<button type="submit">Filter</button></form>
<table class="notices"><thead><tr><th>notice</th><th>kind</th><th>services</th><th>status</th><th>subject</th><th>created</th><th>due</th></tr></thead>
<tbody>${rows.length ? joinHtml(rows, "\n") : html`<tr><td colspan="7">No notices${filter.status || filter.service ? " match the filter" : " yet"}.</td></tr>`}</tbody></table>`,
  );
}

export interface NoticePageData {
  notice: Notice;
  audit: AuditEntry[];
  outbox: OutboxRow[];
  to: readonly string[];
  cc?: readonly string[];
  reviewer: string;
  csrf: string;
  zone: string;
  /** The clock, for the due date's late mark. */
  now: number;
  message?: string;
  /** A refused edit: the reviewer's text, shown in the form to fix (the message says what is wrong). */
  edited?: { subject: string; body: string };
}

export function noticePage(d: NoticePageData): string {
  const n = d.notice;
  const id = encodeURIComponent(n.id);
  const hidden = html`<input type="hidden" name="csrf" value="${d.csrf}"><input type="hidden" name="version" value="${n.version}">`;
  const actions: SafeHtml[] = [];
  if (n.status === "draft") {
    actions.push(html`<form method="post" action="/notices/${id}/edit" class="edit"><h2>Edit</h2>${hidden}
<label>Subject <input type="text" name="subject" value="${d.edited?.subject ?? n.subject}" maxlength="${MAX_SUBJECT}" required></label>
<label>Text <textarea name="body" rows="24" maxlength="${MAX_BODY}" required>${d.edited?.body ?? n.body}</textarea></label>
<p class="hint">Keep every field, in this order: ${NOTICE_FIELDS.map((f) => (OPTIONAL_NOTICE_FIELDS.has(f) ? `${f} (optional)` : f)).join(", ")}. NOTICE DATE is set to the day the notice is marked sent.</p>
<button type="submit" name="action" value="edit">Save edit</button></form>`);
    actions.push(
      html`<form method="post" action="/notices/${id}/approve" class="approve">${hidden}<button type="submit">Approve as ${d.reviewer}</button></form>`,
    );
  }
  if (n.status === "approved") {
    if (isProvisionalId(n.id))
      actions.push(
        html`<p class="provisional">The id of this series is provisional: marking this notice sent fixes it (the date of sending and the next free letter), in the text too. Send the text shown after marking it sent.</p>`,
      );
    actions.push(
      html`<form method="post" action="/notices/${id}/sent" class="sent">${hidden}<button type="submit">Mark sent (by ${d.reviewer})</button></form>`,
    );
  }
  const audit = d.audit.map((a) => html`<tr><td>${when(a.at, d.zone)}</td><td>${a.actor}</td><td>${a.action}</td><td>${auditDetail(a)}</td></tr>`);
  const outbox = d.outbox.map((o) => html`<tr><td>${o.channel}</td><td>${o.status}</td><td>${o.attempts}</td><td>${o.last_error ?? ""}</td></tr>`);
  return layout(
    `${n.id} ${n.subject}`,
    d.reviewer,
    html`${d.message && html`<p class="message" role="alert">${d.message}</p>`}
<h1>${n.id} <span class="badge ${n.status}">${n.status}</span></h1>
<dl class="meta"><dt>kind</dt><dd>${n.kind}</dd><dt>services</dt><dd>${n.services.join(", ")}</dd>
<dt>created</dt><dd>${when(n.created_at, d.zone)}</dd>
${n.due_date !== null && html`<dt>due</dt><dd id="notice-due">${dueMark(n, d.now, d.zone)}</dd>`}
<dt>approved</dt><dd>${n.approved_by ? html`${n.approved_by}, ${when(n.approved_at, d.zone)}` : "no"}</dd>
<dt>sent</dt><dd>${n.sent_by ? html`${n.sent_by}, ${when(n.sent_at, d.zone)}` : "no"}</dd>
<dt>to</dt><dd>${d.to.join(", ")}</dd>${d.cc && d.cc.length > 0 && html`<dt>cc</dt><dd>${d.cc.join(", ")}</dd>`}</dl>
<section class="text"><p class="subject" id="notice-subject">${n.subject}</p><pre id="notice-body">${n.body}</pre>
<p class="tools"><button type="button" id="copy" data-copy-target="notice-body">Copy text</button>
<a href="/notices/${id}/eml" download>Download .eml draft</a></p></section>
${joinHtml(actions, "\n")}
<h2>Audit trail</h2><table class="audit"><thead><tr><th>when</th><th>who</th><th>what</th><th>detail</th></tr></thead><tbody>${joinHtml(audit, "\n")}</tbody></table>
<h2>On-call announcements</h2><table class="outbox"><thead><tr><th>channel</th><th>status</th><th>attempts</th><th>last error</th></tr></thead><tbody>${outbox.length ? joinHtml(outbox, "\n") : html`<tr><td colspan="4">No channels configured.</td></tr>`}</tbody></table>`,
  );
}

function auditDetail(a: AuditEntry): SafeHtml | string {
  if (a.action !== "edited")
    return Object.entries(a.detail)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join("; ");
  return html`${Object.entries(a.detail as Record<string, FieldEdit>).map(
    ([field, c]) =>
      html`<details><summary>${field} changed</summary><div class="diff"><pre class="before">${c.before}</pre><pre class="after">${c.after}</pre></div></details>`,
  )}`;
}

export function errorPage(status: number, message: string, reviewer: string, backTo?: string): string {
  return layout(
    `Error ${status}`,
    reviewer,
    html`<h1>Error ${status}</h1><p class="message">${message}</p>${backTo && html`<p><a href="${backTo}">Back</a></p>`}`,
  );
}

export const NOTICES_CSS = `body{font-family:system-ui,sans-serif;margin:0;color:#1d1d1f}
header{background:#0b3d60;color:#fff;padding:.6em 1em;display:flex;justify-content:space-between}header a{color:#fff;font-weight:bold;text-decoration:none}
main{padding:1em;max-width:72em}table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
.badge{padding:.1em .5em;border-radius:.6em;font-size:.85em;background:#ddd}.badge.draft{background:#ffe8a3}.badge.approved{background:#bfe3ff}.badge.sent{background:#c8f0c8}
pre{white-space:pre-wrap;background:#f6f6f6;padding:1em;border:1px solid #ddd}.subject{font-weight:bold}
form.edit label{display:block;margin:.5em 0}form.edit input,form.edit textarea{width:100%;font-family:monospace}
form{margin:1em 0}.message{background:#ffefef;border:1px solid #e99;padding:.5em}.meta dt{font-weight:bold;float:left;clear:left;width:7em}.meta dd{margin-left:8em}
.due.late .due-state{background:#ffd0d0;color:#8a0000;font-weight:bold;padding:0 .3em}.provisional{background:#fff6d6;border:1px solid #e6c200;padding:.5em}
.diff pre.before{background:#fff0f0}.diff pre.after{background:#f0fff0}.filter label{margin-right:1em}`;

export const NOTICES_JS = `document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("copy");
  if (!button) return;
  button.addEventListener("click", async () => {
    const subject = document.getElementById("notice-subject").textContent;
    const body = document.getElementById(button.dataset.copyTarget).textContent;
    const text = subject + "\\n\\n" + body;
    try { await navigator.clipboard.writeText(text); button.textContent = "Copied"; }
    catch { const range = document.createRange(); range.selectNodeContents(document.getElementById(button.dataset.copyTarget));
      const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range); button.textContent = "Selected: press Ctrl-C"; }
  });
});`;
