import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { parseNotifierConfig } from "../src/config/notifier-load.js";
import { approveNotice, markNoticeSent } from "../src/notices/notice-review.js";
import { NoticeStore } from "../src/notices/notice-store.js";
import { STORE_VERSION } from "../src/notices/store-migrations.js";
import { Notifier } from "../src/notices/notifier.js";
import { captureLogger } from "./support/capture-logger.js";
import { basic, payload, REVIEWER, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";

/**
 * Issue 11 items 2-3 and issue 9 item 4: notice ids (provisional until the first send, then the
 * send's date and a letter in send order), the planned-maintenance series (PLANNED, REMINDER,
 * planned COMPLETION, CANCELLATION, RESCHEDULE) drafted at the right time by an injected clock,
 * planned outages announced only when longer than 15 minutes, and the store migration.
 */

const ENV = { TOKEN: "unit-test-webhook-token-xyz", ALICE: "alice-password-123" };
const S = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempStore(): string {
  const dir = mkdtempSync(join(tmpdir(), "smt-series-"));
  dirs.push(dir);
  return join(dir, "notices.db");
}

/** A notifier on a store file (":memory:" by default) with a clock the test moves. */
function desk(extra = "", startAt = "2026-10-01T15:00:00Z", storage = ":memory:") {
  let now = Date.parse(startAt);
  const text = `storage: { path: "${storage}" }
webhook: { bearer_token_env: TOKEN }
reviewers: [{ name: alice, password_env: ALICE }]
notices:
  from: "SMT <notices@smt.example>"
  to: ["rms@lists.example.org"]
${extra}`;
  const notifier = new Notifier({ config: parseNotifierConfig(text, "unit.yaml", ENV), logger: captureLogger().logger, clock: () => now });
  const store = notifier.store;
  return {
    notifier,
    store,
    set: (iso: string) => (now = Date.parse(iso)),
    tick: () => notifier.tick(),
    notices: () => store.listNotices({ limit: 1000 }).reverse(),
    ids: () =>
      store
        .listNotices({ limit: 1000 })
        .reverse()
        .map((n) => `${n.id} ${n.kind}`),
    apply: (body: Record<string, unknown>) => notifier.applyDelivery(body as never, JSON.stringify(body)),
    /** Approves and marks a notice sent at the desk's time; returns its id after the send. */
    send: (id: string) => {
      expect(approveNotice(store, id, "alice", now).ok).toBe(true);
      const sent = markNoticeSent(store, id, "alice", now, undefined, notifier.seriesNaming);
      if (!sent.ok) throw new Error(sent.message);
      return sent.notice.id;
    },
  };
}

describe("notice ids: provisional until the first notice of a series is sent", () => {
  it("a draft has a provisional id in its id, subject and text; the send fixes the series to the send's date; NN counts the series", () => {
    const d = desk("", "2026-05-14T15:00:00Z");
    d.apply(payload([{ service: "gui", start: S("2026-05-14T14:40:00Z") }]));
    d.apply(payload([{ service: "api", start: S("2026-05-14T14:50:00Z") }]));
    const [initial, update] = d.notices();
    expect([initial!.id, update!.id]).toEqual(["SMT-M-(provisional-1)-01", "SMT-M-(provisional-1)-02"]);
    expect(initial!.subject).toMatch(/^SMT-M-\(provisional-1\)-01 INITIAL: /);
    expect(initial!.body).toContain("NOTICE TYPE: SMT-M-(provisional-1)-01 ");
    // Drafted on May 14 (Central), sent on May 15 at 00:20 CDT: the id carries the send's date.
    d.set("2026-05-15T05:20:00Z");
    const fixed = d.send(initial!.id);
    expect(fixed).toBe("SMT-M-A051526-01");
    expect(d.ids()).toEqual(["SMT-M-A051526-01 INITIAL", "SMT-M-A051526-02 UPDATE"]);
    // Every notice of the series is renamed, in its text too; the audit trail and the outbox follow it.
    const renamedUpdate = d.store.notice("SMT-M-A051526-02")!;
    expect(renamedUpdate.subject).toMatch(/^SMT-M-A051526-02 UPDATE: /);
    expect(renamedUpdate.body).toContain("NOTICE TYPE: SMT-M-A051526-02 ");
    expect(renamedUpdate.body).not.toContain("provisional");
    expect(d.store.auditOf(fixed).map((a) => a.action)).toEqual(["created", "approved", "marked sent", "id fixed"]);
    expect(d.store.auditOf(fixed).at(-1)!.detail).toEqual({ before: "SMT-M-(provisional-1)-01", after: "SMT-M-A051526-01" });
    // The old ids lead to the new ones.
    expect(d.store.renamedNoticeId("SMT-M-(provisional-1)-02")).toBe("SMT-M-A051526-02");
    // Later notices of the series take the fixed id and go on counting; a second send renames nothing.
    d.apply(payload([{ service: "api", start: S("2026-05-14T14:50:00Z"), status: "resolved", endsAt: "2026-05-15T05:25:00Z" }]));
    expect(d.ids().at(-1)).toBe("SMT-M-A051526-03 UPDATE");
    expect(d.send("SMT-M-A051526-02")).toBe("SMT-M-A051526-02");
  });

  it("two series whose first notices are sent the same day get A and B in the order they are sent, not the order drafted", () => {
    const d = desk("", "2026-05-14T15:00:00Z");
    d.apply(payload([{ service: "gui", start: S("2026-05-14T14:40:00Z") }]));
    d.apply(payload([{ service: "gui", start: S("2026-05-14T14:40:00Z"), status: "resolved", endsAt: "2026-05-14T15:10:00Z" }]));
    d.set("2026-05-14T16:00:00Z");
    d.apply(payload([{ service: "ftps", start: S("2026-05-14T15:40:00Z") }]));
    expect(d.ids()).toEqual(["SMT-M-(provisional-1)-01 INITIAL", "SMT-M-(provisional-1)-02 COMPLETION", "SMT-M-(provisional-2)-01 INITIAL"]);
    // The later series is sent first: it is A.
    d.set("2026-05-14T16:05:00Z");
    expect(d.send("SMT-M-(provisional-2)-01")).toBe("SMT-M-A051426-01");
    d.set("2026-05-14T16:10:00Z");
    expect(d.send("SMT-M-(provisional-1)-01")).toBe("SMT-M-B051426-01");
    expect(d.ids()).toEqual(["SMT-M-B051426-01 INITIAL", "SMT-M-B051426-02 COMPLETION", "SMT-M-A051426-01 INITIAL"]);
    // The next day starts again at A.
    d.apply(payload([{ service: "ftps", start: S("2026-05-14T15:40:00Z"), status: "resolved", endsAt: "2026-05-14T16:20:00Z" }]));
    d.set("2026-05-15T15:00:00Z");
    d.apply(payload([{ service: "han", start: S("2026-05-15T14:40:00Z") }]));
    expect(d.send("SMT-M-(provisional-3)-01")).toBe("SMT-M-A051526-01");
  });

  it("a link with the provisional id still leads to the notice after the send (pages and API)", async () => {
    const n: RunningNotifier = await startNotifier();
    try {
      const start = Math.floor(Date.now() / 1000) - 1200;
      n.notifier.applyDelivery(payload([{ service: "gui", start }]) as never, "{}");
      const provisional = n.notifier.store.listNotices()[0]!.id;
      const auth = { authorization: basic(REVIEWER), "sec-fetch-site": "same-origin", "content-type": "application/json" };
      const url = (id: string) => `${n.url}/api/v1/notices/${encodeURIComponent(id)}`;
      expect((await fetch(`${url(provisional)}/approve`, { method: "POST", headers: auth, body: "{}" })).status).toBe(200);
      const sent = await fetch(`${url(provisional)}/sent`, { method: "POST", headers: auth, body: "{}" });
      const fixed = ((await sent.json()) as { notice: { id: string } }).notice.id;
      expect(fixed).toMatch(/^SMT-M-A\d{6}-01$/);
      const api = await fetch(url(provisional), { headers: auth, redirect: "manual" });
      expect([api.status, api.headers.get("location")]).toEqual([301, `/api/v1/notices/${fixed}`]);
      const page = await fetch(`${n.url}/notices/${encodeURIComponent(provisional)}/eml`, { headers: auth, redirect: "manual" });
      expect([page.status, page.headers.get("location")]).toEqual([301, `/notices/${fixed}/eml`]);
      expect((await fetch(`${n.url}/notices/${fixed}`, { headers: auth })).status).toBe(200);
    } finally {
      await n.stop();
    }
  });
});

// Tuesday 2026-10-20 01:00-03:00 CDT: the PLANNED notice is due Thursday 10-15 (3 business days
// before), the REMINDER Monday 10-19 (1 business day before).
const CALENDAR = `maintenance:
  time_zone: America/Chicago
  planned:
    - { id: db-upgrade, start: "2026-10-20T01:00", end: "2026-10-20T03:00", services: [api, ftps], description: Database upgrade. }`;

/** A calendar with the entry removed. */
const EMPTY_CALENDAR = "maintenance:\n  planned: []";

describe("the planned-maintenance series, drafted at the right time", () => {
  it("PLANNED when in the look-ahead, due 3 business days before; REMINDER on its day once PLANNED was sent; COMPLETION after the window", () => {
    const d = desk(CALENDAR, "2026-09-01T15:00:00Z");
    // 49 days ahead: beyond the 45-day look-ahead.
    expect(d.tick()).toEqual([]);
    d.set("2026-10-01T15:00:00Z");
    expect(d.tick()).toEqual([{ id: "SMT-M-(provisional-1)-01", kind: "PLANNED" }]);
    const planned = d.notices()[0]!;
    expect(planned.due_date).toBe("2026-10-15");
    expect(planned.subject).toBe("SMT-M-(provisional-1)-01 Planned Maintenance Outage - Smart Meter Texas energy data API and file delivery (SFTP/FTPS)");
    // Sent on Tuesday 10-13: the series is A101326.
    d.set("2026-10-13T16:00:00Z");
    expect(d.send(planned.id)).toBe("SMT-M-A101326-01");
    // The day before the reminder's day (23:30 CDT on Sunday 10-18): nothing.
    d.set("2026-10-19T04:30:00Z");
    expect(d.tick()).toEqual([]);
    // 00:30 CDT Monday 10-19: the REMINDER, due that day, naming the notice that announced the outage.
    d.set("2026-10-19T05:30:00Z");
    expect(d.tick()).toEqual([{ id: "SMT-M-A101326-02", kind: "REMINDER" }]);
    expect(d.tick()).toEqual([]);
    const reminder = d.store.notice("SMT-M-A101326-02")!;
    expect(reminder.due_date).toBe("2026-10-19");
    expect(reminder.subject).toBe("SMT-M-A101326-02 REMINDER: Planned Maintenance Outage - Smart Meter Texas energy data API and file delivery (SFTP/FTPS)");
    expect(reminder.body).toContain(
      "This is a reminder that Smart Meter Texas will perform planned maintenance on Tuesday, October 20, 2026 01:00 - 03:00 CDT",
    );
    expect(reminder.body).toContain("as announced in SMT-M-A101326-01.");
    // During the window and until 10 minutes after its end (03:00 CDT = 08:00Z): nothing.
    d.set("2026-10-20T07:00:00Z");
    expect(d.tick()).toEqual([]);
    d.set("2026-10-20T08:09:00Z");
    expect(d.tick()).toEqual([]);
    d.set("2026-10-20T08:10:00Z");
    expect(d.tick()).toEqual([{ id: "SMT-M-A101326-03", kind: "PLANNED_COMPLETION" }]);
    expect(d.tick()).toEqual([]);
    const completion = d.store.notice("SMT-M-A101326-03")!;
    expect(completion.subject).toBe(
      "SMT-M-A101326-03 COMPLETION: Planned Maintenance Outage - Smart Meter Texas energy data API and file delivery (SFTP/FTPS)",
    );
    expect(completion.body).toContain("maintenance completed at 03:00 CDT on Tuesday, October 20, 2026");
    expect(completion.body).toContain("announced in SMT-M-A101326-01");
    expect(completion.due_date).toBe("2026-10-20");
  });

  it("no REMINDER for an outage whose PLANNED notice was not sent, or was sent on the reminder's day or later", () => {
    const d = desk(CALENDAR, "2026-10-01T15:00:00Z");
    const [planned] = d.tick();
    d.set("2026-10-19T15:00:00Z");
    expect(d.tick()).toEqual([]);
    // Sent late, on the reminder's day: a reminder would repeat it.
    expect(d.send(planned!.id)).toBe("SMT-M-A101926-01");
    d.set("2026-10-19T16:00:00Z");
    expect(d.tick()).toEqual([]);
  });

  it("REMINDER at the configured number of business days, and none drafted before the outage was announced", () => {
    const d = desk(`${CALENDAR}\nplanned_notices: { reminder_business_days_before: 2 }`, "2026-10-01T15:00:00Z");
    const [planned] = d.tick();
    d.set("2026-10-14T15:00:00Z");
    d.send(planned!.id);
    // Two business days before Tuesday 10-20 is Thursday 10-16.
    d.set("2026-10-16T04:59:00Z");
    expect(d.tick()).toEqual([]);
    d.set("2026-10-16T05:00:00Z");
    expect(d.tick().map((c) => c.kind)).toEqual(["REMINDER"]);
  });

  it("an overrun at the window's end turns into the unplanned series: no planned COMPLETION", () => {
    const d = desk(CALENDAR, "2026-10-01T15:00:00Z");
    const [planned] = d.tick();
    d.set("2026-10-13T16:00:00Z");
    d.send(planned!.id);
    d.set("2026-10-20T08:05:00Z");
    const overrun = d.apply(payload([{ alertname: "SMTMaintenanceOverrun", service: "api", start: S("2026-10-20T08:00:00Z") }], "overrun"));
    expect(overrun.created.map((c) => c.kind)).toEqual(["INITIAL"]);
    d.set("2026-10-20T08:30:00Z");
    expect(d.tick().filter((c) => c.kind === "PLANNED_COMPLETION")).toEqual([]);
    expect(d.store.incident(d.store.notice("SMT-M-A101326-01")!.incident_id)).toMatchObject({ status: "resolved", overrun: 1 });
  });

  it("a planned COMPLETION only for a window that was announced", () => {
    const d = desk(
      `${CALENDAR}
    - { id: quiet, start: "2026-10-20T01:00", end: "2026-10-20T03:00", services: [han] }`,
      "2026-10-01T15:00:00Z",
    );
    const [announced, quiet] = d.tick();
    expect([announced!.kind, quiet!.kind]).toEqual(["PLANNED", "PLANNED"]);
    d.set("2026-10-13T16:00:00Z");
    const fixed = d.send(announced!.id);
    d.set("2026-10-20T09:00:00Z");
    const completions = d.tick().filter((c) => c.kind === "PLANNED_COMPLETION");
    expect(completions.map((c) => d.store.notice(c.id)!.incident_id)).toEqual([d.store.notice(fixed)!.incident_id]);
    expect(d.store.noticesOf(d.store.notice(quiet!.id)!.incident_id).map((n) => n.kind)).toEqual(["PLANNED"]);
  });

  it("RESCHEDULE when the entry moves after its notice was sent, CANCELLATION when it is then removed", () => {
    const file = tempStore();
    const first = desk(CALENDAR, "2026-10-01T15:00:00Z", file);
    const [planned] = first.tick();
    first.set("2026-10-05T15:00:00Z");
    expect(first.send(planned!.id)).toBe("SMT-M-A100526-01");
    first.notifier.store.close();

    // The entry moves to Thursday 10-22 02:00-04:00 CDT (restarted with the new calendar).
    const moved = desk(
      CALENDAR.replace('start: "2026-10-20T01:00", end: "2026-10-20T03:00"', 'start: "2026-10-22T02:00", end: "2026-10-22T04:00"'),
      "2026-10-06T15:00:00Z",
      file,
    );
    expect(moved.tick()).toEqual([{ id: "SMT-M-A100526-02", kind: "RESCHEDULE" }]);
    expect(moved.tick()).toEqual([]);
    const reschedule = moved.store.notice("SMT-M-A100526-02")!;
    expect(reschedule.subject).toBe(
      "SMT-M-A100526-02 RESCHEDULED: Planned Maintenance Outage - Smart Meter Texas energy data API and file delivery (SFTP/FTPS)",
    );
    expect(reschedule.body).toContain("announced in SMT-M-A100526-01 for Tuesday, October 20, 2026 01:00 - 03:00");
    expect(reschedule.body).toContain("has been rescheduled to Thursday, October 22, 2026 02:00 - 04:00");
    // The new window's notice is due 3 business days before Thursday 10-22: Monday 10-19.
    expect(reschedule.due_date).toBe("2026-10-19");
    moved.notifier.store.close();

    // Moved again before the RESCHEDULE went out: the RESCHEDULE draft is re-drafted, still from the announced window.
    const again = desk(
      CALENDAR.replace('start: "2026-10-20T01:00", end: "2026-10-20T03:00"', 'start: "2026-10-23T02:00", end: "2026-10-23T04:00"'),
      "2026-10-06T16:00:00Z",
      file,
    );
    expect(again.tick()).toEqual([]);
    const redrafted = again.store.notice("SMT-M-A100526-02")!;
    expect(redrafted.version).toBe(2);
    expect(redrafted.body).toContain("announced in SMT-M-A100526-01 for Tuesday, October 20, 2026 01:00 - 03:00");
    expect(redrafted.body).toContain("has been rescheduled to Friday, October 23, 2026 02:00 - 04:00");
    expect(redrafted.due_date).toBe("2026-10-20");
    again.notifier.store.close();

    // Then it is removed from the calendar: the CANCELLATION names the window the market was told of.
    const removed = desk(EMPTY_CALENDAR, "2026-10-07T15:00:00Z", file);
    expect(removed.tick()).toEqual([{ id: "SMT-M-A100526-03", kind: "CANCELLATION" }]);
    expect(removed.tick()).toEqual([]);
    const cancellation = removed.store.notice("SMT-M-A100526-03")!;
    expect(cancellation.subject).toBe(
      "SMT-M-A100526-03 CANCELLATION: Planned Maintenance Outage - Smart Meter Texas energy data API and file delivery (SFTP/FTPS)",
    );
    expect(cancellation.body).toContain("scheduled for Tuesday, October 20, 2026 01:00 - 03:00");
    expect(cancellation.body).toContain("DAYS AFFECTED: Tuesday, October 20, 2026");
    expect(cancellation.body).toContain("has been cancelled");
    expect(removed.store.auditOf("SMT-M-A100526-02").at(-1)).toMatchObject({ action: "cancelled" });
    // Nothing more for the series: no reminder, no completion.
    removed.set("2026-10-23T15:00:00Z");
    expect(removed.tick()).toEqual([]);
    removed.notifier.store.close();
  });

  it("a sent RESCHEDULE is what a later CANCELLATION and the REMINDER refer to", () => {
    const file = tempStore();
    const first = desk(CALENDAR, "2026-10-01T15:00:00Z", file);
    const [planned] = first.tick();
    first.set("2026-10-05T15:00:00Z");
    first.send(planned!.id);
    first.notifier.store.close();
    const moved = desk(
      CALENDAR.replace('start: "2026-10-20T01:00", end: "2026-10-20T03:00"', 'start: "2026-10-22T02:00", end: "2026-10-22T04:00"'),
      "2026-10-06T15:00:00Z",
      file,
    );
    const [reschedule] = moved.tick();
    expect(moved.send(reschedule!.id)).toBe("SMT-M-A100526-02");
    // The REMINDER of the new window (1 business day before Thursday 10-22) names the RESCHEDULE.
    moved.set("2026-10-21T05:30:00Z");
    expect(moved.tick()).toEqual([{ id: "SMT-M-A100526-03", kind: "REMINDER" }]);
    expect(moved.store.notice("SMT-M-A100526-03")!.body).toContain("Thursday, October 22, 2026 02:00 - 04:00");
    expect(moved.store.notice("SMT-M-A100526-03")!.body).toContain("as announced in SMT-M-A100526-02.");
    moved.notifier.store.close();
    const removed = desk(EMPTY_CALENDAR, "2026-10-21T15:00:00Z", file);
    expect(removed.tick()).toEqual([{ id: "SMT-M-A100526-04", kind: "CANCELLATION" }]);
    expect(removed.store.notice("SMT-M-A100526-04")!.body).toMatch(
      /scheduled for Thursday, October 22, 2026 02:00 - 04:00 \w+ and announced in SMT-M-A100526-02 has been cancelled/,
    );
    removed.notifier.store.close();
  });

  it("an entry removed before anything was sent gets no CANCELLATION: its draft is marked not to send", () => {
    const file = tempStore();
    const first = desk(CALENDAR, "2026-10-01T15:00:00Z", file);
    const [planned] = first.tick();
    first.notifier.store.close();
    const removed = desk(EMPTY_CALENDAR, "2026-10-02T15:00:00Z", file);
    expect(removed.tick()).toEqual([]);
    expect(removed.store.auditOf(planned!.id).at(-1)).toMatchObject({ action: "cancelled", detail: { reason: "the calendar entry was removed: do not send" } });
    removed.notifier.store.close();
  });

  it("a config without a calendar cancels nothing; an entry added back after its cancellation starts a series of its own", () => {
    const file = tempStore();
    const first = desk(CALENDAR, "2026-10-01T15:00:00Z", file);
    const [planned] = first.tick();
    first.set("2026-10-05T15:00:00Z");
    first.send(planned!.id);
    first.notifier.store.close();
    // The maintenance section forgotten: nothing is drafted, the series stays scheduled.
    const forgotten = desk("", "2026-10-06T15:00:00Z", file);
    expect(forgotten.tick()).toEqual([]);
    expect(forgotten.store.incident(forgotten.store.notice("SMT-M-A100526-01")!.incident_id)!.status).toBe("scheduled");
    forgotten.notifier.store.close();
    const removed = desk(EMPTY_CALENDAR, "2026-10-07T15:00:00Z", file);
    expect(removed.tick().map((c) => c.kind)).toEqual(["CANCELLATION"]);
    removed.notifier.store.close();
    const back = desk(CALENDAR, "2026-10-08T15:00:00Z", file);
    expect(back.tick()).toEqual([{ id: "SMT-M-(provisional-2)-01", kind: "PLANNED" }]);
    expect(back.tick()).toEqual([]);
    back.notifier.store.close();
  });

  it("planned outages greater than 15 minutes are announced: a 15-minute window drafts nothing, a 16-minute one does", () => {
    const d = desk(
      `maintenance:
  planned:
    - { id: fifteen, start: "2026-10-20T01:00", end: "2026-10-20T01:15" }
    - { id: sixteen, start: "2026-10-21T01:00", end: "2026-10-21T01:16" }`,
    );
    const created = d.tick();
    expect(created.map((c) => c.kind)).toEqual(["PLANNED"]);
    expect(d.notices()[0]!.body).toContain("Wednesday, October 21, 2026 01:00 - 01:16");
  });
});

describe("the store migration from version 1", () => {
  it("keeps every row, makes unsent series provisional (old links still work), keeps sent ids, and takes the new kinds", () => {
    const file = tempStore();
    const v1 = new Database(file);
    v1.exec(V1_SCHEMA);
    const incident = v1.prepare(
      "INSERT INTO incidents (id, kind, series_id, planned_key, status, start_ms, end_ms, services, due_date, overrun, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
    );
    incident.run(1, "unplanned", "SMT-M-A051426", null, "resolved", 1, 2, '["gui"]', null, 1);
    incident.run(
      2,
      "planned",
      "SMT-M-B051426",
      "planned:db",
      "scheduled",
      Date.parse("2026-06-01T06:00:00Z"),
      Date.parse("2026-06-01T08:00:00Z"),
      '["api"]',
      "2026-05-27",
      1,
    );
    incident.run(3, "planned", "SMT-M-C051426", "planned:old", "scheduled", 1000, 2000, '["api"]', "2026-05-01", 1);
    const notice = v1.prepare(
      "INSERT INTO notices (id, incident_id, sequence, kind, status, services, subject, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, '[]', ?, ?, 1, 1)",
    );
    notice.run("SMT-M-A051426-01", 1, 1, "INITIAL", "sent", "SMT-M-A051426-01 INITIAL", "NOTICE TYPE: SMT-M-A051426-01 Market\n");
    notice.run("SMT-M-B051426-01", 2, 1, "PLANNED", "approved", "SMT-M-B051426-01 Planned", "NOTICE TYPE: SMT-M-B051426-01 Market\n");
    v1.prepare("INSERT INTO notice_audit (notice_id, at, actor, action, detail) VALUES (?, 1, 'alice', 'approved', '{}')").run("SMT-M-B051426-01");
    v1.prepare("INSERT INTO outbox (notice_id, channel, status, next_attempt_at, created_at) VALUES (?, 'chat', 'delivered', 1, 1)").run("SMT-M-B051426-01");
    v1.pragma("user_version = 1");
    v1.close();

    const store = NoticeStore.open(file, { verify: true, now: Date.parse("2026-05-20T00:00:00Z") });
    try {
      expect(store.db.pragma("user_version", { simple: true })).toBe(STORE_VERSION);
      expect(store.notice("SMT-M-A051426-01")).toMatchObject({ status: "sent", body: "NOTICE TYPE: SMT-M-A051426-01 Market\n" });
      const renamed = store.notice("SMT-M-(provisional-2)-01")!;
      expect(renamed).toMatchObject({
        status: "approved",
        subject: "SMT-M-(provisional-2)-01 Planned",
        due_date: "2026-05-27",
        window_start_ms: Date.parse("2026-06-01T06:00:00Z"),
        window_end_ms: Date.parse("2026-06-01T08:00:00Z"),
      });
      expect(renamed.body).toBe("NOTICE TYPE: SMT-M-(provisional-2)-01 Market\n");
      expect(store.auditOf(renamed.id).map((a) => a.action)).toEqual(["approved"]);
      expect(store.outboxOf(renamed.id).map((o) => o.status)).toEqual(["delivered"]);
      expect(store.renamedNoticeId("SMT-M-B051426-01")).toBe(renamed.id);
      expect(store.incident(2)).toMatchObject({ series_id: "SMT-M-(provisional-2)", status: "scheduled", cancelled_at: null });
      // A planned window already over is closed: no COMPLETION for it.
      expect(store.incident(3)!.status).toBe("resolved");
      expect(store.db.pragma("foreign_key_check")).toEqual([]);
      store.insertNotice({ ...renamed, id: "SMT-M-(provisional-2)-02", sequence: 2, kind: "REMINDER", services: "[]", status: "draft" });
    } finally {
      store.close();
    }
    // Opening again changes nothing.
    const again = NoticeStore.open(file, { verify: true });
    expect(
      again
        .listNotices()
        .map((n) => n.id)
        .sort(),
    ).toEqual(["SMT-M-(provisional-2)-01", "SMT-M-(provisional-2)-02", "SMT-M-A051426-01"]);
    expect(again.renamedNoticeId("SMT-M-B051426-01")).toBe("SMT-M-(provisional-2)-01");
    again.close();
  });
});

/** The tables of a version-1 store, as the notifier made them before this change. */
const V1_SCHEMA = `
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('unplanned', 'planned')),
  series_id TEXT NOT NULL UNIQUE,
  planned_key TEXT UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'scheduled')),
  start_ms INTEGER NOT NULL,
  end_ms INTEGER,
  services TEXT NOT NULL,
  summary TEXT,
  description TEXT,
  runbook_url TEXT,
  due_date TEXT,
  overrun INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  next_update_at INTEGER
);
CREATE TABLE notices (
  id TEXT PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  sequence INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('INITIAL', 'UPDATE', 'COMPLETION', 'PLANNED')),
  status TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'sent')),
  services TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  approved_by TEXT,
  approved_at INTEGER,
  sent_by TEXT,
  sent_at INTEGER,
  UNIQUE (incident_id, sequence)
);
CREATE INDEX notices_created ON notices(created_at);
CREATE TABLE notice_audit (
  id INTEGER PRIMARY KEY,
  notice_id TEXT NOT NULL REFERENCES notices(id),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  notice_id TEXT NOT NULL REFERENCES notices(id),
  channel TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  UNIQUE (notice_id, channel)
);
`;
