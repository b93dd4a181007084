import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNotifierConfig } from "../src/config/notifier-load.js";
import { Notifier } from "../src/notices/notifier.js";
import { overduePlannedNotices } from "../src/notices/planned-notices.js";
import { approveNotice } from "../src/notices/notice-review.js";
import { captureLogger } from "./support/capture-logger.js";
import { payload } from "./support/notifier-fixture.js";

const ENV = { TOKEN: "unit-test-webhook-token-xyz", ALICE: "alice-password-123" };
const S = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function desk(extra = "", startAt = "2026-05-14T15:00:00Z", storage = ":memory:") {
  let now = Date.parse(startAt);
  const text = `storage: { path: "${storage}" }
webhook: { bearer_token_env: TOKEN }
reviewers: [{ name: alice, password_env: ALICE }]
notices:
  from: "SMT <notices@smt.example>"
  to: ["rms@lists.example.org"]
channels:
  - { name: chat, kind: webhook, url: "http://127.0.0.1:9/hook" }
${extra}`;
  const notifier = new Notifier({ config: parseNotifierConfig(text, "unit.yaml", ENV), logger: captureLogger().logger, clock: () => now });
  return {
    notifier,
    set: (iso: string) => (now = Date.parse(iso)),
    advance: (ms: number) => (now += ms),
    kinds: () =>
      notifier.store
        .listNotices({ limit: 1000 })
        .reverse()
        .map((n) => `${n.id} ${n.kind}`),
    notices: () => notifier.store.listNotices({ limit: 1000 }).reverse(),
    apply: (body: Record<string, unknown>) => notifier.applyDelivery(body as never, JSON.stringify(body)),
  };
}

const GUI_START = S("2026-05-14T14:40:00Z");

