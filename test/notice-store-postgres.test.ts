import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { loadNotifierConfig } from "../src/config/notifier-load.js";
import { Notifier } from "../src/notices/notifier.js";
import { POSTGRES_STORE_VERSION } from "../src/notices/postgres-migrations.js";
import { NoticeStoreError } from "../src/notices/store-failure.js";
import { captureLogger } from "./support/capture-logger.js";
import { basic, payload, postWebhook, REVIEWER, REVIEWER2, startNotifier, writeNotifierConfig, type RunningNotifier } from "./support/notifier-fixture.js";
import { waitFor } from "./support/http.js";
import { startPostgres, type PostgresServer } from "./support/postgres.js";

/** The notice store on a real PostgreSQL (store.kind postgres), one notifier: the same notices as on SQLite. */
const URL_ENV = "SMT_TEST_NOTICES_DB";
/** An outage that started an hour ago (the webhook accepts times of the last 90 days). */
const START = Math.floor(Date.now() / 1000) - 3600;
const STORE = `store:\n  kind: postgres\n  url_env: ${URL_ENV}\n`;

let postgres: PostgresServer;
beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);
afterAll(async () => {
  Reflect.deleteProperty(process.env, URL_ENV);
  await postgres?.stop();
});

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const api = (n: RunningNotifier, path: string, init: RequestInit = {}, user = REVIEWER) => {
  const headers = new Headers(init.headers);
  headers.set("authorization", basic(user));
  return fetch(`${n.url}/api/v1/notices${path}`, { ...init, headers });
};

