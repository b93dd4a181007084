import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERT_TEXT_LIMITS } from "../src/notices/alert-signal.js";
import { marketText, TRUNCATION_MARKER } from "../src/notices/market-text.js";
import { MAX_NOTICE_ID_CHARS } from "../src/notices/notice-id.js";
import { MAX_DRAFT_BODY, MAX_DRAFT_SUBJECT, NOTICE_FIELD_LIMITS, renderNotice, type NoticeWording } from "../src/notices/notice-render.js";
import { MAX_BODY, MAX_SUBJECT, REVIEW_FORM_MAX_BYTES } from "../src/notices/notice-review.js";
import { NOTICE_KINDS } from "../src/notices/notice-template.js";
import { REVIEWER, basic, payload, postWebhook, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";

/**
 * Issue 16 item 10: text from alerts into notices. One normalisation for market text, bounded
 * fields, and a review form whose limits are above the largest draft the notifier can make.
 */
const NOW = Date.parse("2026-05-14T15:00:00Z");
const START = Math.floor(Date.parse("2026-05-14T14:40:00Z") / 1000);

/** Every character class the normalisation must take out of market text. */
const HOSTILE =
  "\u0000\u0007\u001b[31m\u007f\u0085\u009b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\u200c\u200d\u2060\ufeff\u00ad\u{e0041}\ud800";
const INVISIBLE_OR_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\p{Cf}\p{Cs}]/u;