describe("unplanned outage lifecycle", () => {
  it("INITIAL on firing, nothing on repeats and HA copies, COMPLETION on resolve with start, end and duration", () => {
    const d = desk();
    const firing = payload([{ service: "gui", start: GUI_START }]);
    expect(d.apply(firing).created).toEqual([{ id: "SMT-M-(provisional-1)-01", kind: "INITIAL" }]);
    // Repeat interval, retries, the second Alertmanager of an HA pair (other group key, same alert).
    d.advance(5 * 60_000);
    expect(d.apply(firing).created).toEqual([]);
    expect(d.apply(payload([{ service: "gui", start: GUI_START }], '{}/{}:{alertname="SMTUnplannedOutage"}-ha2')).created).toEqual([]);
    // Same outage, startsAt differs (Prometheus restarted): the annotation's start identifies it.
    expect(d.apply(payload([{ service: "gui", start: GUI_START, startsAt: "2026-05-14T15:03:00Z" }])).created).toEqual([]);
    d.set("2026-05-14T15:45:00Z");
    const resolved = payload([{ service: "gui", start: GUI_START, status: "resolved", endsAt: "2026-05-14T15:40:00Z" }]);
    expect(d.apply(resolved).created).toEqual([{ id: "SMT-M-(provisional-1)-02", kind: "COMPLETION" }]);
    expect(d.apply(resolved).created).toEqual([]);
    // A late "firing" (the other HA peer) after the resolve does not reopen the incident.
    expect(d.apply(firing).created).toEqual([]);
    expect(d.kinds()).toEqual(["SMT-M-(provisional-1)-01 INITIAL", "SMT-M-(provisional-1)-02 COMPLETION"]);
    const completion = d.notices()[1]!;
    expect(completion.body).toContain(
      "Service was restored at 10:40 CDT on Thursday, May 14, 2026, after being unavailable for 1 hour since 09:40 CDT on Thursday, May 14, 2026.",
    );
    const initial = d.notices()[0]!;
    expect(initial.body).toContain("unplanned outage of the web portal (GUI) since 09:40 CDT on Thursday, May 14, 2026.");
    // The alert's summary is for on-call, not the market.
    expect(initial.body).not.toContain("SMT gui is down");
    // Every draft is queued for every channel and audited.
    expect(d.notifier.store.outboxOf(initial.id).map((o) => o.channel)).toEqual(["chat"]);
    expect(d.notifier.store.auditOf(initial.id).map((a) => [a.actor, a.action])).toEqual([["notifier", "created"]]);
    expect(d.notifier.store.countDeliveries()).toBe(7);
  });

  it("falls back to startsAt when the start annotation is missing or not a number", () => {
    const d = desk();
    const noAnnotation = payload([
      { service: "api", start: GUI_START, startsAt: "2026-05-14T14:55:00Z", annotations: { outage_start_timestamp: "yesterday" } },
    ]);
    d.apply(noAnnotation);
    expect(d.notifier.store.outage("api", S("2026-05-14T14:55:00Z"), "SMTUnplannedOutage")).toBeDefined();
    expect(d.apply(noAnnotation).created).toEqual([]);
  });

  it("UPDATE when another service joins, when one recovers, and on the cadence; COMPLETION when the last recovers", () => {
    const d = desk("incidents: { update_interval: 30m }");
    d.apply(payload([{ service: "gui", start: GUI_START }]));
    d.advance(2 * 60_000);
    const joined = d.apply(payload([{ service: "api", start: S("2026-05-14T14:50:00Z") }]));
    expect(joined.created.map((c) => c.kind)).toEqual(["UPDATE"]);
    expect(d.notices()[1]!.subject).toBe("SMT-M-(provisional-1)-02 UPDATE: Unplanned Outage - Smart Meter Texas web portal (GUI) and energy data API");
    expect(d.notices()[1]!.body).toContain("The energy data API has also been unavailable since 09:50 CDT on Thursday, May 14, 2026.");
    // The cadence counts from the latest notice: nothing at +29 min, an UPDATE at +30.
    d.advance(29 * 60_000);
    expect(d.notifier.tick()).toEqual([]);
    d.advance(60_000);
    expect(d.notifier.tick().map((c) => c.kind)).toEqual(["UPDATE"]);
    expect(d.notifier.tick()).toEqual([]);
    d.advance(5 * 60_000);
    const guiBack = d.apply(payload([{ service: "gui", start: GUI_START, status: "resolved", endsAt: "2026-05-14T15:35:00Z" }]));
    expect(guiBack.created.map((c) => c.kind)).toEqual(["UPDATE"]);
    expect(d.notices()[3]!.body).toContain(
      "The web portal (GUI) was restored at 10:35 CDT on Thursday, May 14, 2026; the energy data API remains unavailable.",
    );
    d.set("2026-05-14T15:52:00Z");
    const apiBack = d.apply(payload([{ service: "api", start: S("2026-05-14T14:50:00Z"), status: "resolved", endsAt: "2026-05-14T15:50:00Z" }]));
    expect(apiBack.created.map((c) => c.kind)).toEqual(["COMPLETION"]);
    expect(d.notices()[4]!.body).toContain(
      "Service was restored at 10:50 CDT on Thursday, May 14, 2026, after being unavailable for 1 hour 10 minutes since 09:40 CDT on Thursday, May 14, 2026.",
    );
    // Resolved: no more cadence updates.
    d.advance(3 * 3_600_000);
    expect(d.notifier.tick()).toEqual([]);
  });

  it("a resolved alert never seen firing (notifier was down) gives one COMPLETION; other alerts are recorded, not drafted", () => {
    const d = desk();
    const body = payload([
      { service: "ftps", start: GUI_START, status: "resolved", endsAt: "2026-05-14T15:10:00Z" },
      { alertname: "SMTProbeDataMissing", service: "han" },
      { alertname: "SMTUnplannedOutage", service: "bogus" },
    ]);
    const result = d.apply(body);
    expect(result.created.map((c) => c.kind)).toEqual(["COMPLETION"]);
    expect(result.others).toBe(2);
    expect(result.ignored).toEqual(['SMTUnplannedOutage: label service "bogus" is not one of gui, api, ftps, han, call_center']);
    expect(
      d.notifier.store
        .listAlerts()
        .map((a) => a.alertname)
        .sort(),
    ).toEqual(["SMTProbeDataMissing", "SMTUnplannedOutage", "SMTUnplannedOutage"]);
    expect(d.apply(body).created).toEqual([]);
  });

  it("a maintenance overrun becomes an unplanned-outage series, and the outage alert for the same start joins it silently", () => {
    const d = desk();
    const windowEnd = S("2026-05-16T17:00:00Z"); // Saturday 12:00 CDT
    d.set("2026-05-16T17:20:00Z");
    const overrun = d.apply(payload([{ alertname: "SMTMaintenanceOverrun", service: "api", start: windowEnd, annotations: { summary: "" } }], "overrun"));
    expect(overrun.created).toEqual([{ id: "SMT-M-(provisional-1)-01", kind: "INITIAL" }]);
    expect(d.notices()[0]!.body).toContain(
      "Planned maintenance of the energy data API ended at 12:00 CDT on Saturday, May 16, 2026, but the service has not returned.",
    );
    expect(d.apply(payload([{ service: "api", start: windowEnd }])).created).toEqual([]);
    d.advance(10 * 60_000);
    d.apply(payload([{ alertname: "SMTMaintenanceOverrun", service: "api", start: windowEnd, status: "resolved", endsAt: "2026-05-16T17:25:00Z" }], "overrun"));
    expect(d.kinds()).toEqual(["SMT-M-(provisional-1)-01 INITIAL"]);
    d.apply(payload([{ service: "api", start: windowEnd, status: "resolved", endsAt: "2026-05-16T17:26:00Z" }]));
    expect(d.kinds()).toEqual(["SMT-M-(provisional-1)-01 INITIAL", "SMT-M-(provisional-1)-02 COMPLETION"]);
  });
});

