import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REVIEWER, basic, payload, postWebhook, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";

/**
 * NOTICE DATE is the date a notice is sent: a draft shows the date it would carry if sent today
 * (the notifier's clock, injected here), marking it sent fixes it; the .eml has a Date header only
 * once the notice is sent. A real notifier on a real socket with a hand-moved clock.
 */

describe("NOTICE DATE and the .eml Date follow the sending, not the drafting", () => {
  let n: RunningNotifier;
  let now = Date.parse("2026-05-14T15:00:00Z"); // Thursday 10:00 CDT
  const auth = { authorization: basic(REVIEWER) };
  const api = (path: string, init: { method?: string; body?: string } = {}) =>
    fetch(`${n.url}/api/v1/notices${path}`, { ...init, headers: { ...auth, "content-type": "application/json" } });
  const bodyOf = async (id: string) => ((await (await api(`/${id}`)).json()) as { notice: { body: string } }).notice.body;
  const emlHead = async (id: string) => (await (await api(`/${id}/eml`)).text()).split("\r\n\r\n", 1)[0]!;
  beforeAll(async () => {
    n = await startNotifier({ clock: () => now, tickIntervalMs: 3_600_000 });
  });
  afterAll(async () => {
    await n?.stop();
  });

  it("a draft made Thursday shows Saturday's date on Saturday; sent Monday, it carries Monday's date for good", async () => {
    const res = await postWebhook(n.url, payload([{ service: "gui", start: Math.floor(now / 1000) - 1200 }]));
    const id = (res.json.drafts as { id: string }[])[0]!.id;
    expect(await bodyOf(id)).toMatch(/^NOTICE DATE: May 14, 2026\n/);
    expect(await emlHead(id)).not.toMatch(/^Date:/m);

    now = Date.parse("2026-05-16T16:00:00Z"); // Saturday
    expect(await bodyOf(id)).toMatch(/^NOTICE DATE: May 16, 2026\n/);
    const page = await (await fetch(`${n.url}/notices/${id}`, { headers: auth })).text();
    expect(page).toContain('<pre id="notice-body">NOTICE DATE: May 16, 2026\n');
    expect(await emlHead(id)).not.toMatch(/^Date:/m);
    expect((await (await api(`/${id}/approve`, { method: "POST", body: "{}" })).json()) as unknown).toMatchObject({ notice: { status: "approved" } });

    now = Date.parse("2026-05-18T04:30:00Z"); // Sunday 23:30 CDT: still Sunday in Central time
    expect(await bodyOf(id)).toMatch(/^NOTICE DATE: May 17, 2026\n/);
    now = Date.parse("2026-05-18T14:00:00Z"); // Monday 09:00 CDT
    const sent = await api(`/${id}/sent`, { method: "POST", body: "{}" });
    expect(sent.status).toBe(200);
    // The first send fixes the series' id (provisional until then): the notice is found at its new id.
    const sentId = ((await sent.json()) as { notice: { id: string } }).notice.id;
    expect(sentId).toBe("SMT-M-A051826-01");
    expect(n.notifier.store.notice(sentId)!.body).toMatch(/^NOTICE DATE: May 18, 2026\n/);
    expect(n.notifier.store.auditOf(sentId).map((a) => a.action)).toEqual(["created", "approved", "marked sent", "id fixed"]);
    expect(n.notifier.store.auditOf(sentId).at(-2)).toMatchObject({ action: "marked sent", detail: { notice_date: "May 18, 2026" } });

    now = Date.parse("2026-05-21T14:00:00Z");
    expect(await bodyOf(sentId)).toMatch(/^NOTICE DATE: May 18, 2026\n/);
    expect(await emlHead(sentId)).toMatch(/^Date: Mon, 18 May 2026 14:00:00 \+0000$/m);
  });
});
