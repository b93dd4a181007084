import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "./support/http.js";
import { WEBHOOK_TOKEN, freePort, payload, writeNotifierConfig } from "./support/notifier-fixture.js";

const CLI = join(__dirname, "..", "dist", "cli", "main.js");

/**
 * Crash safety: the notifier answers 2xx only after its SQLite commit (WAL, synchronous=FULL), so
 * kill -9 in the middle of a stream of notifications loses none that were acknowledged.
 */
describe("kill -9 while 1,000 notifications are posted", () => {
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), "smt-crash-"));
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  async function spawnNotifier(configFile: string, port: number): Promise<ChildProcess> {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
    const child = spawn(process.execPath, [CLI, "notifier", "--config", configFile, "--log.level", "warn"], { stdio: ["ignore", "ignore", "pipe"] });
    children.push(child);
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    await waitFor(
      "notifier ready",
      async () => {
        if (child.exitCode !== null) throw new Error(`notifier exited ${child.exitCode}: ${stderr}`);
        try {
          return (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok ? true : undefined;
        } catch {
          return undefined;
        }
      },
      20_000,
      50,
    );
    return child;
  }

  it("every notification that got a 2xx is in the store after the restart", async () => {
    const port = await freePort();
    const configFile = writeNotifierConfig(dir, { port });
    const url = `http://127.0.0.1:${port}/alertmanager/webhook`;
    const first = await spawnNotifier(configFile, port);
    const base = Math.floor(Date.now() / 1000) - 3600;
    const total = 1000;
    const acked = new Set<string>();
    const failed = new Set<string>();
    let next = 0;
    let killed = false;
    const post = async (i: number): Promise<void> => {
      const key = `crash-${i}`;
      const body = payload([{ service: ["gui", "api", "ftps", "han"][i % 4]!, start: base + i }], key);
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
          body: JSON.stringify(body),
        });
        await res.text();
        if (res.status >= 200 && res.status < 300) acked.add(key);
        else failed.add(key);
      } catch {
        failed.add(key);
      }
      if (!killed && acked.size >= 300) {
        killed = true;
        first.kill("SIGKILL");
      }
    };
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < total) await post(next++);
      }),
    );
    await new Promise<void>((r) => (first.exitCode !== null || first.signalCode !== null ? r() : first.once("exit", () => r())));
    expect(first.signalCode).toBe("SIGKILL");
    expect(acked.size).toBeGreaterThanOrEqual(300);
    expect(acked.size).toBeLessThan(total); // the kill really happened mid-stream
    expect(failed.size).toBeGreaterThan(0);

    // Restart on the same store: it opens (WAL recovery) and serves again.
    await spawnNotifier(configFile, port);
    const db = new Database(join(dir, "data", "notices.db"), { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const stored = new Set((db.prepare("SELECT group_key FROM deliveries").all() as { group_key: string }[]).map((r) => r.group_key));
      const lost = [...acked].filter((k) => !stored.has(k));
      expect(lost).toEqual([]);
      // The outages of acknowledged notifications are there too, and one incident holds them all.
      const outages = (db.prepare("SELECT count(*) AS n FROM outages").get() as { n: number }).n;
      expect(outages).toBeGreaterThanOrEqual(acked.size);
      const kinds = (db.prepare("SELECT kind FROM notices ORDER BY sequence").all() as { kind: string }[]).map((r) => r.kind);
      expect(kinds[0]).toBe("INITIAL");
      expect(kinds.filter((k) => k === "INITIAL")).toHaveLength(1);
    } finally {
      db.close();
    }
    // What failed can be delivered again (Alertmanager would retry it): no duplicate drafts.
    for (const key of [...failed].slice(0, 20)) {
      const i = Number(key.slice("crash-".length));
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
        body: JSON.stringify(payload([{ service: ["gui", "api", "ftps", "han"][i % 4]!, start: base + i }], key)),
      });
      expect(res.status).toBe(200);
    }
  });
});
