import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findDemoHaBinaries } from "../src/demo/demo-ha-stack.js";
import { findOnPath } from "../src/demo/demo-stack.js";
import { basic, freePort, payload, postWebhook } from "./support/notifier-fixture.js";
import { killGroups, processesIn } from "./support/process-groups.js";

/**
 * `smt-monitor demo --ha` (issue 13 item 5): the highly available topology without Docker. The built
 * CLI on free ports: every URL it prints answers; then one exporter, one Prometheus, one Alertmanager
 * and one notifier are killed (SIGKILL to their process groups), the demo keeps running, every other
 * part keeps answering, and the surviving notifier still takes a webhook into the shared PostgreSQL
 * store. SIGINT then stops everything.
 */
const root = join(import.meta.dirname, "..");
const cli = join(root, "dist", "cli", "main.js");
// PostgreSQL runs as nobody when the tests run as root: nobody must be able to enter the folder.
const dir = mkdtempSync(join(tmpdir(), "smt-demo-ha-test-"));
chmodSync(dir, 0o755);
const groups = new Set<number>();

afterAll(() => {
  killGroups(groups);
  rmSync(dir, { recursive: true, force: true });
});

describe("smt-monitor demo --ha: binaries", () => {
  it("names what installs PostgreSQL and scripts/setup.sh when a part that --ha needs is missing", () => {
    const r = findDemoHaBinaries("/nonexistent", { SMT_POSTGRES_BIN: "/nonexistent" });
    expect(r).toEqual({ missing: expect.stringContaining("scripts/setup.sh") });
    expect((r as { missing: string }).missing).toMatch(/postgresql package/);
  });
});

