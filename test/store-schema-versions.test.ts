import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { NoticeStore } from "../src/notices/notice-store.js";
import { NoticeStoreError } from "../src/notices/store-failure.js";
import { SQLITE_STEPS, STORE_VERSION } from "../src/notices/store-migrations.js";

/** The SQLite store's schema versions (PRAGMA user_version) are read and acted on at start-up. */
const dir = mkdtempSync(join(tmpdir(), "smt-store-versions-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const userVersion = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma("user_version", { simple: true }) as number;
  } finally {
    db.close();
  }
};

describe("the SQLite store's versioned steps", () => {
  it("one numbered list, in order, ending at the version this code writes", () => {
    const versions = SQLITE_STEPS.map((s) => s.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(STORE_VERSION).toBe(versions.at(-1));
    expect(STORE_VERSION).toBeGreaterThanOrEqual(4);
  });

  it("refuses a store written by a newer release, naming the file and both versions, and leaves it as it was", () => {
    const file = join(dir, "newer.db");
    NoticeStore.open(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${STORE_VERSION + 5}`);
    db.close();
    let error: unknown;
    try {
      NoticeStore.open(file, { verify: true }).close();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NoticeStoreError);
    expect((error as NoticeStoreError).exitCode).toBe(1);
    expect((error as Error).message).toBe(
      `the notice store ${file} has schema version ${STORE_VERSION + 5}, newer than this smt-monitor knows (up to ${STORE_VERSION}): it was written by a newer release; run that release (or a newer one), or restore a backup taken before the upgrade`,
    );
    expect(userVersion(file)).toBe(STORE_VERSION + 5);
  });

  it("a version-3 store gets the outbox leases (step 4), its pending messages kept", () => {
    const file = join(dir, "v3.db");
    NoticeStore.open(file).close();
    // A version-3 store: today's schema without the lease columns, one notice queued.
    const db = new Database(file);
    db.exec("ALTER TABLE outbox DROP COLUMN lease_owner");
    db.exec("ALTER TABLE outbox DROP COLUMN lease_until");
    db.exec(
      "INSERT INTO incidents (id, kind, series_id, status, start_ms, services, overrun, created_at) VALUES (1, 'unplanned', 'SMT-M-(provisional-1)', 'open', 1, '[\"gui\"]', 0, 1)",
    );
    db.exec(
      "INSERT INTO notices (id, incident_id, sequence, kind, status, services, subject, body, created_at, updated_at) VALUES ('SMT-M-(provisional-1)-01', 1, 1, 'INITIAL', 'draft', '[\"gui\"]', 's', 'b', 1, 1)",
    );
    db.exec("INSERT INTO outbox (notice_id, channel, status, next_attempt_at, created_at) VALUES ('SMT-M-(provisional-1)-01', 'chat', 'pending', 1, 1)");
    db.pragma("user_version = 3");
    db.close();

    const store = NoticeStore.open(file, { verify: true });
    try {
      expect(store.db.pragma("user_version", { simple: true })).toBe(STORE_VERSION);
      const claimed = store.claimOutbox(10, "replica-a", 60_000);
      expect(claimed.map((r) => [r.notice_id, r.lease_owner, r.lease_until])).toEqual([["SMT-M-(provisional-1)-01", "replica-a", 60_010]]);
      // Leased: nobody else claims it until the lease ends; then another notifier does.
      expect(store.claimOutbox(20, "replica-b", 60_000)).toEqual([]);
      expect(store.claimOutbox(60_010, "replica-b", 60_000).map((r) => r.lease_owner)).toEqual(["replica-b"]);
      // The first owner's outcome is not recorded any more: the message is replica-b's.
      expect(store.outboxDelivered(claimed[0]!.id, 60_020, "replica-a")).toBe(false);
      expect(store.outboxDelivered(claimed[0]!.id, 60_030, "replica-b")).toBe(true);
      expect(store.outboxOf("SMT-M-(provisional-1)-01")[0]).toMatchObject({ status: "delivered", attempts: 1, lease_owner: null });
    } finally {
      store.close();
    }
  });
});
