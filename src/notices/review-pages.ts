import { SERVICES } from "../config/schema.js";
import { formatDateTime } from "./central-time.js";
import { MAX_BODY, MAX_SUBJECT } from "./notice-review.js";
import { NOTICE_STATUSES, type AuditRow, type NoticeRow, type OutboxRow } from "./notice-store.js";

/**
 * The review pages as HTML strings (no template engine): every value is escaped, the only script
 * is /static/notices.js (the copy button), so the CSP can forbid inline script and style.
 */

export function esc(text: string | number | null | undefined): string {
  return String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function when(ms: number | null, zone: string): string {
  return ms === null ? "" : formatDateTime(ms, zone);
}

function layout(title: string, reviewer: string, content: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="stylesheet" href="/static/notices.css"><script src="/static/notices.js" defer></script></head>
<body><header><a href="/notices">SMT market notices</a><span class="who">signed in as ${esc(reviewer)}</span></header>
<main>${content}</main></body></html>`;
}

export interface ListFilter {
  status?: string;
  service?: string;
}

export function noticeListPage(notices: NoticeRow[], filter: ListFilter, reviewer: string, zone: string): string {
  const option = (value: string, selected: string | undefined) =>
    `<option value="${esc(value)}"${value === (selected ?? "") ? " selected" : ""}>${esc(value || "any")}</option>`;
  const rows = notices
    .map(
      (n) => `<tr class="status-${esc(n.status)}"><td><a href="/notices/${encodeURIComponent(n.id)}">${esc(n.id)}</a></td><td>${esc(n.kind)}</td>
<td>${esc((JSON.parse(n.services) as string[]).join(", "))}</td><td><span class="badge ${esc(n.status)}">${esc(n.status)}</span></td>
<td>${esc(n.subject)}</td><td>${esc(when(n.created_at, zone))}</td></tr>`,
    )
    .join("\n");
  return layout(
    "SMT market notices",
    reviewer,
    `<h1>Market notices</h1>
<form method="get" action="/notices" class="filter">
<label>status <select name="status">${["", ...NOTICE_STATUSES].map((s) => option(s, filter.status)).join("")}</select></label>
<label>service <select name="service">${["", ...SERVICES].map((s) => option(s, filter.service)).join("")}</select></label>
<button type="submit">Filter</button></form>
<table class="notices"><thead><tr><th>notice</th><th>kind</th><th>services</th><th>status</th><th>subject</th><th>created</th></tr></thead>
<tbody>${rows || `<tr><td colspan="6">No notices${filter.status || filter.service ? " match the filter" : " yet"}.</td></tr>`}</tbody></table>`,
  );
}

export interface NoticePageData {
  notice: NoticeRow;
  audit: AuditRow[];
  outbox: OutboxRow[];
  to: readonly string[];
  reviewer: string;
  csrf: string;
  zone: string;
  message?: string;
}

export function noticePage(d: NoticePageData): string {
  const n = d.notice;
  const id = encodeURIComponent(n.id);
  const hidden = `<input type="hidden" name="csrf" value="${esc(d.csrf)}"><input type="hidden" name="version" value="${n.version}">`;
  const actions: string[] = [];
  if (n.status === "draft") {
    actions.push(`<form method="post" action="/notices/${id}/edit" class="edit"><h2>Edit</h2>${hidden}
<label>Subject <input type="text" name="subject" value="${esc(n.subject)}" maxlength="${MAX_SUBJECT}" required></label>
<label>Text <textarea name="body" rows="24" maxlength="${MAX_BODY}" required>${esc(n.body)}</textarea></label>
<button type="submit" name="action" value="edit">Save edit</button></form>`);
    actions.push(
      `<form method="post" action="/notices/${id}/approve" class="approve">${hidden}<button type="submit">Approve as ${esc(d.reviewer)}</button></form>`,
    );
  }
  if (n.status === "approved") {
    actions.push(
      `<form method="post" action="/notices/${id}/sent" class="sent">${hidden}<button type="submit">Mark sent (by ${esc(d.reviewer)})</button></form>`,
    );
  }
  const audit = d.audit
    .map((a) => `<tr><td>${esc(when(a.at, d.zone))}</td><td>${esc(a.actor)}</td><td>${esc(a.action)}</td><td>${auditDetail(a)}</td></tr>`)
    .join("\n");
  const outbox = d.outbox
    .map((o) => `<tr><td>${esc(o.channel)}</td><td>${esc(o.status)}</td><td>${o.attempts}</td><td>${esc(o.last_error ?? "")}</td></tr>`)
    .join("\n");
  return layout(
    `${n.id} ${n.subject}`,
    d.reviewer,
    `${d.message ? `<p class="message">${esc(d.message)}</p>` : ""}
<h1>${esc(n.id)} <span class="badge ${esc(n.status)}">${esc(n.status)}</span></h1>
<dl class="meta"><dt>kind</dt><dd>${esc(n.kind)}</dd><dt>services</dt><dd>${esc((JSON.parse(n.services) as string[]).join(", "))}</dd>
<dt>created</dt><dd>${esc(when(n.created_at, d.zone))}</dd>
<dt>approved</dt><dd>${n.approved_by ? `${esc(n.approved_by)}, ${esc(when(n.approved_at, d.zone))}` : "no"}</dd>
<dt>sent</dt><dd>${n.sent_by ? `${esc(n.sent_by)}, ${esc(when(n.sent_at, d.zone))}` : "no"}</dd>
<dt>to</dt><dd>${esc(d.to.join(", "))}</dd></dl>
<section class="text"><p class="subject" id="notice-subject">${esc(n.subject)}</p><pre id="notice-body">${esc(n.body)}</pre>
<p class="tools"><button type="button" id="copy" data-copy-target="notice-body">Copy text</button>
<a href="/notices/${id}/eml" download>Download .eml draft</a></p></section>
${actions.join("\n")}
<h2>Audit trail</h2><table class="audit"><thead><tr><th>when</th><th>who</th><th>what</th><th>detail</th></tr></thead><tbody>${audit}</tbody></table>
<h2>On-call announcements</h2><table class="outbox"><thead><tr><th>channel</th><th>status</th><th>attempts</th><th>last error</th></tr></thead><tbody>${outbox || '<tr><td colspan="4">No channels configured.</td></tr>'}</tbody></table>`,
  );
}

function auditDetail(a: AuditRow): string {
  const detail = JSON.parse(a.detail) as Record<string, unknown>;
  if (a.action !== "edited")
    return esc(
      Object.entries(detail)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join("; "),
    );
  return Object.entries(detail)
    .map(([field, change]) => {
      const c = change as { before: string; after: string };
      return `<details><summary>${esc(field)} changed</summary><div class="diff"><pre class="before">${esc(c.before)}</pre><pre class="after">${esc(c.after)}</pre></div></details>`;
    })
    .join("");
}

export function errorPage(status: number, message: string, reviewer: string, backTo?: string): string {
  return layout(
    `Error ${status}`,
    reviewer,
    `<h1>Error ${status}</h1><p class="message">${esc(message)}</p>${backTo ? `<p><a href="${esc(backTo)}">Back</a></p>` : ""}`,
  );
}

export const NOTICES_CSS = `body{font-family:system-ui,sans-serif;margin:0;color:#1d1d1f}
header{background:#0b3d60;color:#fff;padding:.6em 1em;display:flex;justify-content:space-between}header a{color:#fff;font-weight:bold;text-decoration:none}
main{padding:1em;max-width:72em}table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
.badge{padding:.1em .5em;border-radius:.6em;font-size:.85em;background:#ddd}.badge.draft{background:#ffe8a3}.badge.approved{background:#bfe3ff}.badge.sent{background:#c8f0c8}
pre{white-space:pre-wrap;background:#f6f6f6;padding:1em;border:1px solid #ddd}.subject{font-weight:bold}
form.edit label{display:block;margin:.5em 0}form.edit input,form.edit textarea{width:100%;font-family:monospace}
form{margin:1em 0}.message{background:#ffefef;border:1px solid #e99;padding:.5em}.meta dt{font-weight:bold;float:left;clear:left;width:7em}.meta dd{margin-left:8em}
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