describe("smt-monitor demo --ha (real simulator, 3 exporters, 2 Prometheus, VictoriaMetrics, 2 Alertmanagers, 2 notifiers, PostgreSQL)", () => {
  it("every printed URL answers; after one exporter, Prometheus, Alertmanager and notifier are killed the rest keeps answering and the surviving notifier takes a webhook", async () => {
    expect(existsSync(cli), "run `npm run build` first").toBe(true);
    const flags = [
      "exporter",
      "exporter-dallas",
      "exporter-houston",
      "notifier",
      "notifier-2",
      "prometheus",
      "prometheus-b",
      "alertmanager",
      "alertmanager-2",
      "alertmanager-gossip",
      "alertmanager-2-gossip",
      "victoria-metrics",
      "postgres",
      "status",
      "simulator-admin",
      "simulator-gui",
      "simulator-api",
      "simulator-han",
      "simulator-ftps",
      "simulator-sftp",
    ];
    const ports = new Map<string, number>();
    while (ports.size < flags.length) {
      const p = await freePort();
      if (![...ports.values()].includes(p)) ports.set(flags[ports.size]!, p);
    }
    const port = (flag: string) => ports.get(flag)!;
    // FTPS passive ports apart from test/demo.test.ts's (49000-49999) and the other tests' simulators.
    const pasv = 50_000 + (process.pid % 50) * 20;
    const dataDir = join(dir, "demo");
    const demo: ChildProcess = spawn(
      process.execPath,
      [
        cli,
        "demo",
        "--ha",
        "--no-outage",
        "--data-dir",
        dataDir,
        "--simulator-pasv-range",
        `${pasv}-${pasv + 19}`,
        ...[...ports].flatMap(([flag, p]) => [`--${flag}-port`, String(p)]),
      ],
      { cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    groups.add(demo.pid!);
    let output = "";
    demo.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    demo.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => demo.once("exit", (code, signal) => resolve({ code, signal })));
    const until = async <T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms: number): Promise<T> => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (demo.exitCode !== null) throw new Error(`the demo exited (${demo.exitCode}) while waiting for ${what}:\n${output}`);
        const v = await f();
        if (v !== undefined) return v;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`timed out waiting for ${what}:\n${output}`);
    };

    const started = Date.now();
    await until("the component URLs", () => (output.includes("Press Ctrl-C") ? true : undefined), 120_000);
    console.log(`demo --ha up after ${Math.round((Date.now() - started) / 1000)} s`);
    const withStore = findOnPath(["victoria-metrics", "victoria-metrics-prod"]) !== undefined;
    const names = ["exporter", "exporter-dallas", "exporter-houston", "notifier", "notifier-2", "prometheus", "prometheus-b", "alertmanager", "alertmanager-2"];
    for (const name of [...names, ...(withStore ? ["victoria-metrics"] : [])]) expect(output, name).toContain(`http://127.0.0.1:${port(name)}/`);
    for (const source of ["127.0.0.11", "127.0.0.12", "127.0.0.13"]) expect(output).toContain(`probes from ${source}`);

    // Every URL printed answers (a 401 of a page behind the reviewer's login is an answer).
    const answers = async (url: string) => {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch((err: unknown) => (err as Error).message);
      return typeof res === "string" ? res : res.status;
    };
    const urls = [...new Set(output.match(/http:\/\/127\.0\.0\.1:\d+[^\s'")]*/g) ?? [])];
    expect(urls.length).toBeGreaterThanOrEqual(20);
    for (const url of urls) expect([url, await answers(url)]).toEqual([url, expect.any(Number)]);
    for (const url of urls) expect((await answers(url)) as number, url).toBeLessThan(500);
    console.log(`every printed URL answered after ${Math.round((Date.now() - started) / 1000)} s`);

    // Take one of each away: SIGKILL to the process group, as a lost machine.
    const pids = new Map(
      readFileSync(join(dataDir, "demo.pids"), "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(" "))
        .map(([pid, name]) => [name!, Number(pid)]),
    );
    for (const pid of pids.values()) groups.add(pid);
    const lost = ["exporter-dallas", "prometheus-b", "alertmanager-2", "notifier-2"];
    for (const name of lost) process.kill(-pids.get(name)!, "SIGKILL");
    for (const name of lost)
      await until(`the demo saying ${name} exited`, () => (output.includes(`${name} exited (SIGKILL); the rest keeps running`) ? true : undefined), 15_000);
    expect(demo.exitCode, output).toBeNull();

    // The rest keeps answering.
    const ready = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(5_000) })).status;
    const survivors = [
      `http://127.0.0.1:${port("exporter")}/-/ready`,
      `http://127.0.0.1:${port("exporter-houston")}/-/ready`,
      `http://127.0.0.1:${port("prometheus")}/-/ready`,
      `http://127.0.0.1:${port("alertmanager")}/-/ready`,
      `http://127.0.0.1:${port("notifier")}/-/ready`,
      `http://127.0.0.1:${port("simulator-admin")}/-/healthy`,
      ...(withStore ? [`http://127.0.0.1:${port("victoria-metrics")}/health`] : []),
    ];
    for (const url of survivors) expect([url, await ready(url)]).toEqual([url, 200]);
    for (const name of lost) expect(processesIn(new Set([pids.get(name)!])), name).toEqual([]);

    // The surviving notifier still takes a webhook into the shared store.
    const notifier = `http://127.0.0.1:${port("notifier")}`;
    const token = readFileSync(join(dataDir, "secrets", "notifier-webhook-token"), "utf8").trim();
    const start = Math.floor(Date.now() / 1000) - 20 * 60;
    const accepted = await postWebhook(notifier, payload([{ service: "api", start }]), { token });
    expect(accepted.status, JSON.stringify(accepted.json)).toBe(200);
    const reviewer = { name: "oncall", password: readFileSync(join(dataDir, "secrets", "reviewer-password"), "utf8").trim() };
    const res = await fetch(`${notifier}/api/v1/notices`, { headers: { authorization: basic(reviewer) } });
    const { notices } = (await res.json()) as { notices: { kind: string; services: string[] }[] };
    expect(notices).toEqual([expect.objectContaining({ kind: "INITIAL", services: ["api"] })]);

    // Ctrl-C stops every part that is left.
    const stopAt = Date.now();
    console.log(`four parts lost and the webhook stored after ${Math.round((stopAt - started) / 1000)} s`);
    process.kill(demo.pid!, "SIGINT");
    const timer = setTimeout(() => process.kill(-demo.pid!, "SIGKILL"), 40_000);
    const end = await exited;
    clearTimeout(timer);
    expect(end, output).toEqual({ code: 0, signal: null });
    console.log(`stopped in ${Math.round((Date.now() - stopAt) / 1000)} s`);
    await until("every component gone", () => (processesIn(new Set(pids.values())).length === 0 ? true : undefined), 10_000).catch(() => undefined);
    expect(processesIn(new Set(pids.values())), "processes left behind").toEqual([]);
  }, 240_000);
});
