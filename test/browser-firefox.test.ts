import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BrowserKind } from "../src/config/browser-settings-schema.js";
import { loadConfig, type LoadedConfig, type ResolvedCheck } from "../src/config/load.js";
import { Exporter } from "../src/exporter/exporter.js";
import { ProbeMetrics } from "../src/exporter/probe-metrics.js";
import { createLogger } from "../src/log/logger.js";
import { closeBrowsers, startBrowsers } from "../src/probes/browser-pool.js";
import { CHROMIUM_EXECUTABLE } from "../src/probes/chromium-driver.js";
import { FIREFOX_EXECUTABLE } from "../src/probes/firefox-driver.js";
import { runCheck } from "../src/probes/run.js";
import { startSimulator, type RunningSimulator } from "../src/simulator/simulator.js";
import { waitFor } from "./support/http.js";
import { isAlive } from "./support/process-groups.js";
import { PORTAL_USAGE_STEPS, portalBrowserCheck, portalLoginSteps, STEP_TIMEOUT_S } from "./support/portal-browser-check.js";
import { NAVIGATION_TIMINGS } from "../src/probes/navigation-timing.js";

/**
 * The same logged-in walk in Debian's Chromium and Firefox ESR (WebDriver BiDi): one process per browser for the
 * whole file, started before the first run (Firefox's start takes seconds on a busy machine).
 */

/** Generous: a logged-in walk on a machine running the whole suite (load 10-20 on two cores) takes 5-15 s; failures end sooner. */
const TIMEOUT_S = 20;
/** The slow_render check's timeout: short, so that the test waits little. */
const SLOW_TIMEOUT_S = 8;
const BROWSERS: BrowserKind[] = ["chromium", "firefox"];

let sim: RunningSimulator;
let dir: string;
const checks = new Map<BrowserKind, ResolvedCheck>();
let config: LoadedConfig | undefined;
const named = (name: string) => config!.checks.find((c) => c.name === name)!;

function walk(browser: BrowserKind): string {
  const steps = `${portalLoginSteps(sim)}${PORTAL_USAGE_STEPS}        - { name: usage_csv, download: "#usage-csv", max_bytes: 4096 }\n`;
  return portalBrowserCheck(sim, { name: `portal_usage_${browser}`, browser, timeout: `${TIMEOUT_S}s`, steps });
}

/** Checks that end early by design: a CSV over its bound, a link that is not there, a table that renders late. */
function endings(browser: BrowserKind): string {
  const login = portalLoginSteps(sim);
  const check = (name: string, timeout: string, steps: string, stepTimeout?: string) =>
    portalBrowserCheck(sim, { name: `${name}_${browser}`, browser, timeout, steps, stepTimeout });
  return [
    check("csv_too_big", `${TIMEOUT_S}s`, `${login}        - { name: usage_csv, download: "#usage-csv", max_bytes: 16 }\n`),
    check(
      "csv_missing",
      `${TIMEOUT_S}s`,
      `        - { name: login_page, goto: "https://127.0.0.1:${sim.ports.gui}/login" }\n        - { name: usage_csv, download: "#usage-csv" }\n`,
    ),
    // The wait_for may wait longer than the check's timeout: the timeout ends the run.
    check("slow_usage", `${SLOW_TIMEOUT_S}s`, `${login}        - { name: usage_table, wait_for: { selector: "#usage-table" } }\n`, "1m"),
  ].join("");
}

beforeAll(async () => {
  for (const binary of [CHROMIUM_EXECUTABLE, FIREFOX_EXECUTABLE])
    if (!existsSync(binary)) throw new Error(`${binary} is missing: scripts/setup.sh installs Debian's chromium and firefox-esr packages`);
  dir = mkdtempSync(join(tmpdir(), "smt-browsers-"));
  sim = await startSimulator({ stateDir: join(dir, "sim"), ports: { admin: 0, gui: 0, api: 0, han: 0, ftps: 0, sftp: 0 } });
  const configFile = join(dir, "exporter.yml");
  writeFileSync(configFile, `checks:\n${BROWSERS.map((b) => walk(b) + endings(b)).join("")}`);
  config = loadConfig(configFile);
  evidenceDir = join(dir, "data");
  for (const browser of BROWSERS)
    checks.set(
      browser,
      config.checks.find((c) => c.name === `portal_usage_${browser}`)!,
    );
  await startBrowsers(BROWSERS.map((browser) => ({ browser, insecure_skip_verify: true })));
}, 90_000);

afterEach(async () => {
  await sim.clearFaults();
});

/** The browser process of a kind that this test process started (its child), by the binary's name. */
function browserProcess(browser: BrowserKind): number {
  const name = basename(realpathSync(browser === "chromium" ? CHROMIUM_EXECUTABLE : FIREFOX_EXECUTABLE));
  const children = execFileSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" });
  const pids = children
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([, comm]) => comm !== undefined && name.startsWith(comm))
    .map(([pid]) => Number(pid));
  if (pids.length !== 1) throw new Error(`expected one ${browser} process, found ${pids.length}: ${children}`);
  return pids[0]!;
}

