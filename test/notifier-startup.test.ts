import { execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_CONFIG_FILE_BYTES } from "../src/config/config-file.js";
import { NoticeStore } from "../src/notices/notice-store.js";
import { sample } from "./support/http.js";
import { WEBHOOK_TOKEN, freePort, payload, startNotifier, writeNotifierConfig } from "./support/notifier-fixture.js";

const CLI = join(__dirname, "..", "dist", "cli", "main.js");

/**
 * Issue 16, items 7 and 8: a store the notifier cannot use ends the start with one line naming the
 * file and what to do (exit 2: not SQLite; exit 1: corrupt, locked, read-only), a store that stops
 * taking writes after the start makes /-/ready answer 503, and hostile YAML ends in a config error.
 */
const dir = mkdtempSync(join(tmpdir(), "smt-startup-"));
const mounts: string[] = [];
afterAll(() => {
  for (const m of mounts.reverse()) spawnSyncQuiet("umount", [m]);
  rmSync(dir, { recursive: true, force: true });
});

function spawnSyncQuiet(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A tmpfs of `size` mounted under dir (root with CAP_SYS_ADMIN only; undefined elsewhere). */
function mountTmpfs(name: string, size: string): string | undefined {
  const point = join(dir, name);
  mkdirSync(point, { recursive: true });
  if (!spawnSyncQuiet("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", point])) return undefined;
  mounts.push(point);
  return point;
}
const canMount = (() => {
  const probe = mountTmpfs("probe", "1m");
  return probe !== undefined;
})();

interface Outcome {
  code: number | null;
  stderr: string;
  ready: boolean;
  ms: number;
}

/**
 * Runs `smt-monitor ARGS` until it exits, or (for a server) until its /-/ready answers 200, which
 * for these tests is the failure: the process is then killed and `ready` is true.
 */
