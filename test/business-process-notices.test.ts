import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { IncidentLifecycle } from "../src/notices/incident-lifecycle.js";
import { NoticeStore } from "../src/notices/notice-store.js";
import { STORE_VERSION } from "../src/notices/store-migrations.js";
import { ALERT_ANNOTATIONS as A, ALERT_NAMES } from "../src/rules/alert-contract.js";
import { payload, postWebhook, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";

/**
 * Issue 10 item 3: business-process failures (seed section 8) are noticed. A real notifier on
 * 127.0.0.1, webhooks over HTTP, an injected clock: SMTDataDeliveryLate drafts one BUSINESS_PROCESS
 * notice per service and usage day however often it repeats or re-fires, naming the usage days and
 * the deadline missed; its resolution drafts the COMPLETION. (End to end through a real
 * Alertmanager and the simulator's late_data fault: business-process-alertmanager.test.ts.)
 */
const S = (iso: string) => Math.floor(Date.parse(iso) / 1000);
/** FTPS usage day 2026-11-27 (a Friday) is due 23:00 CST on Saturday 2026-11-28. */
const DEADLINE = S("2026-11-29T05:00:00Z");

function late(o: { status?: "firing" | "resolved"; service?: string; usageDay?: string; latest?: string; deadline?: number; endsAt?: string } = {}) {
  return payload(
    [
      {
        alertname: ALERT_NAMES.dataDeliveryLate,
        service: o.service ?? "ftps",
        status: o.status ?? "firing",
        start: DEADLINE,
        startsAt: new Date((DEADLINE + 1200) * 1000).toISOString(),
        ...(o.endsAt ? { endsAt: o.endsAt } : {}),
        annotations: {
          [A.usageDay]: o.usageDay ?? "2026-11-27",
          [A.deadlineTimestamp]: String(o.deadline ?? DEADLINE),
          [A.latestUsageDay]: o.latest ?? "2026-11-26",
        },
      },
    ],
    `{}:{alertname="${ALERT_NAMES.dataDeliveryLate}", service="${o.service ?? "ftps"}"}`,
  );
}

describe("business-process failure notices (SMTDataDeliveryLate)", () => {
  let n: RunningNotifier | undefined;
  afterEach(async () => {
    await n?.stop();
    n = undefined;
  });
  const notices = () => n!.notifier.store.listNotices({ limit: 100 }).reverse();

  it("one BUSINESS_PROCESS draft per service and usage day through repeats and a re-fire, then one COMPLETION when the data arrives", async () => {
    let now = Date.parse("2026-11-29T05:21:00Z");
    n = await startNotifier({ clock: () => now, tickIntervalMs: 60_000 });
    for (let i = 0; i < 3; i++) expect((await postWebhook(n.url, late())).status).toBe(200);
    expect(notices().map((x) => x.kind)).toEqual(["BUSINESS_PROCESS"]);
    const failure = notices()[0]!;
    expect(failure.subject).toMatch(
      /^SMT-M-\(provisional-\d+\)-01 Business Process Failure - Energy Data Delivery Late - Smart Meter Texas file delivery \(SFTP\/FTPS\)$/,
    );
    const flat = failure.body.replace(/\s+/g, " ");
    expect(flat).toContain(
      "The energy data of usage day Friday, November 27, 2026 was not available on the Smart Meter Texas file delivery (SFTP/FTPS) by its delivery deadline, 23:00 CST on Saturday, November 28, 2026.",
    );
    expect(failure.body).toContain("DAYS AFFECTED: Saturday, November 28, 2026 23:00 CST - ongoing");
    // The UPDATE cadence is for outages: a failure's news is that the data arrived.
    now += 3 * 3_600_000;
    n.notifier.tick();
    expect(notices().map((x) => x.kind)).toEqual(["BUSINESS_PROCESS"]);

    // The data arrives: one COMPLETION in the same series, however often the resolution is delivered.
    now = Date.parse("2026-11-29T07:32:00Z");
    const resolved = late({ status: "resolved", endsAt: "2026-11-29T07:30:00Z" });
    expect((await postWebhook(n.url, resolved)).status).toBe(200);
    expect((await postWebhook(n.url, resolved)).status).toBe(200);
    expect(notices().map((x) => x.kind)).toEqual(["BUSINESS_PROCESS", "BUSINESS_PROCESS_COMPLETION"]);
    const completion = notices()[1]!;
    expect(completion.id).toBe(failure.id.replace(/-01$/, "-02"));
    expect(completion.subject).toContain(
      "COMPLETION: Business Process Failure Resolved - Energy Data Delivery Late - Smart Meter Texas file delivery (SFTP/FTPS)",
    );
    expect(completion.body.replace(/\s+/g, " ")).toContain(
      "by its delivery deadline, 23:00 CST on Saturday, November 28, 2026. It has been available since 01:30 CST on Sunday, November 29, 2026, 2 hours 30 minutes after its delivery deadline.",
    );

    // The same usage day fires again (the data went missing again): nothing new for the market.
    now += 60_000;
    expect((await postWebhook(n.url, late())).status).toBe(200);
    expect(notices()).toHaveLength(2);
    // The next usage day is late: a series of its own.
    now = Date.parse("2026-11-30T05:21:00Z");
    expect((await postWebhook(n.url, late({ usageDay: "2026-11-28", latest: "2026-11-27", deadline: DEADLINE + 86_400 }))).status).toBe(200);
    expect(notices().map((x) => x.kind)).toEqual(["BUSINESS_PROCESS", "BUSINESS_PROCESS_COMPLETION", "BUSINESS_PROCESS"]);
    expect(notices()[2]!.id).toMatch(/-01$/);
    expect(notices()[2]!.id).not.toBe(failure.id);
  });

  it("names every usage day after the newest one seen, and the deadline passed; two services are two series", async () => {
    const now = Date.parse("2026-11-30T12:21:00Z");
    n = await startNotifier({ clock: () => now, tickIntervalMs: 60_000 });
    // API: 2026-11-28 due 06:00 CST on 2026-11-30; nothing newer than 2026-11-25 seen.
    const apiDeadline = S("2026-11-30T12:00:00Z");
    await postWebhook(n.url, late({ service: "api", usageDay: "2026-11-28", latest: "2026-11-25", deadline: apiDeadline }));
    await postWebhook(n.url, late({ service: "gui", usageDay: "2026-11-28", latest: "2026-11-27", deadline: apiDeadline }));
    const [api, gui] = notices();
    expect(api!.body.replace(/\s+/g, " ")).toContain(
      "The energy data of usage days Thursday, November 26, 2026, Friday, November 27, 2026 and Saturday, November 28, 2026 was not available on the Smart Meter Texas energy data API by its delivery deadline (usage day Saturday, November 28, 2026 was due by 06:00 CST on Monday, November 30, 2026).",
    );
    expect(gui!.subject).toContain("Smart Meter Texas web portal (GUI)");
    expect(gui!.id.replace(/-01$/, "")).not.toBe(api!.id.replace(/-01$/, ""));
  });

  it("a resolution never seen firing (the notifier was down) drafts the COMPLETION alone; a bad deadline annotation uses the SLO's, noted for the reviewer", async () => {
    const now = Date.parse("2026-11-29T07:32:00Z");
    n = await startNotifier({ clock: () => now, tickIntervalMs: 60_000 });
    const res = await postWebhook(n.url, late({ status: "resolved", endsAt: "2026-11-29T07:30:00Z", deadline: 12 }));
    expect(res.status).toBe(200);
    const [only] = notices();
    expect(notices().map((x) => x.kind)).toEqual(["BUSINESS_PROCESS_COMPLETION"]);
    // The SLO document's FTPS deadline of 2026-11-27: 23:00 Central on 2026-11-28.
    expect(only!.body.replace(/\s+/g, " ")).toContain("by its delivery deadline, 23:00 CST on Saturday, November 28, 2026.");
    const audit = n.notifier.store.auditOf(only!.id);
    expect(JSON.stringify(audit)).toContain("annotation deadline_timestamp");
  });

  it("an alert without a usage day or for a service without energy data drafts nothing and says why", async () => {
    const now = Date.parse("2026-11-29T07:32:00Z");
    n = await startNotifier({ clock: () => now, tickIntervalMs: 60_000 });
    const bad = late({ service: "han" });
    expect((await postWebhook(n.url, bad)).status).toBe(200);
    expect(notices()).toEqual([]);
    expect(n.logs()).toContain('label service \\"han\\" is not one of gui, api, ftps');
  });
});

describe("business-process failure notices (SMTDataQualityFailing)", () => {
  let n: RunningNotifier | undefined;
  afterEach(async () => {
    await n?.stop();
    n = undefined;
  });

  it("one BUSINESS_PROCESS draft per service and quality usage day, stating the share of canary meters; COMPLETION when the checks pass again", async () => {
    let now = Date.parse("2026-11-29T15:20:00Z");
    n = await startNotifier({ clock: () => now, tickIntervalMs: 60_000 });
    const quality = (status: "firing" | "resolved", endsAt?: string) =>
      payload(
        [
          {
            alertname: ALERT_NAMES.dataQualityFailing,
            service: "api",
            status,
            startsAt: "2026-11-29T15:00:00Z",
            ...(endsAt ? { endsAt } : {}),
            annotations: { [A.usageDay]: "2026-11-27", [A.failedMeters]: "3", [A.meters]: "20", [A.failedMeterShareLimit]: "0.05" },
          },
        ],
        `{}:{alertname="${ALERT_NAMES.dataQualityFailing}", service="api"}`,
      );
    await postWebhook(n.url, quality("firing"));
    await postWebhook(n.url, quality("firing"));
    const list = () => n!.notifier.store.listNotices({ limit: 100 }).reverse();
    expect(list().map((x) => x.kind)).toEqual(["BUSINESS_PROCESS"]);
    expect(list()[0]!.subject).toContain("Business Process Failure - Energy Data Quality - Smart Meter Texas energy data API");
    expect(list()[0]!.body.replace(/\s+/g, " ")).toContain(
      "The energy data of usage day Friday, November 27, 2026 on the Smart Meter Texas energy data API failed the data-quality checks (missing, duplicate or negative 15-minute intervals) for 3 of 20 canary meters (15 %; notices are drafted above 5 %).",
    );
    expect(list()[0]!.body).toContain("DAYS AFFECTED: Sunday, November 29, 2026 09:00 CST - ongoing");
    now = Date.parse("2026-11-29T18:05:00Z");
    await postWebhook(n.url, quality("resolved", "2026-11-29T18:00:00Z"));
    expect(list().map((x) => x.kind)).toEqual(["BUSINESS_PROCESS", "BUSINESS_PROCESS_COMPLETION"]);
    expect(list()[1]!.body.replace(/\s+/g, " ")).toContain("has passed the data-quality checks again since 12:00 CST on Sunday, November 29, 2026.");
  });
});

describe("the store migration from version 2", () => {
  it("keeps every row and takes the business-process kinds; a planned window that ended keeps waiting for its COMPLETION", () => {
    const dir = mkdtempSync(join(tmpdir(), "smt-store-v2-"));
    try {
      // A version-2 store: today's schema with the CHECKs of version 2 (no business-process kinds).
      const fresh = NoticeStore.open(join(dir, "fresh.db"));
      const schema = (fresh.db.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'").all() as { sql: string }[]).map(
        (r) => r.sql.replace(", 'business_process'", "").replace(", 'BUSINESS_PROCESS', 'BUSINESS_PROCESS_COMPLETION'", ""),
      );
      fresh.close();
      const file = join(dir, "v2.db");
      const v2 = new Database(file);
      for (const sql of schema.filter((q) => !q.includes("process_failures"))) v2.exec(sql);
      expect(String((v2.prepare("SELECT sql FROM sqlite_master WHERE name = 'incidents'").get() as { sql: string }).sql)).not.toContain("business_process");
      const incident = v2.prepare(
        "INSERT INTO incidents (id, kind, series_id, planned_key, status, start_ms, end_ms, services, due_date, overrun, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
      );
      incident.run(1, "unplanned", "SMT-M-A051426", null, "resolved", 1, 2, '["gui"]', null, 1);
      // A window that ended 5 minutes before the migration: its COMPLETION is still to be drafted.
      const end = Date.parse("2026-05-20T00:00:00Z") - 300_000;
      incident.run(2, "planned", "SMT-M-B051426", "planned:db", "scheduled", end - 7_200_000, end, '["api"]', "2026-05-14", 1);
      v2.prepare(
        "INSERT INTO notices (id, incident_id, sequence, kind, status, services, subject, body, created_at, updated_at) VALUES (?, ?, 1, ?, 'sent', '[]', ?, ?, 1, 1)",
      ).run("SMT-M-A051426-01", 1, "INITIAL", "SMT-M-A051426-01 INITIAL", "NOTICE TYPE: SMT-M-A051426-01 Retail\n");
      v2.prepare(
        "INSERT INTO outages (service, start_s, incident_id, status, end_ms, alertname, first_seen, last_seen) VALUES ('gui', 0, 1, 'resolved', 2, 'SMTUnplannedOutage', 1, 1)",
      ).run();
      v2.pragma("user_version = 2");
      v2.close();

      const store = NoticeStore.open(file, { verify: true, now: Date.parse("2026-05-20T00:00:00Z") });
      try {
        expect(store.db.pragma("user_version", { simple: true })).toBe(STORE_VERSION);
        expect(store.notice("SMT-M-A051426-01")).toMatchObject({ status: "sent", kind: "INITIAL" });
        expect(store.outagesOf(1)).toHaveLength(1);
        expect(store.incident(2)).toMatchObject({ status: "scheduled", series_id: "SMT-M-B051426" });
        expect(store.db.pragma("foreign_key_check")).toEqual([]);
        const lifecycle = new IncidentLifecycle(store, {
          wording: {
            timeZone: "America/Chicago",
            noticeTypeLabel: "Retail",
            intendedAudience: "REPs",
            contact: "Help desk",
            serviceNames: {
              gui: "web portal (GUI)",
              api: "energy data API",
              ftps: "file delivery (SFTP/FTPS)",
              han: "HAN device service",
              call_center: "call center",
            },
            templates: Object.fromEntries(
              ["BUSINESS_PROCESS", "BUSINESS_PROCESS_COMPLETION"].map((k) => [
                k,
                { short_description: `${k} {{ failure }}`, long_description: "{{ problem }}", action_required: "", additional_information: "" },
              ]),
            ) as never,
          },
          idPrefix: "SMT-",
          audience: "M",
          updateIntervalMs: 3_600_000,
          channels: [],
        });
        const created = store.transaction(() => lifecycle.applyDelivery(late() as never, "{}", Date.parse("2026-11-29T05:21:00Z")).created);
        expect(created.map((c) => c.kind)).toEqual(["BUSINESS_PROCESS"]);
      } finally {
        store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