/** The data directory of the evidence tests. */
let evidenceDir: string;
const CLI = join(__dirname, "..", "dist", "cli", "main.js");

afterAll(async () => {
  await closeBrowsers();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("kind: browser in Chromium and Firefox ESR", () => {
  it("logs in and sees the usage page rendered by JavaScript in both browsers, labelled by browser", async () => {
    const metrics = new ProbeMetrics();
    for (const browser of BROWSERS) {
      const check = checks.get(browser)!;
      const result = await runCheck(check);
      expect(result.failure, browser).toBeUndefined();
      // Each step's phase, and the browser's own Navigation Timing of the documents the goto and the click loaded.
      const timed = (step: string) => [step, ...NAVIGATION_TIMINGS.map((t) => `${step}:${t}`)];
      // (Firefox's click returns before the navigation commits: its timings come in during the next step.)
      expect(Object.keys(result.phases).sort(), `${browser}:\n${result.log.join("\n")}`).toEqual(
        [...timed("login_page"), "user_id", "password", ...timed("log_in"), "usage_table", "esiid_shown", "kwh_shown", "no_login_error", "usage_csv"].sort(),
      );
      for (const step of ["login_page", "log_in"]) {
        const [ttfb, dcl, load] = NAVIGATION_TIMINGS.map((t) => result.phases[`${step}:${t}`]!);
        expect(ttfb, `${browser} ${step}:ttfb`).toBeGreaterThan(0);
        expect(dcl, `${browser} ${step}:dom_content_loaded`).toBeGreaterThanOrEqual(ttfb!);
        expect(load, `${browser} ${step}:load`).toBeGreaterThanOrEqual(dcl!);
      }
      // The goto step waits for the load event: the browser's own load time is inside it.
      expect(result.phases["login_page:load"]).toBeLessThanOrEqual(result.phases.login_page!);
      expect(result.log, result.log.join("\n")).toContain(
        `step usage_csv: downloaded https://127.0.0.1:${sim.ports.gui}/portal-api/usage.csv: 85 bytes of text/csv; charset=utf-8`,
      );
      metrics.addCheck(check, "test");
      metrics.record(check.name, result, Date.now());
    }
    const exposition = await metrics.registry.metrics();
    for (const browser of BROWSERS)
      expect(exposition).toContain(`smt_probe_success{service="gui",check="portal_usage_${browser}",location="test",browser="${browser}"} 1`);
  });

  it("js_error_firefox fails Firefox only, with browser_script_error within timeout + 1 s", async () => {
    expect(await sim.setFault("gui", "js_error_firefox")).toBeUndefined();
    const chromium = await runCheck(checks.get("chromium")!);
    expect(chromium.failure).toBeUndefined();
    const firefox = await runCheck(checks.get("firefox")!);
    expect(firefox.failure?.reason).toBe("browser_script_error");
    expect(firefox.failure?.message).toMatch(/uncaught exception: .*Cannot read properties of undefined/);
    expect(firefox.durationSeconds).toBeLessThan(TIMEOUT_S + 1);
  });

  for (const browser of BROWSERS) {
    it(`${browser}: a download over max_bytes, and a download link that is not there, fail with browser_step naming the step`, async () => {
      const tooBig = await runCheck(named(`csv_too_big_${browser}`));
      expect(tooBig.failure).toEqual({
        reason: "browser_step",
        message: `step usage_csv: the download of https://127.0.0.1:${sim.ports.gui}/portal-api/usage.csv is larger than max_bytes (16 bytes)`,
      });
      const missing = await runCheck(named(`csv_missing_${browser}`));
      expect(missing.failure).toEqual({ reason: "browser_step", message: `step usage_csv: selector "#usage-csv" not found within ${STEP_TIMEOUT_S} s` });
    });

    it(`${browser}: slow_render (the usage table renders after the check's timeout) fails with timeout within timeout + 1 s`, async () => {
      expect(await sim.setFault("gui", "slow_render")).toBeUndefined();
      const result = await runCheck(named(`slow_usage_${browser}`));
      expect(result.failure?.reason).toBe("timeout");
      expect(result.failure?.message).toBe(`timed out after ${SLOW_TIMEOUT_S} s`);
      expect(result.durationSeconds).toBeLessThan(SLOW_TIMEOUT_S + 1);
      // Logged in: the run ended while waiting for the table (the step that timed out has no phase yet).
      expect(Object.keys(result.phases)).toContain("log_in");
    });
  }

  for (const browser of BROWSERS) {
    it(`${browser}: a failure keeps a screenshot and the console log under the data directory, replaced by the next, with no secret in them`, async () => {
      const username = readFileSync(sim.files.apiUsername, "utf8");
      const password = readFileSync(sim.files.apiPassword, "utf8");
      const check = checks.get(browser)!;
      expect(await sim.setFault("gui", "js_error")).toBeUndefined();
      const first = await runCheck(check, { dataDir: evidenceDir });
      expect(first.failure?.reason).toBe("browser_script_error");
      expect(first.browserEvidence).toEqual({
        screenshot: join(evidenceDir, "browser-evidence", `portal_usage_${browser}.${browser}.png`),
        consoleLog: join(evidenceDir, "browser-evidence", `portal_usage_${browser}.${browser}.log`),
      });
      const png = readFileSync(first.browserEvidence!.screenshot);
      expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
      const log = readFileSync(first.browserEvidence!.consoleLog, "utf8");
      expect(log).toMatch(new RegExp(`^check portal_usage_${browser} in ${browser}: browser_script_error: step usage_table: uncaught exception: `));
      expect(log).toMatch(/uncaught exception: .*Cannot read properties of undefined/);
      await sim.clearFaults();
      expect(await sim.setFault("gui", "asset_500")).toBeUndefined();
      const second = await runCheck(check, { dataDir: evidenceDir });
      expect(second.failure?.reason).toBe("browser_request_failed");
      // One pair per check and browser: the second failure replaced the first.
      expect(
        readdirSync(join(evidenceDir, "browser-evidence"))
          .filter((f) => f.startsWith(`portal_usage_${browser}.`))
          .sort(),
      ).toEqual([`portal_usage_${browser}.${browser}.log`, `portal_usage_${browser}.${browser}.png`]);
      expect(readFileSync(second.browserEvidence!.consoleLog, "utf8")).toMatch(/request https:\/\/127\.0\.0\.1:\d+\/assets\/usage\.js answered 500/);
      for (const file of readdirSync(join(evidenceDir, "browser-evidence"))) {
        const bytes = readFileSync(join(evidenceDir, "browser-evidence", file));
        for (const secret of [username, password]) {
          expect(file).not.toContain(secret);
          expect(bytes.includes(Buffer.from(secret))).toBe(false);
        }
      }
    });
  }

  for (const browser of BROWSERS) {
    it(`${browser}: a browser process that dies (killed) is started again by the next run, which passes`, async () => {
      const killed = browserProcess(browser);
      process.kill(killed, "SIGKILL");
      await waitFor(`${browser} process ${killed} to exit`, () => Promise.resolve(isAlive(killed) ? undefined : true), 15_000, 50);
      // The restart is charged to this run: a generous timeout, the machine is busy.
      const result = await runCheck({ ...checks.get(browser)!, timeoutMs: 60_000 });
      expect(result.failure, result.failure?.message).toBeUndefined();
      expect(browserProcess(browser)).not.toBe(killed);
    }, 90_000);
  }

  it("smt-monitor probe prints where the evidence is", async () => {
    expect(await sim.setFault("gui", "js_error")).toBeUndefined();
    // The CLI starts its browser inside the check's timeout: a generous one on a busy machine.
    writeFileSync(join(dir, "probe.yml"), `checks:\n${walk("chromium").replace(`timeout: ${TIMEOUT_S}s`, "interval: 1m\n    timeout: 40s")}`);
    // Not spawnSync: the simulator answers from this process, whose event loop must keep running.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [CLI, "probe", "--config", join(dir, "probe.yml"), "--check", "portal_usage_chromium", "--data-dir", join(dir, "cli-data")],
        { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/result: {3}FAILURE reason=browser_script_error: /);
    expect(run.stdout).toContain(`screenshot:  ${join(dir, "cli-data", "browser-evidence", "portal_usage_chromium.chromium.png")}`);
    expect(run.stdout).toContain(`console log: ${join(dir, "cli-data", "browser-evidence", "portal_usage_chromium.chromium.log")}`);
    // The console log is always written (the screenshot too, unless the machine is too busy to take it in 5 s).
    expect(readFileSync(join(dir, "cli-data", "browser-evidence", "portal_usage_chromium.chromium.log"), "utf8")).toMatch(
      /^check portal_usage_chromium in chromium: /,
    );
  }, 60_000);

  // Last: the exporter's stop closes the browsers of the process.
  it("the exporter's debug page links the screenshot and console log of the last failure", async () => {
    const configFile = join(dir, "exporter-evidence.yml");
    writeFileSync(configFile, `checks:\n${walk("chromium").replace("timeout:", "interval: 1h\n    timeout:")}`);
    expect(await sim.setFault("gui", "js_error")).toBeUndefined();
    const exporter = new Exporter({
      configFile,
      logger: createLogger({ level: "silent" }),
      listenAddress: { host: "127.0.0.1", port: 0 },
      dataDir: evidenceDir,
    });
    try {
      const { port } = await exporter.start();
      await exporter.runChecksNow();
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(page).toContain('<a href="/evidence/portal_usage_chromium.chromium.png">screenshot</a>');
      expect(page).toContain('<a href="/evidence/portal_usage_chromium.chromium.log">console log</a>');
      const png = await fetch(`http://127.0.0.1:${port}/evidence/portal_usage_chromium.chromium.png`);
      expect(png.headers.get("content-type")).toBe("image/png");
      expect(
        Buffer.from(await png.arrayBuffer())
          .subarray(0, 4)
          .toString("hex"),
      ).toBe("89504e47");
      expect((await fetch(`http://127.0.0.1:${port}/evidence/..%2Fexporter-evidence.yml`)).status).toBe(404);
    } finally {
      await exporter.stop();
    }
  });
});
