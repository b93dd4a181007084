import { SERVICE_DISPLAY_NAMES, SERVICES } from "../config/services.js";
import type { AnnouncedNotice } from "../notices/notice-store.js";
import { html, joinHtml } from "../web/html.js";

/**
 * The Atom feed (RFC 4287) of the announced market notices: sent notices only, newest first, each
 * entry the notice as sent (its subject and text). Written with the house's one template tag: its
 * escaping (& < > " ' as numeric character references) is what XML needs too. Pure.
 */

/** Characters XML 1.0 does not allow, even as references: dropped from the text. */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const xmlChars = (text: string) => text.replace(NOT_XML, "");

/** The entry id of a notice: stable, as its id is once the notice is sent. */
export const noticeEntryId = (id: string) => `urn:smt-notice:${encodeURIComponent(id)}`;

export function noticeFeed(notices: readonly AnnouncedNotice[], o: { baseUrl: string; nowMs: number }): string {
  const base = o.baseUrl.replace(/\/+$/, "");
  const updated = new Date(notices.length > 0 ? Math.max(...notices.map((n) => n.sent_at)) : o.nowMs).toISOString();
  const entries = notices.map((n) => {
    const sent = new Date(n.sent_at).toISOString();
    const categories = SERVICES.filter((s) => n.services.includes(s)).map((s) => html`    <category term="${s}" label="${SERVICE_DISPLAY_NAMES[s]}"/>`);
    return html`  <entry>
    <id>${noticeEntryId(n.id)}</id>
    <title>${xmlChars(n.subject)}</title>
    <updated>${sent}</updated>
    <published>${sent}</published>
    <link rel="alternate" type="text/html" href="${`${base}/status#notice-${encodeURIComponent(n.id)}`}"/>
${joinHtml(categories, "\n")}
    <category term="${n.kind}" scheme="urn:smt-notice:kind"/>
    <content type="text">${xmlChars(n.body)}</content>
  </entry>`;
  });
  return String(html`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:smt-status:notices</id>
  <title>Smart Meter Texas market notices</title>
  <subtitle>Announced outages and planned maintenance of Smart Meter Texas (sent notices only)</subtitle>
  <updated>${updated}</updated>
  <author><name>Smart Meter Texas</name></author>
  <link rel="self" type="application/atom+xml" href="${`${base}/status.atom`}"/>
  <link rel="alternate" type="text/html" href="${`${base}/status`}"/>
${joinHtml(entries, "\n")}
</feed>
`);
}
