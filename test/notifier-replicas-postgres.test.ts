import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "./support/http.js";
import { basic, freePort, payload, REVIEWER, REVIEWER2, WEBHOOK_TOKEN, writeNotifierConfig, type NotifierConfigOptions } from "./support/notifier-fixture.js";
import { startPostgres, type PostgresServer } from "./support/postgres.js";

const CLI = join(__dirname, "..", "dist", "cli", "main.js");
const URL_ENV = "SMT_TEST_NOTICES_DB";
const STORE = `store:\n  kind: postgres\n  url_env: ${URL_ENV}\n`;
/** Outages of the last hours (the webhook accepts times of the last 90 days). */
const BASE = Math.floor(Date.now() / 1000) - 6 * 3600;

/**
 * Two notifier processes (dist/cli/main.js) share one real PostgreSQL database: what both receive
 * makes one draft, ids stay gap-free, each outbox message is announced by one of them, and kill -9
 * of one loses no acknowledged notification.
 */
let postgres: PostgresServer;
const children: ChildProcess[] = [];
const root = mkdtempSync(join(tmpdir(), "smt-replicas-"));
beforeAll(async () => {
  postgres = await startPostgres();
}, 120_000);
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await postgres?.stop();
  rmSync(root, { recursive: true, force: true });
});

interface Replica {
  name: string;
  child: ChildProcess;
  url: string;
  logs: () => string;
}

async function startReplica(name: string, databaseUrl: string, o: NotifierConfigOptions = {}): Promise<Replica> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  const dir = join(root, `${name}-${children.length}`);
  mkdirSync(dir);
  const port = await freePort();
  const configFile = writeNotifierConfig(dir, { port, extra: STORE, ...o });
  const child = spawn(process.execPath, [CLI, "notifier", "--config", configFile, "--log.level", "info"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, [URL_ENV]: databaseUrl },
  });
  children.push(child);
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `notifier ${name} ready`,
    async () => {
      if (child.exitCode !== null) throw new Error(`notifier ${name} exited ${child.exitCode}: ${output}`);
      try {
        return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    30_000,
    50,
  );
  return { name, child, url, logs: () => output };
}

async function post(replica: Replica, body: unknown): Promise<number> {
  const res = await fetch(`${replica.url}/alertmanager/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
    body: JSON.stringify(body),
  });
  await res.text();
  return res.status;
}

async function review(replica: Replica, id: string, action: "approve" | "sent", user = REVIEWER): Promise<{ status: number; id?: string }> {
  const res = await fetch(`${replica.url}/api/v1/notices/${encodeURIComponent(id)}/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: basic(user) },
    body: "{}",
  });
  const answer = (await res.json()) as { notice?: { id: string } };
  return { status: res.status, id: answer.notice?.id };
}

