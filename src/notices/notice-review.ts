import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { formatNoticeDate } from "./central-time.js";
import { describeLayoutProblems, noticeLayoutProblems, withNoticeDate } from "./notice-fields.js";
import type { Notice, NoticeStore } from "./notice-store.js";
import { fixSeriesId, type SeriesNaming } from "./series-id.js";

/**
 * What a reviewer can do to a notice, shared by the review pages and the JSON API:
 * edit (drafts only, every edit kept in the audit trail with the text before and after), approve
 * (a draft) and mark sent (an approved notice). Each is one transaction; `version` guards against
 * two reviewers overwriting each other (the second gets a conflict).
 */
export type ReviewOutcome = { ok: true; notice: Notice } | { ok: false; status: 400 | 404 | 409 | 422; message: string };

/** What a reviewer may save (UTF-16 code units): above the largest draft (MAX_DRAFT_SUBJECT, MAX_DRAFT_BODY in notice-render.ts). */
export const MAX_SUBJECT = 998 - "Subject: ".length;
export const MAX_BODY = 100_000;

/**
 * The review POST body limits, from the text limits in the worst encoding, so an edit the form
 * allows is never refused for its size: a form field percent-encodes a UTF-16 code unit into at
 * most 9 bytes ("€" is %E2%82%AC), JSON escapes one into at most 6 ("\u0001"); plus room for the
 * CSRF token, version and field names.
 */
export const REVIEW_FORM_MAX_BYTES = 9 * (MAX_SUBJECT + MAX_BODY) + 4096;
export const REVIEW_JSON_MAX_BYTES = 6 * (MAX_SUBJECT + MAX_BODY) + 4096;

function check(store: NoticeStore, id: string, version: number | undefined, allowed: Notice["status"], action: string): ReviewOutcome {
  const notice = store.notice(id);
  if (!notice) return { ok: false, status: 404, message: `no notice ${id}` };
  if (version !== undefined && version !== notice.version) {
    return { ok: false, status: 409, message: `notice ${id} changed since you loaded it (version ${version}, now ${notice.version}): reload and try again` };
  }
  if (notice.status !== allowed) return { ok: false, status: 409, message: `cannot ${action} notice ${id}: it is ${notice.status}, expected ${allowed}` };
  return { ok: true, notice };
}

export function editNotice(
  store: NoticeStore,
  id: string,
  edit: { subject?: string; body?: string; version?: number },
  actor: string,
  now: number,
): ReviewOutcome {
  const subject = edit.subject?.replace(/\r?\n/g, " ").trim();
  const body = edit.body?.replace(/\r\n/g, "\n");
  if (subject === undefined && body === undefined) return { ok: false, status: 400, message: "expected subject or body to change" };
  if (subject !== undefined && (subject.length === 0 || subject.length > MAX_SUBJECT))
    return { ok: false, status: 400, message: `subject: expected 1-${MAX_SUBJECT} characters` };
  if (body !== undefined && (body.trim().length === 0 || body.length > MAX_BODY))
    return { ok: false, status: 400, message: `body: expected 1-${MAX_BODY} characters` };
  return store.transaction(() => {
    const found = check(store, id, edit.version, "draft", "edit");
    if (!found.ok) return found;
    // An edit keeps the market-notice layout: every required field, once, in order (notice-fields.ts).
    const layout = body === undefined ? [] : noticeLayoutProblems(body);
    if (layout.length > 0) return { ok: false, status: 422, message: describeLayoutProblems(layout) };
    const before = found.notice;
    const changes: Record<string, { before: string; after: string }> = {};
    if (subject !== undefined && subject !== before.subject) changes.subject = { before: before.subject, after: subject };
    if (body !== undefined && body !== before.body) changes.body = { before: before.body, after: body };
    if (Object.keys(changes).length === 0) return found;
    store.updateNotice(id, { subject: subject ?? before.subject, body: body ?? before.body, version: before.version + 1, updated_at: now });
    store.addAudit(id, now, actor, "edited", changes);
    return { ok: true, notice: store.notice(id)! };
  });
}

export function approveNotice(store: NoticeStore, id: string, actor: string, now: number, version?: number): ReviewOutcome {
  return store.transaction(() => {
    const found = check(store, id, version, "draft", "approve");
    if (!found.ok) return found;
    store.updateNotice(id, { status: "approved", approved_by: actor, approved_at: now, version: found.notice.version + 1, updated_at: now });
    store.addAudit(id, now, actor, "approved", { version: found.notice.version });
    return { ok: true, notice: store.notice(id)! };
  });
}

/**
 * Records that a person sent an approved notice; its NOTICE DATE becomes the day it was sent (in
 * the notices' zone), whatever day the draft was made. The first send of a series fixes the series'
 * id (series-id.ts): the notice (and every other of its series) is renamed, and the outcome carries
 * the new id.
 */
export function markNoticeSent(
  store: NoticeStore,
  id: string,
  actor: string,
  now: number,
  version?: number,
  naming?: SeriesNaming,
  zone = CENTRAL_TIME_ZONE,
): ReviewOutcome {
  return store.transaction(() => {
    const found = check(store, id, version, "approved", "mark as sent");
    if (!found.ok) return found;
    const noticeDate = formatNoticeDate(now, zone);
    const body = withNoticeDate(found.notice.body, noticeDate);
    store.updateNotice(id, { status: "sent", sent_by: actor, sent_at: now, body, version: found.notice.version + 1, updated_at: now });
    store.addAudit(id, now, actor, "marked sent", { version: found.notice.version, notice_date: noticeDate });
    const renamed = naming ? fixSeriesId(store, found.notice.incident_id, now, naming) : [];
    for (const r of renamed) store.addAudit(r.to, now, actor, "id fixed", { before: r.from, after: r.to });
    return { ok: true, notice: store.notice(renamed.find((r) => r.from === id)?.to ?? id)! };
  });
}

/**
 * A notice as the reviewer, the API and the .eml see it: a sent notice as it was sent; any other
 * with the NOTICE DATE it would carry if sent now (in the notices' zone).
 */
export function noticeAsOf(notice: Notice, now: number, zone = CENTRAL_TIME_ZONE): Notice {
  if (notice.status === "sent") return notice;
  return { ...notice, body: withNoticeDate(notice.body, formatNoticeDate(now, zone)) };
}