describe("planned outages from the maintenance calendar", () => {
  const maintenance = `maintenance:
  time_zone: America/Chicago
  recurring:
    - { name: saturday, weekdays: [saturday], start: "02:00", duration: 10h }
  planned:
    - { id: db-upgrade, start: "2026-11-30T01:00", end: "2026-11-30T03:30", services: [api, ftps], description: Database upgrade. }
    - { id: blip, start: "2026-11-30T05:00", end: "2026-11-30T05:10" }
    - { id: announced, start: "2026-12-01T01:00", end: "2026-12-01T03:00", notice_id: SMT-M-A111826-01 }
  holidays: ["2026-11-26", "2026-11-27"]`;

  it("drafts one PLANNED notice per outage over 15 minutes, due 3 business days before, skipping holidays", () => {
    const d = desk(maintenance, "2026-11-16T15:00:00Z");
    const created = d.notifier.tick();
    expect(created).toEqual([{ id: "SMT-M-(provisional-1)-01", kind: "PLANNED" }]);
    expect(d.notifier.tick()).toEqual([]);
    const notice = d.notices()[0]!;
    expect(notice.subject).toBe("SMT-M-(provisional-1)-01 Planned Maintenance Outage - Smart Meter Texas energy data API and file delivery (SFTP/FTPS)");
    expect(notice.body).toContain("planned maintenance on Monday, November 30, 2026 01:00 - 03:30 CST");
    expect(notice.body).toContain("DAYS AFFECTED: Monday, November 30, 2026 01:00 - 03:30 CST\n");
    expect(notice.body).toContain("(2 hours 30 minutes). Database upgrade.");
    // Monday Nov 30 less 3 business days, Thanksgiving Thu 26 and Fri 27 off: Wed 25, Tue 24, Mon 23.
    const incident = d.notifier.store.incident(notice.incident_id)!;
    expect(incident.due_date).toBe("2026-11-23");
  });

  it("counts a planned notice overdue after its due date until it is approved", () => {
    const d = desk(maintenance, "2026-11-16T15:00:00Z");
    const [created] = d.notifier.tick();
    const calendar = d.notifier.calendar;
    // 23:00 Central on the due date: not yet overdue.
    expect(overduePlannedNotices(d.notifier.store, calendar, Date.parse("2026-11-24T05:00:00Z"))).toEqual([]);
    // 00:30 Central the day after.
    expect(overduePlannedNotices(d.notifier.store, calendar, Date.parse("2026-11-24T06:30:00Z"))).toEqual([
      { seriesId: "SMT-M-(provisional-1)", dueDate: "2026-11-23", start: Date.parse("2026-11-30T07:00:00Z") },
    ]);
    expect(approveNotice(d.notifier.store, created!.id, "alice", Date.parse("2026-11-24T07:00:00Z")).ok).toBe(true);
    expect(overduePlannedNotices(d.notifier.store, calendar, Date.parse("2026-11-24T07:00:00Z"))).toEqual([]);
    // Once the outage has started there is nothing left to announce.
    expect(overduePlannedNotices(d.notifier.store, calendar, Date.parse("2026-11-30T08:00:00Z"))).toEqual([]);
  });

  it("a moved outage before anything was sent re-drafts its PLANNED draft in place; recurring windows only when asked", () => {
    const dir = mkdtempSync(join(tmpdir(), "smt-planned-"));
    try {
      const d = desk(maintenance, "2026-11-16T15:00:00Z", join(dir, "n.db"));
      expect(d.notifier.tick().map((c) => c.id)).toEqual(["SMT-M-(provisional-1)-01"]);
      d.notifier.store.close();
      // Restarted with the outage moved half an hour earlier.
      const moved = desk(maintenance.replace('start: "2026-11-30T01:00"', 'start: "2026-11-30T00:30"'), "2026-11-17T15:00:00Z", join(dir, "n.db"));
      expect(moved.notifier.tick()).toEqual([]);
      expect(moved.notices()).toHaveLength(1);
      const revised = moved.notices()[0]!;
      expect(revised.body).toContain("planned maintenance on Monday, November 30, 2026 00:30 - 03:30 CST");
      expect(revised.version).toBe(2);
      // The text as first drafted is in the audit trail.
      const edit = moved.notifier.store.auditOf(revised.id).find((a) => a.action === "edited")!;
      expect(edit.actor).toBe("notifier");
      expect(JSON.stringify(edit.detail)).toContain("01:00 - 03:30 CST");
      moved.notifier.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const withRecurring = desk(`${maintenance}\nplanned_notices: { include_recurring: true, lookahead: 7d }`, "2026-11-16T15:00:00Z");
    const kinds = withRecurring.notifier.tick().map((c) => c.id);
    // Saturday 2026-11-21 02:00-12:00 is within 7 days; Nov 30 is not.
    expect(kinds).toEqual(["SMT-M-(provisional-1)-01"]);
    expect(withRecurring.notices()[0]!.subject).toContain("web portal (GUI), energy data API, file delivery (SFTP/FTPS) and HAN device service");
  });
});
