import { afterEach, describe, expect, it } from "vitest";
import { ALERT_ANNOTATIONS as A } from "../src/rules/alert-contract.js";
import { payload, postWebhook, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";

/**
 * Issue 9 item 2: an outage that flaps is one outage incident (docs/slo.md), so the notifier keeps
 * one incident: one INITIAL, one COMPLETION that states the start, the end of the last unavailable
 * minute, the unavailable minutes and the length the rules measured (the annotations of
 * SMTUnplannedOutage), not the time Alertmanager resolved the alert (recovery minutes later).
 * A real notifier on 127.0.0.1, webhooks over HTTP, an injected clock.
 */
const S = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const START = S("2026-05-14T14:40:00Z"); // 09:40 CDT

function incident(endIso: string, unavailable: number, length: number, status: "firing" | "resolved" = "firing", endsAt?: string) {
  return payload([
    {
      service: "api",
      start: START,
      status,
      ...(endsAt ? { endsAt } : {}),
      annotations: {
        [A.outageEndTimestamp]: String(S(endIso)),
        [A.outageUnavailableMinutes]: String(unavailable),
        [A.outageLengthMinutes]: String(length),
      },
    },
  ]);
}

describe("a flapping outage is one incident in the notices", () => {
  let n: RunningNotifier | undefined;
  afterEach(async () => {
    await n?.stop();
    n = undefined;
  });

  it("one INITIAL, repeats add nothing, one COMPLETION with the end of the last unavailable minute, unavailable minutes and length", async () => {
    let now = Date.parse("2026-05-14T14:57:00Z");
    n = await startNotifier({ clock: () => now, tickIntervalMs: 60_000 });
    // minute 16 of the incident (10 down, 1 up, 5 down so far)
    expect((await postWebhook(n.url, incident("2026-05-14T14:56:00Z", 15, 16))).status).toBe(200);
    now = Date.parse("2026-05-14T15:12:00Z");
    // up for a minute in between: still the same incident, same start
    expect((await postWebhook(n.url, incident("2026-05-14T15:11:00Z", 25, 26))).status).toBe(200);
    // 5 available minutes after 15:22 end the incident; Alertmanager resolves it some minutes later
    now = Date.parse("2026-05-14T15:29:30Z");
    const resolved = incident("2026-05-14T15:22:00Z", 40, 42, "resolved", "2026-05-14T15:28:10Z");
    expect((await postWebhook(n.url, resolved)).status).toBe(200);
    expect((await postWebhook(n.url, resolved)).status).toBe(200);

    const notices = n.notifier.store.listNotices({ limit: 100 }).reverse();
    expect(notices.map((x) => x.kind)).toEqual(["INITIAL", "COMPLETION"]);
    const completion = notices[1]!;
    const flat = completion.body.replace(/\s+/g, " ");
    expect(flat).toContain("Service was restored at 10:22 CDT on Thursday, May 14, 2026, after being unavailable for 42 minutes since 09:40 CDT");
    expect(flat).toContain("Service came back only briefly in between: the energy data API was unavailable for 40 of those 42 minutes.");
    expect(completion.body).toMatch(/10:22/); // 15:22 UTC, 10:22 CDT: the end of the last unavailable minute
    expect(completion.body).not.toMatch(/10:28/); // not when Alertmanager resolved it
    const outage = n.notifier.store.outage("api", START, "SMTUnplannedOutage");
    expect(outage?.end_ms).toBe(Date.parse("2026-05-14T15:22:00Z"));
  });

  it("figures that disagree with the start are not believed: the alert's endsAt is the end, no unavailable minutes are stated", async () => {
    let now = Date.parse("2026-05-14T14:57:00Z");
    n = await startNotifier({ clock: () => now, tickIntervalMs: 60_000 });
    await postWebhook(n.url, incident("2026-05-14T14:56:00Z", 15, 16));
    now = Date.parse("2026-05-14T15:30:00Z");
    // a length that does not match start and end
    await postWebhook(n.url, incident("2026-05-14T15:22:00Z", 40, 99, "resolved", "2026-05-14T15:28:00Z"));
    const notices = n.notifier.store.listNotices({ limit: 100 }).reverse();
    expect(notices.map((x) => x.kind)).toEqual(["INITIAL", "COMPLETION"]);
    expect(notices[1]!.body).not.toContain("of those 42 minutes");
    expect(notices[1]!.body).not.toContain("of those 99 minutes");
    expect(n.notifier.store.outage("api", START, "SMTUnplannedOutage")?.end_ms).toBe(Date.parse("2026-05-14T15:28:00Z"));
    // the same incident with figures that agree: the end of its last unavailable minute
    await n.stop();
    now = Date.parse("2026-05-14T14:57:00Z");
    n = await startNotifier({ clock: () => now, tickIntervalMs: 60_000 });
    await postWebhook(n.url, incident("2026-05-14T14:56:00Z", 15, 16));
    now = Date.parse("2026-05-14T15:30:00Z");
    await postWebhook(n.url, incident("2026-05-14T15:22:00Z", 40, 42, "resolved", "2026-05-14T15:28:00Z"));
    expect(n.notifier.store.outage("api", START, "SMTUnplannedOutage")?.end_ms).toBe(Date.parse("2026-05-14T15:22:00Z"));
    expect(n.notifier.store.listNotices({ limit: 100 })[0]!.body.replace(/\s+/g, " ")).toContain("was unavailable for 40 of those 42 minutes.");
  });
});
