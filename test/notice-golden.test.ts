import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseNotifierConfig } from "../src/config/notifier-load.js";
import { approveNotice, markNoticeSent } from "../src/notices/notice-review.js";
import { Notifier } from "../src/notices/notifier.js";
import { ALERT_ANNOTATIONS as A, ALERT_NAMES } from "../src/rules/alert-contract.js";
import { captureLogger } from "./support/capture-logger.js";
import { expectGolden, GOLDEN_DIR } from "./support/golden.js";
import { payload } from "./support/notifier-fixture.js";

/**
 * The text of every kind of notice (the unplanned series and the planned-maintenance series), as
 * the notifier drafts it with the default wording, against golden files in test/golden/notices/
 * (one file per notice: subject, a blank line, the body). `UPDATE_GOLDEN=1 npx vitest run
 * test/notice-golden.test.ts` rewrites them. Each case runs the real lifecycle on a store (in
 * memory, or a file when the calendar changes between runs) with a hand-moved clock.
 *
 * The golden files show what the market receives: the first notice of each series is approved and
 * marked sent through the review functions, as a reviewer would, so the series has its fixed id
 * (SMT-M-A<MMDDYY>-NN, the send's date) and the sent notice its NOTICE DATE. One case keeps a draft
 * that was never sent, with its provisional id.
 */

