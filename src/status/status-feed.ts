import { SERVICE_DISPLAY_NAMES, SERVICES } from "../config/services.js";
import type { AnnouncedNotice } from "../notices/notice-store.js";

/**
 * The Atom feed (RFC 4287) of the announced market notices: sent notices only, newest first, each
 * entry the notice as sent (its subject and text). Pure.
 */

const XML_ESCAPED = /[&<>"']/g;
/** Text for XML content and attribute values; characters XML 1.0 does not allow are dropped. */
export function xmlText(value: string): string {
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "").replace(XML_ESCAPED, (c) => `&#${c.charCodeAt(0)};`);
}

/** The entry id of a notice: stable, as its id is once the notice is sent. */
export const noticeEntryId = (id: string) => `urn:smt-notice:${encodeURIComponent(id)}`;

export function noticeFeed(notices: readonly AnnouncedNotice[], o: { baseUrl: string; nowMs: number }): string {
  const base = o.baseUrl.replace(/\/+$/, "");
  const updated = new Date(notices.length > 0 ? Math.max(...notices.map((n) => n.sent_at)) : o.nowMs).toISOString();
  const entries = notices.map((n) => {
    const services = SERVICES.filter((s) => n.services.includes(s));
    return `  <entry>
    <id>${xmlText(noticeEntryId(n.id))}</id>
    <title>${xmlText(n.subject)}</title>
    <updated>${new Date(n.sent_at).toISOString()}</updated>
    <published>${new Date(n.sent_at).toISOString()}</published>
    <link rel="alternate" type="text/html" href="${xmlText(`${base}/status#notice-${encodeURIComponent(n.id)}`)}"/>
${services.map((s) => `    <category term="${s}" label="${xmlText(SERVICE_DISPLAY_NAMES[s])}"/>`).join("\n")}
    <category term="${xmlText(n.kind)}" scheme="urn:smt-notice:kind"/>
    <content type="text">${xmlText(n.body)}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:smt-status:notices</id>
  <title>Smart Meter Texas market notices</title>
  <subtitle>Announced outages and planned maintenance of Smart Meter Texas (sent notices only)</subtitle>
  <updated>${updated}</updated>
  <author><name>Smart Meter Texas</name></author>
  <link rel="self" type="application/atom+xml" href="${xmlText(`${base}/status.atom`)}"/>
  <link rel="alternate" type="text/html" href="${xmlText(`${base}/status`)}"/>
${entries.join("\n")}
</feed>
`;
}