describe("the notifier on PostgreSQL", () => {
  it("drafts, reviews, sends (the series id fixed) and completes an outage; a restart finds it all and migrates nothing again", async () => {
    process.env[URL_ENV] = await postgres.createDatabase("single");
    let n = await startNotifier({ extra: STORE });
    try {
      const firing = await postWebhook(n.url, payload([{ service: "gui", start: START }]));
      expect(firing.status, JSON.stringify(firing.json)).toBe(200);
      const list = async () => ((await (await api(n, "")).json()) as { notices: { id: string; kind: string; status: string }[] }).notices;
      const [initial] = await list();
      expect(initial).toMatchObject({ kind: "INITIAL", status: "draft" });
      expect(initial!.id).toMatch(/^SMT-M-\(provisional-\d+\)-01$/);
      // Alertmanager's retry of the same delivery: nothing new.
      expect((await postWebhook(n.url, payload([{ service: "gui", start: START }]))).status).toBe(200);
      expect(await list()).toHaveLength(1);
      expect((await api(n, `/${encodeURIComponent(initial!.id)}/approve`, json({ version: 1 }), REVIEWER2)).status).toBe(200);
      const sent = await api(n, `/${encodeURIComponent(initial!.id)}/sent`, json({}));
      expect(sent.status).toBe(200);
      // The rename of the series moves the audit trail and the outbox rows with it (deferred keys).
      const fixedId = ((await sent.json()) as { notice: { id: string } }).notice.id;
      expect(fixedId).toMatch(/^SMT-M-A\d{6}-01$/);
      const audit = ((await (await api(n, `/${fixedId}`)).json()) as { audit: { action: string }[] }).audit.map((a) => a.action);
      expect(audit).toEqual(["created", "approved", "marked sent", "id fixed"]);
      // The old link still leads to it.
      const old = await fetch(`${n.url}/notices/${encodeURIComponent(initial!.id)}`, { headers: { authorization: basic(REVIEWER) }, redirect: "manual" });
      expect(old.status).toBe(301);

      const resolved = payload([{ service: "gui", start: START, status: "resolved", endsAt: new Date((START + 1800) * 1000).toISOString() }]);
      expect((await postWebhook(n.url, resolved)).status).toBe(200);
      expect((await list()).map((x) => [x.id.replace(/\d{6}/, "DATE"), x.kind])).toEqual([
        ["SMT-M-ADATE-02", "COMPLETION"],
        ["SMT-M-ADATE-01", "INITIAL"],
      ]);
      const metrics = await (await fetch(`${n.url}/metrics`)).text();
      expect(metrics).toMatch(/smt_notices\{[^}]*kind="COMPLETION"[^}]*\} 1/);
      // The URL and its password are never written to the log.
      expect(n.logs()).not.toContain(postgres.password);
      expect(n.logs()).toContain(`PostgreSQL database ($${URL_ENV})`);
    } finally {
      await n.stop();
    }
    n = await startNotifier({ extra: STORE });
    try {
      expect(((await (await api(n, "")).json()) as { notices: unknown[] }).notices).toHaveLength(2);
      const versions = await postgres.query("single", "SELECT version FROM schema_migrations ORDER BY version");
      expect(versions.map((v) => v.version)).toEqual(Array.from({ length: POSTGRES_STORE_VERSION }, (_, i) => i + 1));
    } finally {
      await n.stop();
    }
  });

  it("the database going away: 500 to the webhook and not ready; back: ready again at the next tick, and the retry makes its draft", async () => {
    process.env[URL_ENV] = await postgres.createDatabase("away");
    const n = await startNotifier({ extra: STORE, tickIntervalMs: 200 });
    try {
      const ready = async () => (await fetch(`${n.url}/-/ready`)).status;
      expect(await ready()).toBe(200);
      await postgres.pause();
      const body = payload([{ service: "api", start: START }], "away");
      expect((await postWebhook(n.url, body)).status).toBe(500);
      const notReady = await fetch(`${n.url}/-/ready`);
      expect(notReady.status).toBe(503);
      expect(await notReady.text()).toMatch(new RegExp(`the notice store PostgreSQL database \\(\\$${URL_ENV}\\) cannot be reached`));
      await postgres.resume();
      await waitFor("ready again", async () => ((await ready()) === 200 ? true : undefined), 20_000);
      expect((await postWebhook(n.url, body)).status).toBe(200);
      const notices = await postgres.query<{ kind: string }>("away", "SELECT kind FROM notices");
      expect(notices.map((x) => x.kind)).toEqual(["INITIAL"]);
      expect(n.logs()).not.toContain(postgres.password);
    } finally {
      await n.stop();
    }
  });

  it("refuses a database whose schema is newer than this release, naming it by its variable, never by its URL", async () => {
    process.env[URL_ENV] = await postgres.createDatabase("newer");
    const dir = mkdtempSync(join(tmpdir(), "smt-pg-newer-"));
    try {
      const config = loadNotifierConfig(writeNotifierConfig(dir, { extra: STORE }));
      await new Notifier({ config, logger: captureLogger().logger }).stop();
      await postgres.query("newer", "INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, 'from the future', 0)", [
        POSTGRES_STORE_VERSION + 1,
      ]);
      let error: unknown;
      try {
        new Notifier({ config, logger: captureLogger().logger });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(NoticeStoreError);
      expect((error as Error).message).toBe(
        `the notice store PostgreSQL database ($${URL_ENV}) has schema version ${POSTGRES_STORE_VERSION + 1}, newer than this smt-monitor knows (up to ${POSTGRES_STORE_VERSION}): it was written by a newer release; run that release (or a newer one), or restore a backup taken before the upgrade`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an unreachable database stops the start with one line naming it, without its password", () => {
    process.env[URL_ENV] = `postgresql://smt:${postgres.password}@127.0.0.1:1/nowhere`;
    const dir = mkdtempSync(join(tmpdir(), "smt-pg-down-"));
    try {
      const config = loadNotifierConfig(writeNotifierConfig(dir, { extra: STORE }));
      let error: unknown;
      try {
        new Notifier({ config, logger: captureLogger().logger });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(NoticeStoreError);
      expect((error as Error).message).toMatch(
        new RegExp(`^the notice store PostgreSQL database \\(\\$${URL_ENV}\\) cannot be reached \\(ECONNREFUSED: .*\\): check that PostgreSQL runs`),
      );
      expect((error as Error).message).not.toContain(postgres.password);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("config: the variable must hold a PostgreSQL URL; problems name file, line and field, never the value", () => {
    const dir = mkdtempSync(join(tmpdir(), "smt-pg-config-"));
    try {
      const file = writeNotifierConfig(dir, { extra: STORE });
      const problem = (env: NodeJS.ProcessEnv) => {
        try {
          loadNotifierConfig(file, env);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          return (err as Error).message;
        }
        return "no problem";
      };
      const line = `${file}:${storeLine(file)}`;
      expect(problem({})).toMatch(
        new RegExp(`^${escape(line)}:\\d+: store\\.url_env: environment variable ${URL_ENV} is not set or empty: expected a PostgreSQL URL`),
      );
      expect(problem({ [URL_ENV]: "mysql://u:secret-pw@h/db" })).toContain(
        `store.url_env: environment variable ${URL_ENV} is a mysql: URL: expected postgresql://`,
      );
      expect(problem({ [URL_ENV]: "mysql://u:secret-pw@h/db" })).not.toContain("secret-pw");
      expect(problem({ [URL_ENV]: "postgresql://u:secret-pw@h:5432" })).toContain("names no database");
      expect(problem({ [URL_ENV]: "postgresql://u:secret-pw@h:5432/notices" })).toBe("no problem");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The line of `url_env:` in a config written with STORE. */
function storeLine(file: string): number {
  const lines = readFileSync(file, "utf8").split("\n");
  return lines.findIndex((l) => l.includes("url_env:")) + 1;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
