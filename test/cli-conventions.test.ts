import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeNotifierConfig } from "./support/notifier-fixture.js";

/**
 * Issue 14 item 1: the commands follow the Prometheus exporter conventions: --config.file (alias
 * -c, --config), --log.level and --log.format checked before anything runs, --version on every
 * command, the same exit codes everywhere (0 ok, 1 runtime failure, 2 usage or config error), and the
 * lifecycle endpoints only with --web.enable-lifecycle. Runs the built CLI (npm run build first).
 */

const CLI = join(__dirname, "..", "dist", "cli", "main.js");
const VERSION = (JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { version: string }).version;
const dir = mkdtempSync(join(tmpdir(), "smt-cli-"));
const exporterConfig = join(dir, "exporter.yaml");
writeFileSync(exporterConfig, 'listen_address: "127.0.0.1:0"\nlocation: test\n');
const COMMANDS = ["exporter", "probe", "check-config", "maintenance", "notifier", "report", "simulate", "demo"];

/** Runs the CLI to its end; the runs of one test go in parallel (Promise.all) to keep it quick. */
function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 20_000 }, (_err, stdout, stderr) =>
      resolve({ status: child.exitCode, stdout, stderr }),
    );
  });
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Starts the CLI; `line` resolves with the first stdout line that matches, and rejects if the process exits first. */
function start(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const line = (match: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const look = () => {
        const found = stdout.split("\n").find((l) => match.test(l));
        if (found) {
          child.stdout.off("data", onData);
          resolve(found);
        }
      };
      const onData = (d: Buffer) => {
        stdout += d.toString();
        look();
      };
      child.stdout.on("data", onData);
      void exited.then((code) => reject(new Error(`exited ${code} before ${match}: ${stderr}`)));
      look();
    });
  return { child, line, exited, stderr: () => stderr };
}

const listeningPort = (jsonLine: string) => Number((JSON.parse(jsonLine) as { address: string }).address.split(":").pop());

describe("usage errors: one line on stderr, exit 2", () => {
  it("refuses --log.level verbose and --log.format xml on the long-running commands", async () => {
    const notifierConfig = writeNotifierConfig(mkdtempSync(join(dir, "n-")));
    const cases = (["exporter", "notifier", "simulate"] as const).flatMap((command) =>
      [
        ["--log.level", "verbose"],
        ["--log.format", "xml"],
      ].map(([flag, value]) => ({ command, flag: flag!, value: value! })),
    );
    const configOf = { exporter: ["--config.file", exporterConfig], notifier: ["--config.file", notifierConfig], simulate: [] };
    const results = await Promise.all(cases.map((c) => run([c.command, ...configOf[c.command], c.flag, c.value])));
    for (const [i, { command, flag, value }] of cases.entries()) {
      const r = results[i]!;
      expect(r.status, `${command} ${flag} ${value}`).toBe(2);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain(flag);
      expect(lines[0]).toContain(value);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it("answers a missing config file flag, an unknown option and a bad web config with exit 2", async () => {
    const missingFlag = [
      ["exporter"],
      ["notifier"],
      ["probe", "--check", "x"],
      ["maintenance", "--from", "2026-03-01", "--to", "2026-03-02"],
      ["check-config"],
    ];
    for (const [i, r] of (await Promise.all(missingFlag.map(run))).entries()) {
      expect(r.status, missingFlag[i]![0]).toBe(2);
      expect(r.stderr).toContain("--config.file");
    }
    const unknown = await run(["exporter", "--config.file", exporterConfig, "--no-such-flag"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trimEnd().split("\n")).toHaveLength(1);
    const web = join(dir, "web-plain.yaml");
    writeFileSync(web, "basic_auth_users:\n  prometheus: plaintext-secret\n");
    const bad = await run(["exporter", "--config.file", exporterConfig, "--web.config.file", web, "--web.listen-address", "127.0.0.1:0"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${web}:2:15: basic_auth_users.prometheus: expected a bcrypt hash`);
    expect(bad.stderr).not.toContain("plaintext-secret");
  });

  it("accepts --config.file and its alias --config on the commands that read a config", async () => {
    const missing = join(dir, "missing.yaml");
    const flags = ["--config.file", "--config", "-c"];
    for (const [i, r] of (await Promise.all(flags.map((flag) => run(["probe", flag, missing, "--check", "x"])))).entries()) {
      expect(r.status, flags[i]).toBe(2);
      expect(r.stderr).toContain(`${missing}: (top level): cannot read config file: ENOENT`);
    }
    expect((await run(["check-config", "--config.file", exporterConfig])).status).toBe(0);
    expect((await run(["maintenance", "--config.file", exporterConfig, "--from", "2026-03-01", "--to", "2026-03-02"])).status).toBe(0);
  });
});

describe("--version", () => {
  // A guard: commander already answered --version after a subcommand before issue 14.
  it("prints the version on every command and exits 0", async () => {
    const all = [[], ...COMMANDS.map((c) => [c])];
    for (const [i, r] of (await Promise.all(all.map((args) => run([...args, "--version"])))).entries()) {
      expect(r.status, all[i]!.join(" ")).toBe(0);
      expect(r.stdout.trim()).toBe(VERSION);
    }
  });
});

describe("lifecycle endpoints", () => {
  it("answers POST /-/reload and /-/quit with 403 without --web.enable-lifecycle; SIGHUP reloads anyway", async () => {
    const p = start(["exporter", "--config.file", exporterConfig, "--web.listen-address", "127.0.0.1:0"]);
    const base = `http://127.0.0.1:${listeningPort(await p.line(/"exporter listening"/))}`;
    for (const path of ["/-/reload", "/-/quit"]) {
      const res = await fetch(`${base}${path}`, { method: "POST" });
      expect(res.status, path).toBe(403);
      expect(await res.text()).toBe("Lifecycle API is not enabled.\n");
    }
    const reloaded = p.line(/"configuration reloaded"/);
    p.child.kill("SIGHUP");
    await reloaded;
    expect((await fetch(`${base}/-/healthy`)).status).toBe(200);
  });

  it("reloads and quits over HTTP with --web.enable-lifecycle, logging in logfmt with --log.format logfmt", async () => {
    const p = start(["exporter", "-c", exporterConfig, "--web.listen-address", "127.0.0.1:0", "--web.enable-lifecycle", "--log.format", "logfmt"]);
    const listening = await p.line(/msg="exporter listening"/);
    expect(listening).toMatch(/^ts=\d{4}-\d\d-\d\dT\S+Z level=info name=exporter msg="exporter listening" address=127\.0\.0\.1:\d+ /);
    expect(listening).toContain(" lifecycle=true ");
    const base = `http://127.0.0.1:${/address=127\.0\.0\.1:(\d+)/.exec(listening)![1]}`;
    const reloaded = p.line(/msg="configuration reloaded"/);
    expect((await fetch(`${base}/-/reload`, { method: "POST" })).status).toBe(200);
    await reloaded;
    expect((await fetch(`${base}/-/quit`, { method: "POST" })).status).toBe(200);
    expect(await p.exited).toBe(0);
  });
});
