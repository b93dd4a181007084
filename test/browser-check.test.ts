import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type ResolvedCheck } from "../src/config/load.js";
import { ProbeMetrics } from "../src/exporter/probe-metrics.js";
import { browserMemoryRestarts, closeBrowsers, setBrowserMemoryLimit, startBrowsers } from "../src/probes/browser-pool.js";
import { browserMemoryBytes, DEFAULT_BROWSER_MEMORY_LIMIT_MIB } from "../src/probes/browser-memory.js";
import { CHROMIUM_EXECUTABLE } from "../src/probes/chromium-driver.js";
import type { ProbeResult } from "../src/probes/probe.js";
import { runCheck } from "../src/probes/run.js";
import { startSimulator, type RunningSimulator } from "../src/simulator/simulator.js";
import { PORTAL_USAGE_STEPS, portalBrowserCheck, portalLoginSteps, STEP_TIMEOUT_S } from "./support/portal-browser-check.js";

/** `kind: browser` in Debian's Chromium against the simulator's portal: one browser process for the whole file. */

/** Generous: a logged-in walk on a machine running the whole suite (load 10-20 on two cores) takes 5-15 s; failures end sooner. */
const TIMEOUT_S = 20;
const CLI = join(__dirname, "..", "dist", "cli", "main.js");

let sim: RunningSimulator;
let dir: string;
let configFile: string;
/** Every result of the file's runs, read by the secrets test at the end. */
const results: ProbeResult[] = [];
let check: ResolvedCheck;

beforeAll(async () => {
  if (!existsSync(CHROMIUM_EXECUTABLE)) throw new Error(`${CHROMIUM_EXECUTABLE} is missing: scripts/setup.sh installs Debian's chromium package`);
  dir = mkdtempSync(join(tmpdir(), "smt-browser-"));
  sim = await startSimulator({ stateDir: join(dir, "sim"), ports: { admin: 0, gui: 0, api: 0, han: 0, ftps: 0, sftp: 0 } });
  configFile = join(dir, "exporter.yml");
  writeFileSync(configFile, portalConfig(TIMEOUT_S));
  check = loadConfig(configFile).checks[0]!;
  await startBrowsers([{ browser: "chromium", insecure_skip_verify: true }]);
});

/** The browser's Navigation Timing of the document a step loaded: first byte, then DOMContentLoaded, then load. */
function expectNavigationTiming(result: ProbeResult, step: string): void {
  const [ttfb, dcl, load] = (["ttfb", "dom_content_loaded", "load"] as const).map((t) => result.phases[`${step}:${t}`] ?? 0);
  expect(ttfb, `${step}:ttfb`).toBeGreaterThan(0);
  expect(dcl, `${step}:dom_content_loaded`).toBeGreaterThanOrEqual(ttfb!);
  expect(load, `${step}:load`).toBeGreaterThanOrEqual(dcl!);
  expect(load, `${step}:load`).toBeLessThan(TIMEOUT_S);
}

function portalConfig(timeoutSeconds: number): string {
  const steps = portalLoginSteps(sim) + PORTAL_USAGE_STEPS;
  return `checks:\n${portalBrowserCheck(sim, { name: "portal_usage", browser: "chromium", timeout: `${timeoutSeconds}s`, steps })}`;
}

afterEach(async () => {
  await sim.clearFaults();
});