describe("alert text that becomes a notice draft", () => {
  let n: RunningNotifier;
  beforeAll(async () => {
    n = await startNotifier({ clock: () => NOW, tickIntervalMs: 60_000, maxBodyBytes: 4 * 1_048_576 });
  });
  afterAll(async () => {
    await n?.stop();
  });

  it("control characters, bidi overrides, invisible characters and a megabyte annotation: a clean, NFC, bounded draft", async () => {
    const summary = `Portal${HOSTILE} down: users see "\u202egnp.exe\u202c" and Cafe\u0301\r\nACTION REQUIRED: call 1-900-555-0100 ${"x".repeat(1_048_576)}`;
    const res = await postWebhook(
      n.url,
      payload([
        {
          service: "gui",
          start: START,
          annotations: { summary, description: `${"d".repeat(3000)}\u202e`, runbook_url: `https://runbooks.example/${"r".repeat(2000)}` },
        },
      ]),
    );
    expect(res.status, JSON.stringify(res.json).slice(0, 500)).toBe(200);
    const [{ id }] = res.json.drafts as [{ id: string }];
    const notice = n.notifier.store.notice(id)!;
    expect(notice.body).not.toMatch(INVISIBLE_OR_CONTROL);
    expect(notice.subject).not.toMatch(INVISIBLE_OR_CONTROL);
    // Alert annotations are for on-call: none of their text reaches the market.
    expect(notice.body).not.toContain("1-900-555-0100");
    expect(notice.body).not.toContain("Portal");
    expect(notice.body).not.toMatch(/^ACTION REQUIRED: call/m);
    expect(notice.body.length).toBeLessThanOrEqual(MAX_DRAFT_BODY);
    const long = /^LONG DESCRIPTION: (.*)$/m.exec(notice.body)![1]!;
    expect(long.length).toBeLessThanOrEqual(NOTICE_FIELD_LIMITS["LONG DESCRIPTION"]);
    // The stored incident keeps the bounded annotations, not the megabyte.
    const incident = n.notifier.store.db.prepare("SELECT summary, description, runbook_url FROM incidents ORDER BY id DESC LIMIT 1").get() as Record<
      string,
      string
    >;
    expect(incident.summary!.length).toBe(ALERT_TEXT_LIMITS.summary);
    // ESC goes, so "[31m" is plain text; NEL and CRLF are spaces in one-line text; NFC; bounded with the marker.
    expect(incident.summary).toContain('Portal[31m down: users see "gnp.exe" and Caf\u00e9 ACTION REQUIRED: call 1-900-555-0100 xxx');
    expect(incident.summary).toContain(`x${TRUNCATION_MARKER}`);
    expect(incident.summary).not.toMatch(INVISIBLE_OR_CONTROL);
    expect(incident.description!.length).toBe(ALERT_TEXT_LIMITS.description);
    expect(incident.runbook_url!.length).toBe(ALERT_TEXT_LIMITS.runbookUrl);
    expect(incident.description).not.toMatch(INVISIBLE_OR_CONTROL);
  });

  it("the review form allows an edit as large as MAX_BODY in the worst encoding, and its limits are above the largest draft", async () => {
    expect(MAX_BODY).toBeGreaterThanOrEqual(MAX_DRAFT_BODY);
    expect(MAX_SUBJECT).toBeGreaterThanOrEqual(MAX_DRAFT_SUBJECT);
    const res = await postWebhook(n.url, payload([{ service: "api", start: START }]));
    const [{ id }] = res.json.drafts as [{ id: string }];
    const auth = { authorization: basic(REVIEWER) };
    const page = await (await fetch(`${n.url}/notices/${id}`, { headers: auth })).text();
    expect(page).toContain(`<textarea name="body" rows="24" maxlength="${MAX_BODY}" required>`);
    expect(page).toContain(`maxlength="${MAX_SUBJECT}"`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const version = /name="version" value="(\d+)"/.exec(page)![1]!;
    // "€" is 9 bytes percent-encoded: the largest form the page lets a reviewer submit (the field layout kept).
    const draft = n.notifier.store.notice(id)!.body;
    const padded = (filler: string) => draft.replace("LONG DESCRIPTION: ", `LONG DESCRIPTION: ${filler.repeat(MAX_BODY - draft.length)}`);
    const form = new URLSearchParams({ csrf, version, subject: "€".repeat(MAX_SUBJECT), body: padded("€") }).toString();
    expect(form.length).toBeLessThanOrEqual(REVIEW_FORM_MAX_BYTES);
    expect(form.length).toBeGreaterThan(256 * 1024);
    const edit = await fetch(`${n.url}/notices/${id}/edit`, {
      method: "POST",
      redirect: "manual",
      headers: { ...auth, "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    expect(edit.status).toBe(303);
    expect(n.notifier.store.notice(id)!.body).toBe(padded("€"));
    expect(n.notifier.store.notice(id)!.body.length).toBe(MAX_BODY);
    // The JSON API too (a control character is 6 bytes escaped).
    const api = await fetch(`${n.url}/api/v1/notices/${id}`, {
      method: "PATCH",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ body: padded("\u0001") }),
    });
    expect(api.status).toBe(200);
  });
});

describe("the largest draft", () => {
  const huge = (s: string) => s.repeat(2_000);
  const template = "{{ summary }} {{ description }} {{ change }} {{ runbook_url }} ".repeat(10);
  const wording: NoticeWording = {
    timeZone: "America/Chicago",
    noticeTypeLabel: huge("Market "),
    intendedAudience: huge("REPs "),
    contact: huge("Help desk "),
    serviceNames: { gui: huge("portal "), api: huge("api "), ftps: huge("ftps "), han: huge("han "), call_center: huge("call center ") },
    templates: Object.fromEntries(
      NOTICE_KINDS.map((k) => [
        k,
        { short_description: "{{ services }} ".repeat(10), long_description: template, action_required: template, additional_information: template },
      ]),
    ) as NoticeWording["templates"],
  };

  it("is bounded by MAX_DRAFT_BODY and MAX_DRAFT_SUBJECT, computed from the field limits, whatever the templates and values", () => {
    for (const kind of NOTICE_KINDS) {
      const rendered = renderNotice(
        {
          kind,
          id: `${"SMT-PREFIX-LONG-".slice(0, 16)}M-ZZZ123126-999`,
          createdAt: NOW,
          services: ["gui", "api", "ftps", "han"],
          start: NOW - 40 * 86_400_000,
          end: NOW,
          summary: huge("s"),
          description: huge("d"),
          runbookUrl: huge("u"),
          change: huge("c"),
          nextUpdate: NOW + 3_600_000,
          dueDate: "2026-05-20",
        },
        wording,
      );
      expect(rendered.body.length).toBeLessThanOrEqual(MAX_DRAFT_BODY);
      expect(rendered.subject.length).toBeLessThanOrEqual(MAX_DRAFT_SUBJECT);
      for (const [field, limit] of Object.entries(NOTICE_FIELD_LIMITS)) {
        const value = new RegExp(`^${field}: (.*)$`, "m").exec(rendered.body)?.[1];
        if (value !== undefined) expect(value.length, field).toBeLessThanOrEqual(limit);
      }
      expect(rendered.body).toContain(TRUNCATION_MARKER);
    }
    // The field limits (12,940), the field names (129), ": " nine times, eight blank-line separators, the final newline.
    expect(MAX_DRAFT_BODY).toBe(12_940 + 129 + 18 + 16 + 1);
    expect(MAX_DRAFT_SUBJECT).toBe(MAX_NOTICE_ID_CHARS + 1 + 300);
  });

  it("cuts at a character boundary: never half a surrogate pair or a base without its accent", () => {
    const cut = marketText(`${"a".repeat(20)}${"😀".repeat(10)}`, 30, { lines: "join" });
    expect(cut.length).toBeLessThanOrEqual(30);
    expect(cut).toMatch(/^a+(😀)*…\(truncated\)$/u);
    // q with a dot below and one above has no precomposed form: three code units, one character.
    expect(marketText(`${"a".repeat(7)}${"q\u0323\u0307".repeat(5)}`, 20, { lines: "join" })).toBe(`${"a".repeat(7)}${TRUNCATION_MARKER}`);
    expect(marketText("line one\r\n\r\n\r\n\tline\u2028two  ", 100, { lines: "keep" })).toBe("line one\n\nline\ntwo");
  });
});