async function runCli(args: string[], readyPort?: number, timeoutMs = 20_000, nodeArgs: string[] = []): Promise<Outcome> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  const started = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let ready = false;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const code = await Promise.race([exited, new Promise<"poll">((r) => setTimeout(() => r("poll"), 50))]);
    if (code !== "poll") return { code, stderr, ready, ms: Date.now() - started };
    if (readyPort !== undefined) {
      const ok = await fetch(`http://127.0.0.1:${readyPort}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) {
        ready = true;
        child.kill("SIGKILL");
        return { code: await exited, stderr, ready, ms: Date.now() - started };
      }
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      return { code: await exited, stderr: `${stderr}\n(timed out)`, ready, ms: Date.now() - started };
    }
  }
}

/** One line on stderr naming the path, no stack trace. */
function expectOneLine(stderr: string, path: string, what: RegExp): void {
  const lines = stderr.trimEnd().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toContain(path);
  expect(lines[0]).toMatch(what);
  expect(stderr).not.toMatch(/\n\s+at /);
}

async function notifierWithStore(name: string, storePath: string): Promise<{ configFile: string; port: number }> {
  const cfgDir = join(dir, name);
  mkdirSync(cfgDir, { recursive: true });
  const port = await freePort();
  return { configFile: writeNotifierConfig(cfgDir, { port, storage: storePath }), port };
}

/** A store written by the notifier's own code with enough rows to span many pages, closed (WAL checkpointed). */
function realStore(path: string): void {
  const store = NoticeStore.open(path, { verify: true });
  store.transaction(() => {
    for (let i = 0; i < 400; i++) {
      store.insertDelivery({
        receivedAt: i,
        groupKey: `g${i}`,
        receiver: "smt-notifier",
        status: "firing",
        alertCount: 1,
        truncatedAlerts: 0,
        payload: JSON.stringify(payload([{ start: 1_773_000_000 + i }])),
      });
    }
  });
  store.close();
}

describe("notifier start-up with a store it cannot use (real processes)", () => {
  it("a file of random bytes: exit 2, one line naming the file", async () => {
    const store = join(dir, "random", "notices.db");
    mkdirSync(join(dir, "random"), { recursive: true });
    writeFileSync(store, randomBytes(64 * 1024));
    const { configFile, port } = await notifierWithStore("random-cfg", store);
    const r = await runCli(["notifier", "--config", configFile], port);
    expect(r.ready).toBe(false);
    expect(r.code, r.stderr).toBe(2);
    expectOneLine(r.stderr, store, /is not an SQLite database.*move this file away/);
  });

  it("a real store with a corrupted page: quick_check fails and the notifier refuses to start (exit 1)", async () => {
    const store = join(dir, "corrupt", "notices.db");
    realStore(store);
    const size = statSync(store).size;
    expect(size).toBeGreaterThan(64 * 4096);
    const fd = openSync(store, "r+");
    // Garbage over a whole page in the middle of the file (pages are 4 KiB; page 1 is the header).
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const check = new Database(store, { readonly: true });
    const result = check.pragma("quick_check", { simple: true });
    check.close();
    expect(result).not.toBe("ok");

    const { configFile, port } = await notifierWithStore("corrupt-cfg", store);
    const r = await runCli(["notifier", "--config", configFile], port);
    expect(r.ready, "the notifier said ready on a corrupt store").toBe(false);
    expect(r.code, r.stderr).toBe(1);
    expectOneLine(
      r.stderr,
      store,
      /is corrupt \((PRAGMA quick_check: .+|database disk image is malformed)\): stop the notifier, restore the store from a backup/,
    );
  });

  it("a store locked by another process: exit 1 after the busy timeout, one line", async () => {
    const store = join(dir, "locked", "notices.db");
    realStore(store);
    const holder = new Database(store);
    holder.exec("BEGIN EXCLUSIVE");
    try {
      const { configFile, port } = await notifierWithStore("locked-cfg", store);
      const r = await runCli(["notifier", "--config", configFile], port);
      expect(r.ready).toBe(false);
      expect(r.code, r.stderr).toBe(1);
      expectOneLine(r.stderr, store, /is locked by another process \(waited 5 s/);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
  }, 30_000);

  it.skipIf(!canMount)("a store on a read-only file system (tmpfs remounted ro): exit 1, one line", async () => {
    const mount = mountTmpfs("ro", "8m")!;
    const store = join(mount, "notices.db");
    realStore(store);
    expect(spawnSyncQuiet("mount", ["-o", "remount,ro", mount])).toBe(true);
    const { configFile, port } = await notifierWithStore("ro-cfg", store);
    const r = await runCli(["notifier", "--config", configFile], port);
    expect(r.ready).toBe(false);
    expect(r.code, r.stderr).toBe(1);
    expectOneLine(r.stderr, store, /cannot be written \(read-only file system: .*\): the notifier needs write access/);
  });
});

/** Writes filler until the file system has no byte left. */
function fillUp(filler: string): void {
  const fd = openSync(filler, "w");
  try {
    for (const size of [64 * 1024, 512, 1]) {
      try {
        for (;;) writeSync(fd, Buffer.alloc(size, 1));
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe("ENOSPC");
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe("a listen address already in use (real processes)", () => {
  it("the exporter and the notifier exit 1 with one line naming the address, and stop their work", async () => {
    const taken = createServer((_req, res) => res.end("someone else"));
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const exporterFile = join(dir, "exporter-port.yaml");
      // A check keeps the process busy: a start that ignored the bind error would keep probing, serving nothing.
      writeFileSync(
        exporterFile,
        `listen_address: 127.0.0.1:${port}\nchecks:\n  - { name: home, service: gui, kind: http, interval: 1s, timeout: 500ms, http: { url: "http://127.0.0.1:${port}/" } }\n`,
      );
      const { configFile } = await notifierWithStore("port-taken", join(dir, "port-taken.db"));
      for (const args of [
        ["exporter", "--config", exporterFile],
        ["notifier", "--config", configFile, "--web.listen-address", `127.0.0.1:${port}`],
      ]) {
        const r = await runCli(args, undefined, 30_000);
        expect(r.code, `${args[0]}: ${r.stderr}`).toBe(1);
        expectOneLine(r.stderr, `127.0.0.1:${port}`, /cannot listen on 127\.0\.0\.1:\d+: the address is already in use \(EADDRINUSE\)/);
      }
    } finally {
      taken.close();
    }
  }, 90_000);
});

describe("a store that stops taking writes after the start", () => {
  const post = (url: string, i: number) =>
    fetch(`${url}/alertmanager/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${WEBHOOK_TOKEN}` },
      // Outage starts an hour or more before now: inside the notifier's window around the time of receipt.
      body: JSON.stringify(payload([{ service: "gui", start: Math.floor(Date.now() / 1000) - 3600 - i * 60 }], `g-${i}`)),
    });

  it.skipIf(!canMount)("disk full (a real tmpfs filled up): webhooks 500, /-/ready 503, storage errors counted; ready again once space is freed", async () => {
    const mount = mountTmpfs("full", "4m")!;
    const n = await startNotifier({ storage: join(mount, "notices.db") });
    try {
      expect((await post(n.url, 0)).status).toBe(200);
      expect((await fetch(`${n.url}/-/ready`)).status).toBe(200);
      const filler = join(mount, "filler");
      fillUp(filler);
      let status = 200;
      for (let i = 1; i < 50 && status === 200; i++) status = (await post(n.url, i)).status;
      expect(status).toBe(500);
      const ready = await fetch(`${n.url}/-/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toMatch(new RegExp(`Not ready: the notice store ${mount}/notices.db cannot be written`));
      const metrics = await (await fetch(`${n.url}/metrics`)).text();
      expect(sample(metrics, "smt_notifier_storage_errors_total", { operation: "webhook" })).toBeGreaterThanOrEqual(1);
      expect(sample(metrics, "smt_notifier_store_writable")).toBe(0);

      rmSync(filler);
      expect((await post(n.url, 100)).status).toBe(200);
      expect((await fetch(`${n.url}/-/ready`)).status).toBe(200);
      expect(sample(await (await fetch(`${n.url}/metrics`)).text(), "smt_notifier_store_writable")).toBe(1);
    } finally {
      await n.stop();
    }
  });

  it.skipIf(!canMount)("disk full without any traffic: the periodic tick's heartbeat finds it and /-/ready says 503", async () => {
    const mount = mountTmpfs("full-idle", "4m")!;
    const n = await startNotifier({ storage: join(mount, "notices.db"), tickIntervalMs: 3_600_000 });
    try {
      expect((await fetch(`${n.url}/-/ready`)).status).toBe(200);
      const filler = join(mount, "filler");
      fillUp(filler);
      n.notifier.tick();
      const ready = await fetch(`${n.url}/-/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.text()).toMatch(/cannot be written: the disk is full/);
      const metrics = await (await fetch(`${n.url}/metrics`)).text();
      expect(sample(metrics, "smt_notifier_storage_errors_total", { operation: "tick" })).toBeGreaterThanOrEqual(1);
      rmSync(filler);
      n.notifier.tick();
      expect((await fetch(`${n.url}/-/ready`)).status).toBe(200);
    } finally {
      await n.stop();
    }
  });
});

describe("hostile YAML and files (real processes)", () => {
  // Nine levels of nine aliases: 9^9 (387 million) strings once expanded.
  const bomb = [
    "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
    ...Array.from({ length: 9 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(", ")}]`),
  ].join("\n");

  it("an alias bomb in the exporter config, the notifier config and the demo's template: config error, exit 2, quickly", async () => {
    const file = join(dir, "bomb.yaml");
    writeFileSync(file, `${bomb}\n`);
    // An ordinary config error (a file that is not a mapping) in the same command: the bomb must be
    // refused about as fast, whatever the machine's load does to a process's start-up.
    const plain = join(dir, "plain-error.yaml");
    writeFileSync(plain, "just a string\n");
    for (const args of [
      ["exporter", "--config", file],
      ["notifier", "--config", file],
      ["maintenance", "--config", file, "--from", "2026-03-01", "--to", "2026-03-02"],
      ["demo", "--config", file, "--data-dir", join(dir, "demo")],
    ]) {
      const reference = await runCli(
        args.map((a) => (a === file ? plain : a)),
        undefined,
        20_000,
        ["--max-old-space-size=64"],
      );
      expect(reference.code, `${args[0]} on ${plain}: ${reference.stderr}`).toBe(2);
      // A 64 MB heap: the 9^9 strings would need gigabytes, so an expansion would end in an out-of-memory crash.
      const r = await runCli(args, undefined, 20_000, ["--max-old-space-size=64"]);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expectOneLine(r.stderr, file, /too many alias expansions \(more than 100/);
      expect(r.ms, `${args[0]}: the bomb took ${r.ms} ms, an ordinary config error ${reference.ms} ms`).toBeLessThan(reference.ms * 2 + 2_000);
    }
  });

  it("a config file over the size limit (32 MiB): config error, exit 2", async () => {
    const file = join(dir, "huge.yaml");
    const line = "# padding padding padding padding padding padding padding padding\n";
    writeFileSync(file, `${line.repeat(Math.ceil(MAX_CONFIG_FILE_BYTES / line.length))}location: x\n`);
    expect(statSync(file).size).toBeGreaterThan(MAX_CONFIG_FILE_BYTES);
    for (const args of [
      ["exporter", "--config", file],
      ["notifier", "--config", file],
    ]) {
      const r = await runCli(args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expectOneLine(r.stderr, file, new RegExp(`config file larger than ${MAX_CONFIG_FILE_BYTES} bytes`));
    }
  });

  it("report --notices on a file that is not SQLite: one line naming it, exit 2", async () => {
    const file = join(dir, "not-a-store.db");
    writeFileSync(file, randomBytes(8192));
    const r = await runCli(["report", "--prometheus", "http://127.0.0.1:9", "--month", "2026-03", "--notices", file]);
    expect(r.code, r.stderr).toBe(2);
    expectOneLine(r.stderr, file, /--notices: .* is not an SQLite database: expected the notifier's store file/);
  });
});