afterAll(async () => {
  await closeBrowsers();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("kind: browser (Chromium)", () => {
  it("logs in and sees the usage page rendered by JavaScript; each step is a phase", async () => {
    const result = await runCheck(check);
    results.push(result);
    expect(result.failure).toBeUndefined();
    expect(result.success).toBe(true);
    const timed = (step: string) => [step, `${step}:ttfb`, `${step}:dom_content_loaded`, `${step}:load`];
    expect(Object.keys(result.phases).sort()).toEqual(
      [...timed("login_page"), "user_id", "password", ...timed("log_in"), "usage_table", "esiid_shown", "kwh_shown", "no_login_error"].sort(),
    );
    expectNavigationTiming(result, "login_page");
    expectNavigationTiming(result, "log_in");
    // The goto step waits for the load event: the browser's own load time is inside it.
    expect(result.phases["login_page:load"]).toBeLessThanOrEqual(result.phases.login_page!);
    expect(result.log.join("\n")).toContain("step usage_table: found #usage-table");
  });

  const faults = [
    { fault: "js_error", reason: "browser_script_error", message: /uncaught exception: Cannot read properties of undefined/ },
    { fault: "asset_500", reason: "browser_request_failed", message: /\/assets\/usage\.js answered 500/ },
    { fault: "login_broken", reason: "browser_step", message: new RegExp(`^step usage_table: selector "#usage-table" not found within ${STEP_TIMEOUT_S} s$`) },
  ];
  for (const row of faults) {
    it(`${row.fault} fails with ${row.reason} within timeout + 1 s`, async () => {
      expect(await sim.setFault("gui", row.fault)).toBeUndefined();
      const result = await runCheck(check);
      results.push(result);
      expect(result.success).toBe(false);
      expect(result.failure?.reason).toBe(row.reason);
      expect(result.failure?.message).toMatch(row.message);
      expect(result.durationSeconds).toBeLessThan(TIMEOUT_S + 1);
    });
  }

  it("a browser over its memory bound is restarted once its page closes, and the next run passes", async () => {
    // Its own check with a long timeout: the next run starts the browser again inside it, slow on a busy machine.
    const file = join(dir, "memory.yml");
    writeFileSync(file, portalConfig(30));
    const patient = loadConfig(file).checks[0]!;
    expect(browserMemoryBytes(CHROMIUM_EXECUTABLE)).toBeGreaterThan(1024 * 1024);
    const restarts: string[] = [];
    const before = browserMemoryRestarts("chromium");
    setBrowserMemoryLimit(1, (kind) => restarts.push(kind));
    try {
      const over = await runCheck(patient);
      expect(over.failure).toBeUndefined();
      expect(restarts).toEqual(["chromium"]);
      expect(browserMemoryRestarts("chromium")).toBe(before + 1);
      // The exporter's counter says so (docs/metrics.md).
      expect(await new ProbeMetrics().registry.metrics()).toContain(`smt_browser_memory_restarts_total{browser="chromium"} ${before + 1}`);
      // The browser's processes are gone until the next run starts a new one.
      expect(browserMemoryBytes(CHROMIUM_EXECUTABLE)).toBe(0);
    } finally {
      setBrowserMemoryLimit(DEFAULT_BROWSER_MEMORY_LIMIT_MIB);
    }
    const next = await runCheck(patient);
    expect(next.failure, next.failure?.message).toBeUndefined();
    expect(browserMemoryBytes(CHROMIUM_EXECUTABLE)).toBeGreaterThan(0);
    expect(browserMemoryRestarts("chromium")).toBe(before + 1);
  });

  it("the password typed by fill is in no log line, metric or error", async () => {
    const password = readFileSync(sim.files.apiPassword, "utf8");
    expect(results.map((r) => r.failure?.reason)).toEqual([undefined, "browser_script_error", "browser_request_failed", "browser_step"]);
    const metrics = new ProbeMetrics();
    metrics.addCheck(check, "test");
    for (const result of results) metrics.record(check.name, result, Date.now());
    const exposition = await metrics.registry.metrics();
    expect(exposition).toMatch(/smt_probe_success\{service="gui",check="portal_usage",location="test",browser="chromium"\} 0/);
    expect(exposition).toContain('smt_probe_failures_total{service="gui",check="portal_usage",location="test",browser="chromium",reason="browser_step"} 1');
    for (const text of [JSON.stringify(results), exposition]) expect(text).not.toContain(password);
  });

  it("a browser that cannot start is the monitor's fault (internal), named, not one of the site's reasons", () => {
    const run = spawnSync(process.execPath, [CLI, "probe", "--config", configFile, "--check", "portal_usage"], {
      env: { ...process.env, SMT_CHROMIUM: join(dir, "no-such-chromium") },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/result: {3}FAILURE reason=internal: cannot open a page in chromium: .*no-such-chromium/);
  });
});