function stopped(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

const outage = (service: string, start: number, status: "firing" | "resolved" = "firing") =>
  ({ service, start, status, ...(status === "resolved" ? { endsAt: new Date((start + 1200) * 1000).toISOString() } : {}) }) as const;

describe("two notifier replicas on one PostgreSQL database", () => {
  it("start together on a new database (one migrates); the same deliveries to both make one series each, with gap-free ids", async () => {
    const db = await postgres.createDatabase("pair");
    const [a, b] = await Promise.all([startReplica("a", db), startReplica("b", db)]);
    try {
      expect((await postgres.query("pair", "SELECT version FROM schema_migrations")).map((r) => r.version)).toEqual([1]);
      const rounds = 12;
      for (let r = 0; r < rounds; r++) {
        const start = BASE + r * 1800;
        // Both Alertmanagers of a pair deliver the same group to both notifiers at the same time.
        const firing = payload([outage("gui", start), outage("api", start + 60)], `pair-${r}`);
        expect(await Promise.all([post(a, firing), post(b, firing), post(b, firing), post(a, firing)])).toEqual([200, 200, 200, 200]);
        const resolved = payload([outage("gui", start, "resolved"), outage("api", start + 60, "resolved")], `pair-${r}`);
        expect(await Promise.all([post(b, resolved), post(a, resolved)])).toEqual([200, 200]);
      }
      const notices = await postgres.query<{ id: string; incident_id: number; sequence: number; kind: string }>(
        "pair",
        "SELECT id, incident_id, sequence, kind FROM notices ORDER BY incident_id, sequence",
      );
      const byIncident = groupBy(notices, (n) => n.incident_id);
      expect(byIncident.size).toBe(rounds);
      for (const series of byIncident.values()) {
        // One series per outage: its notices numbered 1, 2, 3, 4 with no gap and no copy.
        expect(series.map((n) => [n.sequence, n.kind])).toEqual([
          [1, "INITIAL"],
          [2, "UPDATE"],
          [3, "UPDATE"],
          [4, "COMPLETION"],
        ]);
      }
      // Sending the first notice of every series, half through each replica at once, fixes the series ids:
      // per day the letters A, B, C… with none skipped and none twice.
      const initials = notices.filter((n) => n.kind === "INITIAL");
      const replicas = [a, b];
      const approved = await Promise.all(initials.map((n, i) => review(replicas[i % 2]!, n.id, "approve", REVIEWER2)));
      expect(approved.map((x) => x.status)).toEqual(initials.map(() => 200));
      const sent = await Promise.all(initials.map((n, i) => review(replicas[(i + 1) % 2]!, n.id, "sent")));
      expect(sent.map((x) => x.status)).toEqual(initials.map(() => 200));
      const series = await postgres.query<{ series_id: string }>("pair", "SELECT series_id FROM incidents ORDER BY series_id");
      const byDay = groupBy(
        series.map((s) => /^SMT-M-([A-Z]+)(\d{6})$/.exec(s.series_id)!),
        (m) => m[2]!,
      );
      for (const letters of byDay.values()) expect(letters.map((m) => m[1])).toEqual("ABCDEFGHIJKLMNOPQRSTUVWXYZ".slice(0, letters.length).split(""));
      expect(series).toHaveLength(rounds);
    } finally {
      a.child.kill("SIGTERM");
      b.child.kill("SIGTERM");
      await Promise.all([stopped(a.child), stopped(b.child)]);
    }
  });

  it("each outbox message is announced by one replica; one killed mid-send leaves its message to the other once its lease ends", async () => {
    const db = await postgres.createDatabase("outbox");
    const received: { path: string; id: string; at: number }[] = [];
    const hanging: ServerResponse[] = [];
    let hangA = false;
    const chat: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ path: req.url!, id: (JSON.parse(body) as { notice: { id: string } }).notice.id, at: Date.now() });
        if (hangA && req.url === "/a") hanging.push(res);
        else res.end("ok");
      });
    });
    await new Promise<void>((resolve) => chat.listen(0, "127.0.0.1", resolve));
    const chatPort = (chat.address() as { port: number }).port;
    const LEASE_MS = 5_000;
    const settings = (path: string, poll: string): NotifierConfigOptions => ({
      channels: `  - { name: chat, kind: webhook, url: "http://127.0.0.1:${chatPort}${path}", timeout: 1s }`,
      outbox: `  initial_backoff: 200ms\n  max_backoff: 1s\n  poll_interval: ${poll}\n  lease: ${LEASE_MS / 1000}s`,
    });
    const a = await startReplica("a", db, settings("/a", "100ms"));
    // b looks at the outbox when it makes a draft itself (and at start), not on a timer: the test says when.
    let b = await startReplica("b", db, settings("/b", "1h"));
    try {
      // Ten series of two notices, made through both; every message announced once in all.
      for (let r = 0; r < 10; r++) {
        const start = BASE + r * 1800;
        expect(await post(r % 2 ? a : b, payload([outage("han", start)], `outbox-${r}`))).toBe(200);
        expect(await post(r % 2 ? b : a, payload([outage("han", start, "resolved")], `outbox-${r}`))).toBe(200);
      }
      const pending = async () => Number((await postgres.query("outbox", "SELECT count(*) AS n FROM outbox WHERE status = 'pending'"))[0]!.n);
      await waitFor("the outbox sent", async () => ((await pending()) === 0 ? true : undefined), 30_000);
      const notices = (await postgres.query<{ id: string }>("outbox", "SELECT id FROM notices ORDER BY id")).map((n) => n.id);
      expect(notices).toHaveLength(20);
      expect(received.map((m) => m.id).sort()).toEqual(notices);

      // a claims the next message and dies while its chat request is open.
      hangA = true;
      received.length = 0;
      expect(await post(a, payload([outage("gui", BASE + 18_000)], "outbox-kill"))).toBe(200);
      const first = await waitFor("a sends", async () => received.find((m) => m.path === "/a"), 10_000, 20);
      a.child.kill("SIGKILL");
      await stopped(a.child);
      // While a's lease runs, b's own pass leaves the message alone…
      b.child.kill("SIGTERM");
      await stopped(b.child);
      b = await startReplica("b", db, settings("/b", "1h"));
      expect(await post(b, payload([outage("api", BASE + 18_060)], "outbox-kill"))).toBe(200);
      const update = await waitFor("b sends its own", async () => received.find((m) => m.path === "/b"), 10_000, 20);
      if (update.at < first.at + LEASE_MS) expect(received.filter((m) => m.id === first.id).map((m) => m.path)).toEqual(["/a"]);
      // …and once the lease has ended, b sends it: once.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, first.at + LEASE_MS - Date.now())));
      expect(await post(b, payload([outage("ftps", BASE + 18_120)], "outbox-kill"))).toBe(200);
      await waitFor("b sends a's message", async () => ((await pending()) === 0 ? true : undefined), 30_000);
      expect(received.filter((m) => m.id === first.id).map((m) => m.path)).toEqual(["/a", "/b"]);
      const row = (await postgres.query("outbox", "SELECT status, lease_owner FROM outbox WHERE notice_id = $1", [first.id]))[0];
      expect(row).toEqual({ status: "delivered", lease_owner: null });
      expect(received.filter((m) => m.path === "/b").map((m) => m.id)).toHaveLength(3);
    } finally {
      for (const res of hanging) res.destroy();
      chat.closeAllConnections();
      chat.close();
      b.child.kill("SIGTERM");
      await stopped(b.child);
    }
  });

  it("kill -9 of one replica during 1,000 posts split across both: every acknowledged notification is in the database", async () => {
    const db = await postgres.createDatabase("crash");
    const [a, b] = await Promise.all([startReplica("a", db), startReplica("b", db)]);
    try {
      const total = 1000;
      const acked: number[] = [];
      let next = 0;
      let killed = false;
      const send = async (i: number) => {
        const body = payload([outage(["gui", "api", "ftps", "han"][i % 4]!, BASE + i)], `crash-${i}`);
        try {
          if ((await post(i % 2 ? b : a, body)) === 200) acked.push(i);
        } catch {
          // a is gone: not acknowledged
        }
        if (!killed && acked.length >= 300) {
          killed = true;
          a.child.kill("SIGKILL");
        }
      };
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < total) await send(next++);
        }),
      );
      expect(killed).toBe(true);
      // b answered all of its half.
      expect(acked.filter((i) => i % 2 === 1)).toHaveLength(total / 2);
      const keys = new Set((await postgres.query<{ group_key: string }>("crash", "SELECT group_key FROM deliveries")).map((d) => d.group_key));
      expect(acked.filter((i) => !keys.has(`crash-${i}`))).toEqual([]);
      const outages = new Set((await postgres.query<{ start_s: number }>("crash", "SELECT start_s FROM outages")).map((o) => Number(o.start_s)));
      expect(acked.filter((i) => !outages.has(BASE + i))).toEqual([]);
      // One incident, its four services announced once each (INITIAL and three UPDATEs), whatever the kill cut.
      const kinds = (await postgres.query<{ kind: string }>("crash", "SELECT kind FROM notices ORDER BY sequence")).map((n) => n.kind);
      expect(kinds).toEqual(["INITIAL", "UPDATE", "UPDATE", "UPDATE"]);
    } finally {
      a.child.kill("SIGKILL");
      b.child.kill("SIGTERM");
      await Promise.all([stopped(a.child), stopped(b.child)]);
    }
  }, 180_000);
});
