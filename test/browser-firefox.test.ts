import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BrowserKind } from "../src/config/browser-settings-schema.js";
import { loadConfig, type LoadedConfig, type ResolvedCheck } from "../src/config/load.js";
import { ProbeMetrics } from "../src/exporter/probe-metrics.js";
import { closeBrowsers, startBrowsers } from "../src/probes/browser-pool.js";
import { CHROMIUM_EXECUTABLE } from "../src/probes/chromium-driver.js";
import { FIREFOX_EXECUTABLE } from "../src/probes/firefox-driver.js";
import { runCheck } from "../src/probes/run.js";
import { startSimulator, type RunningSimulator } from "../src/simulator/simulator.js";

/**
 * The same logged-in walk in Debian's Chromium and Firefox ESR (WebDriver BiDi): one process per browser for the
 * whole file, started before the first run (Firefox's start takes seconds on a busy machine).
 */

const TIMEOUT_S = 10;
/** The slow_render check's timeout: short, so that the test waits little. */
const SLOW_TIMEOUT_S = 8;
const BROWSERS: BrowserKind[] = ["chromium", "firefox"];

let sim: RunningSimulator;
let dir: string;
const checks = new Map<BrowserKind, ResolvedCheck>();
let config: LoadedConfig | undefined;
const named = (name: string) => config!.checks.find((c) => c.name === name)!;

function walk(browser: BrowserKind): string {
  return `  - name: portal_usage_${browser}
    service: gui
    kind: browser
    timeout: ${TIMEOUT_S}s
    browser:
      browser: ${browser}
      insecure_skip_verify: true
      step_timeout: 2s
      secrets:
        username: { file: ${sim.files.apiUsername} }
        password: { file: ${sim.files.apiPassword} }
      steps:
        - { name: login_page, goto: "https://127.0.0.1:${sim.ports.gui}/login" }
        - { name: user_id, fill: "#username", value: "{{ secret.username }}" }
        - { name: password, fill: "#password", value: "{{ secret.password }}" }
        - { name: log_in, click: "#login" }
        - { name: usage_table, wait_for: { selector: "#usage-table" } }
        - { name: esiid_shown, wait_for: { text: "Daily usage for ESIID 10443720000000001" } }
        - { name: kwh_shown, expect_text: "31.40" }
        - { name: no_login_error, expect_no_text: "not valid" }
        - { name: usage_csv, download: "#usage-csv", max_bytes: 4096 }
`;
}

/** Checks that end early by design: a CSV over its bound, a link that is not there, a table that renders late. */
function endings(browser: BrowserKind): string {
  const login = `        - { name: login_page, goto: "https://127.0.0.1:${sim.ports.gui}/login" }
        - { name: user_id, fill: "#username", value: "{{ secret.username }}" }
        - { name: password, fill: "#password", value: "{{ secret.password }}" }
        - { name: log_in, click: "#login" }
`;
  const check = (name: string, timeout: string, steps: string) => `  - name: ${name}_${browser}
    service: gui
    kind: browser
    timeout: ${timeout}
    browser:
      browser: ${browser}
      insecure_skip_verify: true
      step_timeout: 2s
      secrets:
        username: { file: ${sim.files.apiUsername} }
        password: { file: ${sim.files.apiPassword} }
      steps:
${steps}`;
  return [
    check("csv_too_big", `${TIMEOUT_S}s`, `${login}        - { name: usage_csv, download: "#usage-csv", max_bytes: 16 }\n`),
    check(
      "csv_missing",
      `${TIMEOUT_S}s`,
      `        - { name: login_page, goto: "https://127.0.0.1:${sim.ports.gui}/login" }\n        - { name: usage_csv, download: "#usage-csv" }\n`,
    ),
    // The wait_for may wait longer than the check's timeout: the timeout ends the run.
    check("slow_usage", `${SLOW_TIMEOUT_S}s`, `${login}        - { name: usage_table, wait_for: { selector: "#usage-table" } }\n`).replace(
      "step_timeout: 2s",
      "step_timeout: 1m",
    ),
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
      expect(Object.keys(result.phases)).toEqual([
        "login_page",
        "user_id",
        "password",
        "log_in",
        "usage_table",
        "esiid_shown",
        "kwh_shown",
        "no_login_error",
        "usage_csv",
      ]);
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
      expect(missing.failure).toEqual({ reason: "browser_step", message: 'step usage_csv: selector "#usage-csv" not found within 2 s' });
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
});