const ENV = { TOKEN: "golden-test-webhook-token", ALICE: "alice-password-123" };
const CONFIG = `storage: { path: ":memory:" }
webhook: { bearer_token_env: TOKEN }
reviewers: [{ name: alice, password_env: ALICE }]
notices:
  from: "SMT <notices@smt.example>"
  to: ["rms@lists.example.org", "amwg@lists.example.org"]
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempStore(): string {
  const dir = mkdtempSync(join(tmpdir(), "smt-golden-"));
  dirs.push(dir);
  return join(dir, "notices.db");
}

/** A notifier with the default wording, `extra` config (a maintenance calendar) and a clock the test moves. */
function desk(startAt: string, extra = "", storage = ":memory:") {
  let now = Date.parse(startAt);
  const config = parseNotifierConfig(`${CONFIG.replace('":memory:"', `"${storage}"`)}${extra}`, "golden.yaml", ENV);
  const notifier = new Notifier({ config, logger: captureLogger().logger, clock: () => now });
  /** Every notice, in the order drafted. */
  const drafted = () => notifier.store.listNotices({ limit: 1000 }).reverse();
  return {
    notifier,
    at: (iso: string) => (now = Date.parse(iso)),
    /** Approves and marks sent, as a reviewer would, the earliest notice not yet sent; returns its id after the send. */
    sendNext: () => {
      const next = drafted().find((n) => n.status !== "sent")!;
      expect(approveNotice(notifier.store, next.id, "alice", now).ok).toBe(true);
      const sent = markNoticeSent(notifier.store, next.id, "alice", now, undefined, notifier.seriesNaming);
      if (!sent.ok) throw new Error(sent.message);
      return sent.notice.id;
    },
    fire: (service: string, startIso: string) => notifier.applyDelivery(payload([{ service, start: S(startIso) }]) as never, "{}"),
    resolve: (service: string, startIso: string, endIso: string) =>
      notifier.applyDelivery(payload([{ service, start: S(startIso), status: "resolved", endsAt: endIso }]) as never, "{}"),
    /** An outage incident the rules measured (SMTUnplannedOutage's annotations): its end, unavailable minutes and length. */
    resolveIncident: (service: string, startIso: string, incident: { end: string; unavailable: number; length: number }, endsAtIso: string) =>
      notifier.applyDelivery(
        payload([
          {
            service,
            start: S(startIso),
            status: "resolved",
            endsAt: endsAtIso,
            annotations: {
              [A.outageEndTimestamp]: String(S(incident.end)),
              [A.outageUnavailableMinutes]: String(incident.unavailable),
              [A.outageLengthMinutes]: String(incident.length),
            },
          },
        ]) as never,
        "{}",
      ),
    /** SMTDataDeliveryLate as the rules annotate it: the overdue usage day, its deadline and the newest day seen. */
    dataLate: (status: "firing" | "resolved", service: string, usageDay: string, deadlineIso: string, latestDay: string, endsAtIso?: string) =>
      notifier.applyDelivery(
        payload([
          {
            alertname: ALERT_NAMES.dataDeliveryLate,
            service,
            status,
            start: S(deadlineIso),
            ...(endsAtIso ? { endsAt: endsAtIso } : {}),
            annotations: { [A.usageDay]: usageDay, [A.deadlineTimestamp]: String(S(deadlineIso)), [A.latestUsageDay]: latestDay },
          },
        ]) as never,
        "{}",
      ),
    /** SMTDataQualityFailing as the rules annotate it. */
    dataQuality: (status: "firing" | "resolved", service: string, usageDay: string, startsAtIso: string, failed: number, meters: number, endsAtIso?: string) =>
      notifier.applyDelivery(
        payload([
          {
            alertname: ALERT_NAMES.dataQualityFailing,
            service,
            status,
            startsAt: startsAtIso,
            ...(endsAtIso ? { endsAt: endsAtIso } : {}),
            annotations: { [A.usageDay]: usageDay, [A.failedMeters]: String(failed), [A.meters]: String(meters), [A.failedMeterShareLimit]: "0.05" },
          },
        ]) as never,
        "{}",
      ),
    tick: () => notifier.tick(),
    /** Every notice drafted (or only those of the kinds given), in series order, compared with test/golden/notices/<name>-NN-<kind>.txt. */
    expectGoldenNotices: (name: string, kinds?: readonly string[]) => {
      const notices = drafted().sort((a, b) => a.sequence - b.sequence);
      expect(notices.length).toBeGreaterThan(0);
      for (const n of notices) {
        if (kinds && !kinds.includes(n.kind)) continue;
        expectGolden(`notices/${name}-${String(n.sequence).padStart(2, "0")}-${n.kind.toLowerCase()}.txt`, `${n.subject}\n\n${n.body}`);
      }
    },
  };
}

const S = (iso: string) => Math.floor(Date.parse(iso) / 1000);

describe("notice text (golden files)", () => {
  it("one service: INITIAL, the hourly UPDATE, COMPLETION", () => {
    const d = desk("2026-05-14T15:00:00Z"); // 10:00 CDT
    d.fire("gui", "2026-05-14T14:40:00Z");
    d.at("2026-05-14T15:05:00Z");
    expect(d.sendNext()).toBe("SMT-M-A051426-01");
    d.at("2026-05-14T16:00:00Z");
    d.tick();
    d.at("2026-05-14T16:20:00Z");
    d.resolve("gui", "2026-05-14T14:40:00Z", "2026-05-14T16:19:00Z");
    d.expectGoldenNotices("one-service");
  });

  it("two services: a second joins, the first is restored, then the second", () => {
    const d = desk("2026-05-14T15:00:00Z");
    d.fire("gui", "2026-05-14T14:40:00Z");
    d.at("2026-05-14T15:05:00Z");
    expect(d.sendNext()).toBe("SMT-M-A051426-01");
    d.at("2026-05-14T15:10:00Z");
    d.fire("api", "2026-05-14T14:51:00Z");
    d.at("2026-05-14T15:40:00Z");
    d.resolve("gui", "2026-05-14T14:40:00Z", "2026-05-14T15:35:00Z");
    d.at("2026-05-14T15:55:00Z");
    d.resolve("api", "2026-05-14T14:51:00Z", "2026-05-14T15:52:00Z");
    d.expectGoldenNotices("two-services");
  });

  it("the fall-back night: 01:30 CDT and 01:30 CST are told apart", () => {
    // 2026-11-01: 01:00-02:00 happens twice in Chicago (CDT, then CST).
    const d = desk("2026-11-01T06:50:00Z"); // 01:50 CDT
    d.fire("ftps", "2026-11-01T06:30:00Z"); // 01:30 CDT
    d.at("2026-11-01T06:55:00Z");
    expect(d.sendNext()).toBe("SMT-M-A110126-01");
    d.at("2026-11-01T07:50:00Z"); // 01:50 CST
    d.tick();
    d.at("2026-11-01T07:55:00Z");
    d.resolve("ftps", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"); // 01:30 CST
    d.expectGoldenNotices("dst-fall-back");
  });

  it("an outage over several days names each day", () => {
    const d = desk("2026-11-29T04:20:00Z"); // Saturday 22:20 CST
    d.fire("han", "2026-11-29T04:00:00Z"); // Saturday 22:00 CST
    d.at("2026-11-29T04:30:00Z");
    expect(d.sendNext()).toBe("SMT-M-A112826-01");
    d.at("2026-11-29T20:36:00Z"); // Sunday 14:36 CST
    d.tick();
    d.at("2026-11-30T09:20:00Z"); // Monday 03:20 CST
    d.resolve("han", "2026-11-29T04:00:00Z", "2026-11-30T09:15:00Z");
    d.expectGoldenNotices("multi-day");
  });

  it("every service down: the COMPLETION may say all services are available", () => {
    const d = desk("2026-01-10T20:20:00Z");
    for (const service of ["gui", "api", "ftps", "han", "call_center"]) d.fire(service, "2026-01-10T20:00:00Z");
    d.at("2026-01-10T20:25:00Z");
    d.sendNext();
    d.at("2026-01-10T20:50:00Z");
    for (const service of ["gui", "api", "ftps", "han", "call_center"]) d.resolve(service, "2026-01-10T20:00:00Z", "2026-01-10T20:45:00Z");
    d.expectGoldenNotices("all-services", ["COMPLETION"]);
  });

  it("a flapping outage incident: the COMPLETION says how many of its minutes were unavailable (issue 9 item 2)", () => {
    const d = desk("2026-05-14T14:57:00Z");
    d.fire("api", "2026-05-14T14:40:00Z"); // 09:40 CDT: 10 down, 1 up, 15 down, 1 up, 15 down
    d.at("2026-05-14T15:00:00Z");
    expect(d.sendNext()).toBe("SMT-M-A051426-01");
    // the incident ends with its last unavailable minute (10:22 CDT); Alertmanager resolves it 5 available minutes later
    d.at("2026-05-14T15:29:00Z");
    d.resolveIncident("api", "2026-05-14T14:40:00Z", { end: "2026-05-14T15:22:00Z", unavailable: 40, length: 42 }, "2026-05-14T15:28:00Z");
    d.expectGoldenNotices("flapping", ["COMPLETION"]);
  });

  it("a draft not yet sent: its provisional id in the subject and on the NOTICE TYPE line", () => {
    const d = desk("2026-05-14T15:00:00Z");
    d.fire("gui", "2026-05-14T14:40:00Z");
    d.expectGoldenNotices("provisional");
  });
});

/** The default planned-notice settings; the calendar entry `db-upgrade` is the one each case moves. */
const calendar = (entries: string) => `maintenance:
  time_zone: America/Chicago
  planned:
${entries}`;
const DB_UPGRADE = (start: string, end: string) =>
  `    - { id: db-upgrade, start: "${start}", end: "${end}", services: [api, ftps], description: Database upgrade. }\n`;

describe("planned-maintenance notice text (golden files)", () => {
  it("PLANNED, REMINDER and the planned COMPLETION of a Saturday window", () => {
    // Saturday, March 7, 2026 02:00-12:00 CST: PLANNED drafted in the look-ahead, due Wednesday 03-04.
    const d = desk("2026-02-20T15:00:00Z", calendar(DB_UPGRADE("2026-03-07T02:00", "2026-03-07T12:00")));
    expect(d.tick().map((c) => c.kind)).toEqual(["PLANNED"]);
    d.at("2026-03-02T16:00:00Z"); // Monday 10:00 CST
    expect(d.sendNext()).toBe("SMT-M-A030226-01");
    d.at("2026-03-06T06:30:00Z"); // Friday 00:30 CST: one business day before
    expect(d.tick().map((c) => c.kind)).toEqual(["REMINDER"]);
    d.at("2026-03-06T14:00:00Z");
    d.sendNext();
    d.at("2026-03-07T18:10:00Z"); // 12:10 CST, ten minutes after the window
    expect(d.tick().map((c) => c.kind)).toEqual(["PLANNED_COMPLETION"]);
    d.expectGoldenNotices("planned");
  });

  it("RESCHEDULE when the announced window moves (into daylight time), then CANCELLATION when it is removed", () => {
    const file = tempStore();
    const first = desk("2026-02-20T15:00:00Z", calendar(DB_UPGRADE("2026-03-07T02:00", "2026-03-07T12:00")), file);
    first.tick();
    first.at("2026-03-02T16:00:00Z");
    expect(first.sendNext()).toBe("SMT-M-A030226-01");
    first.notifier.store.close();
    // Moved a week on, past the spring-forward Sunday: Saturday, March 14, 2026 02:00-12:00 CDT.
    const moved = desk("2026-03-03T15:00:00Z", calendar(DB_UPGRADE("2026-03-14T02:00", "2026-03-14T12:00")), file);
    expect(moved.tick().map((c) => c.kind)).toEqual(["RESCHEDULE"]);
    moved.at("2026-03-03T16:00:00Z");
    moved.sendNext();
    moved.notifier.store.close();
    const removed = desk("2026-03-05T15:00:00Z", calendar("    []\n").replace("planned:\n    []", "planned: []"), file);
    expect(removed.tick().map((c) => c.kind)).toEqual(["CANCELLATION"]);
    removed.expectGoldenNotices("planned-moved", ["RESCHEDULE", "CANCELLATION"]);
    removed.notifier.store.close();
  });

  it("the fall-back night: a window from 00:30 CDT to 03:00 CST", () => {
    const d = desk("2026-10-20T15:00:00Z", calendar(DB_UPGRADE("2026-11-01T00:30", "2026-11-01T03:00")));
    expect(d.tick().map((c) => c.kind)).toEqual(["PLANNED"]);
    d.at("2026-10-26T15:00:00Z");
    expect(d.sendNext()).toBe("SMT-M-A102626-01");
    d.expectGoldenNotices("planned-dst-fall-back", ["PLANNED"]);
  });

  it("a window over midnight names each day, in the PLANNED notice and its COMPLETION", () => {
    // Saturday, December 5, 2026 22:00 CST to Sunday 04:00 CST.
    const d = desk("2026-11-20T15:00:00Z", calendar(DB_UPGRADE("2026-12-05T22:00", "2026-12-06T04:00")));
    expect(d.tick().map((c) => c.kind)).toEqual(["PLANNED"]);
    d.at("2026-11-30T15:00:00Z");
    expect(d.sendNext()).toBe("SMT-M-A113026-01");
    d.at("2026-12-06T10:10:00Z"); // Sunday 04:10 CST
    expect(d.tick().map((c) => c.kind)).toEqual(["PLANNED_COMPLETION"]);
    d.expectGoldenNotices("planned-multi-day", ["PLANNED", "PLANNED_COMPLETION"]);
  });
});

describe("business-process failure notices (golden files)", () => {
  it("late data: the FTPS files of two usage days missed the 23:00 deadline; the COMPLETION when they arrive", () => {
    // Usage day Friday, November 27, 2026 was due 23:00 CST on Saturday; the newest day seen is Wednesday the 25th.
    const d = desk("2026-11-29T05:21:00Z");
    d.dataLate("firing", "ftps", "2026-11-27", "2026-11-29T05:00:00Z", "2026-11-25");
    d.at("2026-11-29T05:30:00Z");
    expect(d.sendNext()).toBe("SMT-M-A112826-01");
    d.at("2026-11-29T07:35:00Z");
    d.dataLate("resolved", "ftps", "2026-11-27", "2026-11-29T05:00:00Z", "2026-11-25", "2026-11-29T07:30:00Z");
    d.expectGoldenNotices("business-process-late");
  });

  it("data quality: 3 of 20 canary meters failed; the COMPLETION when the checks pass again", () => {
    const d = desk("2026-11-29T15:20:00Z");
    d.dataQuality("firing", "api", "2026-11-27", "2026-11-29T15:00:00Z", 3, 20);
    d.at("2026-11-29T15:30:00Z");
    expect(d.sendNext()).toBe("SMT-M-A112926-01");
    d.at("2026-11-29T18:05:00Z");
    d.dataQuality("resolved", "api", "2026-11-27", "2026-11-29T15:00:00Z", 3, 20, "2026-11-29T18:00:00Z");
    d.expectGoldenNotices("business-process-quality");
  });
});

describe("docs/notices.md", () => {
  it("shows the golden text of each kind it cites, unchanged: one example of every kind", () => {
    const docs = readFileSync(join(import.meta.dirname, "..", "docs", "notices.md"), "utf8");
    const cited = [...docs.matchAll(/`test\/golden\/(notices\/[^`]+\.txt)`:\n\n```\n([\s\S]*?)```/g)];
    expect(cited.map((m) => m[1])).toEqual([
      "notices/one-service-01-initial.txt",
      "notices/two-services-02-update.txt",
      "notices/two-services-04-completion.txt",
      "notices/multi-day-03-completion.txt",
      "notices/flapping-02-completion.txt",
      "notices/planned-01-planned.txt",
      "notices/planned-02-reminder.txt",
      "notices/planned-03-planned_completion.txt",
      "notices/planned-moved-02-reschedule.txt",
      "notices/planned-moved-03-cancellation.txt",
      "notices/planned-dst-fall-back-01-planned.txt",
      "notices/planned-multi-day-01-planned.txt",
      "notices/business-process-late-01-business_process.txt",
      "notices/business-process-late-02-business_process_completion.txt",
      "notices/business-process-quality-01-business_process.txt",
    ]);
    for (const [, file, text] of cited) expect(text, `docs/notices.md's copy of ${file}`).toBe(readFileSync(join(GOLDEN_DIR, file!), "utf8"));
  });
});
