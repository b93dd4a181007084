import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERT_ZERO_TIME, MAX_ALERT_AGE_MS, MAX_CLOCK_SKEW_MS, parseRfc3339 } from "../src/notices/alert-time.js";
import { REVIEWER, basic, payload, postWebhook, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";

/**
 * Issue 16 item 6: time stamps from the payload. Strict RFC 3339 for startsAt/endsAt, a window
 * around the (injected) time of receipt, and Unix-seconds annotations that are believed only
 * inside it. A refused payload changes nothing in the store.
 */
const NOW = Date.parse("2026-05-14T15:00:00Z");
const S = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const START = S("2026-05-14T14:40:00Z");

describe("time stamps in Alertmanager payloads", () => {
  let n: RunningNotifier;
  beforeAll(async () => {
    n = await startNotifier({ clock: () => NOW, tickIntervalMs: 60_000 });
  });
  afterAll(async () => {
    await n?.stop();
  });
  const snapshot = () => ({
    deliveries: n.notifier.store.countDeliveries(),
    notices: n.notifier.store.listNotices().length,
    alerts: n.notifier.store.listAlerts().length,
  });

  it.each([
    ['startsAt "12" (Date.parse reads December 2001)', { startsAt: "12" }, /alerts\[0\]\.startsAt: expected an RFC 3339 time stamp/],
    ["startsAt without a zone", { startsAt: "2026-05-14T14:55:00" }, /alerts\[0\]\.startsAt: expected an RFC 3339/],
    ["startsAt on February 30", { startsAt: "2026-02-30T14:55:00Z" }, /alerts\[0\]\.startsAt: expected an RFC 3339/],
    ["startsAt as a date only", { startsAt: "2026-05-14" }, /alerts\[0\]\.startsAt: expected an RFC 3339/],
    [
      "startsAt in the year 9999",
      { startsAt: "9999-12-31T23:59:59Z" },
      /alerts\[0\]\.startsAt: expected a time between 2026-02-13T15:00:00Z \(90 days before receipt\) and 2026-05-14T15:05:00Z \(5 minutes after\), got "9999-12-31T23:59:59Z"/,
    ],
    ["startsAt in 2001", { startsAt: "2001-12-01T06:00:00Z" }, /alerts\[0\]\.startsAt: expected a time between/],
    ["startsAt six minutes ahead", { startsAt: "2026-05-14T15:06:00Z" }, /alerts\[0\]\.startsAt: expected a time between/],
    ['endsAt "12"', { status: "resolved", endsAt: "12" }, /alerts\[0\]\.endsAt: expected an RFC 3339/],
    [
      "endsAt in the year 9999",
      { status: "resolved", endsAt: "9999-01-01T00:00:00Z" },
      /alerts\[0\]\.endsAt: expected "0001-01-01T00:00:00Z" \(not ended\) or a time between/,
    ],
  ] as const)("%s: 400 naming the field, nothing stored", async (_name, alert, message) => {
    const before = snapshot();
    const res = await postWebhook(n.url, payload([{ service: "gui", start: START, ...alert }]));
    expect(res.status).toBe(400);
    expect((res.json.problems as string[]).join("\n")).toMatch(message);
    expect(snapshot()).toEqual(before);
  });

  it("a good alert in the same payload does not save a bad one: the whole payload is refused", async () => {
    const before = snapshot();
    const res = await postWebhook(
      n.url,
      payload([
        { service: "api", start: START },
        { service: "gui", start: START, startsAt: "9999-12-31T23:59:59Z" },
      ]),
    );
    expect(res.status).toBe(400);
    expect(res.json.problems).toEqual([expect.stringMatching(/^alerts\[1\]\.startsAt: /)]);
    expect(snapshot()).toEqual(before);
  });

  it("Alertmanager's own forms are accepted: zero endsAt while firing, nanoseconds, offsets, the edges of the window", async () => {
    const firing = await postWebhook(
      n.url,
      payload([{ service: "gui", start: START, startsAt: "2026-05-14T09:55:00.123456789-05:00", endsAt: ALERT_ZERO_TIME }], "forms"),
    );
    expect(firing.status, JSON.stringify(firing.json)).toBe(200);
    const edges = await postWebhook(
      n.url,
      payload(
        [
          { service: "api", start: START, startsAt: new Date(NOW - MAX_ALERT_AGE_MS).toISOString() },
          { service: "han", start: START, startsAt: new Date(NOW + MAX_CLOCK_SKEW_MS).toISOString() },
        ],
        "edges",
      ),
    );
    expect(edges.status, JSON.stringify(edges.json)).toBe(200);
    const resolved = await postWebhook(n.url, payload([{ service: "gui", start: START, status: "resolved", endsAt: "2026-05-14T14:59:00Z" }], "forms"));
    expect(resolved.status, JSON.stringify(resolved.json)).toBe(200);
    const completion = n.notifier.store.listNotices().find((x) => x.kind === "COMPLETION" || x.body.includes("restored"));
    expect(completion?.body).toContain("09:59 CDT on Thursday, May 14, 2026");
  });
});

describe("Unix-seconds annotations", () => {
  it.each([
    [
      "2001 (1000000000)",
      "1000000000",
      /^annotation outage_start_timestamp "1000000000" is not a time between 2026-02-13T15:00:00Z \(90 days before receipt\) and 2026-05-14T15:05:00Z \(5 minutes after\)/,
    ],
    ["2286 (9999999999)", "9999999999", /"9999999999" is not a time between/],
    ["not a number", "Infinity", /is not a number of Unix seconds/],
    ["an exponent", "1.7787e9", /is not a number of Unix seconds/],
  ])("outage_start_timestamp %s: the outage starts at startsAt, never at an impossible date, and the reviewer is told", async (_name, value, note) => {
    const n = await startNotifier({ clock: () => NOW, tickIntervalMs: 60_000 });
    try {
      const res = await postWebhook(
        n.url,
        payload([{ service: "ftps", start: START, startsAt: "2026-05-14T14:52:00Z", annotations: { outage_start_timestamp: value } }]),
      );
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      const drafts = res.json.drafts as { id: string }[];
      expect(drafts.length).toBe(1);
      const notice = n.notifier.store.notice(drafts[0]!.id)!;
      expect(notice.body).toContain("since 09:52 CDT on Thursday, May 14, 2026");
      expect(notice.body).not.toMatch(/2001|2286|1969|1970/);
      const notes = n.notifier.store
        .auditOf(notice.id)
        .filter((a) => a.action === "check input")
        .flatMap((a) => (a.detail as { notes: string[] }).notes);
      expect(notes).toEqual([expect.stringMatching(note)]);
      expect(notes[0]).toContain("the outage start is the alert's startsAt (2026-05-14T14:52:00.000Z): check it before approving");
      // The review page shows it.
      expect(await (await fetch(`${n.url}/notices/${notice.id}`, { headers: { authorization: basic(REVIEWER) } })).text()).toContain("check input");
    } finally {
      await n.stop();
    }
  });
});

describe("parseRfc3339", () => {
  it("reads what Go writes and nothing looser", () => {
    expect(parseRfc3339("2026-05-14T14:40:00Z")).toBe(Date.parse("2026-05-14T14:40:00Z"));
    expect(parseRfc3339("2026-05-14T09:40:00.5-05:00")).toBe(Date.parse("2026-05-14T14:40:00.500Z"));
    expect(parseRfc3339("0001-01-01T00:00:00Z")).toBe(Date.UTC(2000, 0, 1) - 730_119 * 86_400_000);
    expect(parseRfc3339("2024-02-29T00:00:00Z")).toBe(Date.parse("2024-02-29T00:00:00Z"));
    expect(parseRfc3339("2016-12-31T23:59:60Z")).toBe(Date.parse("2016-12-31T23:59:59.999Z"));
    for (const bad of [
      "12",
      "",
      "2026-05-14",
      "2026-05-14T14:40Z",
      "2026-05-14 14:40:00Z",
      "2025-02-29T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-05-14T24:00:00Z",
      "2026-05-14T14:40:00+24:00",
      "2026-05-14T14:40:00.1234567890Z",
      " 2026-05-14T14:40:00Z",
      "+002026-05-14T14:40:00Z",
    ]) {
      expect(parseRfc3339(bad), bad).toBeUndefined();
    }
  });
});
