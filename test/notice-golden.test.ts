import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseNotifierConfig } from "../src/config/notifier-load.js";
import { Notifier } from "../src/notices/notifier.js";
import { captureLogger } from "./support/capture-logger.js";
import { expectGolden, GOLDEN_DIR } from "./support/golden.js";
import { payload } from "./support/notifier-fixture.js";

/**
 * The text of every kind of unplanned-outage notice, as the notifier drafts it with the default
 * wording, against golden files in test/golden/notices/ (one file per notice: subject, a blank
 * line, the body). `UPDATE_GOLDEN=1 npx vitest run test/notice-golden.test.ts` rewrites them.
 * Each case runs the real lifecycle on an in-memory store with a hand-moved clock.
 */

const ENV = { TOKEN: "golden-test-webhook-token", ALICE: "alice-password-123" };
const CONFIG = `storage: { path: ":memory:" }
webhook: { bearer_token_env: TOKEN }
reviewers: [{ name: alice, password_env: ALICE }]
notices:
  from: "SMT <notices@smt.example>"
  to: ["rms@lists.example.org", "amwg@lists.example.org"]
`;

function desk(startAt: string) {
  let now = Date.parse(startAt);
  const notifier = new Notifier({ config: parseNotifierConfig(CONFIG, "golden.yaml", ENV), logger: captureLogger().logger, clock: () => now });
  return {
    notifier,
    at: (iso: string) => (now = Date.parse(iso)),
    fire: (service: string, startIso: string) => notifier.applyDelivery(payload([{ service, start: S(startIso) }]) as never, "{}"),
    resolve: (service: string, startIso: string, endIso: string) =>
      notifier.applyDelivery(payload([{ service, start: S(startIso), status: "resolved", endsAt: endIso }]) as never, "{}"),
    tick: () => notifier.tick(),
    /** Every notice drafted (or only those of the kinds given), in series order, compared with test/golden/notices/<name>-NN-<kind>.txt. */
    expectGoldenNotices: (name: string, kinds?: readonly string[]) => {
      const notices = notifier.store.listNotices({ limit: 1000 }).sort((a, b) => a.sequence - b.sequence);
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
    d.at("2026-05-14T16:00:00Z");
    d.tick();
    d.at("2026-05-14T16:20:00Z");
    d.resolve("gui", "2026-05-14T14:40:00Z", "2026-05-14T16:19:00Z");
    d.expectGoldenNotices("one-service");
  });

  it("two services: a second joins, the first is restored, then the second", () => {
    const d = desk("2026-05-14T15:00:00Z");
    d.fire("gui", "2026-05-14T14:40:00Z");
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
    d.at("2026-11-01T07:50:00Z"); // 01:50 CST
    d.tick();
    d.at("2026-11-01T07:55:00Z");
    d.resolve("ftps", "2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"); // 01:30 CST
    d.expectGoldenNotices("dst-fall-back");
  });

  it("an outage over several days names each day", () => {
    const d = desk("2026-11-29T04:20:00Z"); // Saturday 22:20 CST
    d.fire("han", "2026-11-29T04:00:00Z"); // Saturday 22:00 CST
    d.at("2026-11-29T20:36:00Z"); // Sunday 14:36 CST
    d.tick();
    d.at("2026-11-30T09:20:00Z"); // Monday 03:20 CST
    d.resolve("han", "2026-11-29T04:00:00Z", "2026-11-30T09:15:00Z");
    d.expectGoldenNotices("multi-day");
  });

  it("every service down: the COMPLETION may say all services are available", () => {
    const d = desk("2026-01-10T20:20:00Z");
    for (const service of ["gui", "api", "ftps", "han"]) d.fire(service, "2026-01-10T20:00:00Z");
    d.at("2026-01-10T20:50:00Z");
    for (const service of ["gui", "api", "ftps", "han"]) d.resolve(service, "2026-01-10T20:00:00Z", "2026-01-10T20:45:00Z");
    d.expectGoldenNotices("all-services", ["COMPLETION"]);
  });
});

describe("docs/notices.md", () => {
  it("shows the golden text of each kind it cites, unchanged", () => {
    const docs = readFileSync(join(import.meta.dirname, "..", "docs", "notices.md"), "utf8");
    const cited = [...docs.matchAll(/`test\/golden\/(notices\/[^`]+\.txt)`:\n\n```\n([\s\S]*?)```/g)];
    expect(cited.map((m) => m[1])).toEqual([
      "notices/one-service-01-initial.txt",
      "notices/two-services-02-update.txt",
      "notices/two-services-04-completion.txt",
      "notices/multi-day-03-completion.txt",
    ]);
    for (const [, file, text] of cited) expect(text, `docs/notices.md's copy of ${file}`).toBe(readFileSync(join(GOLDEN_DIR, file!), "utf8"));
  });
});
