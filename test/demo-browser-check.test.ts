import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, type ResolvedCheck } from "../src/config/load.js";
import { DEFAULT_DEMO_PORTS, prepareDemo, type DemoLayout } from "../src/demo/demo-setup.js";
import { demoCheckList } from "../src/demo/run-demo.js";
import { closeBrowsers, startBrowsers } from "../src/probes/browser-pool.js";
import { runCheck } from "../src/probes/run.js";
import { startSimulatorFixture, type SimulatorFixture } from "./support/simulator-fixture.js";

/**
 * Issue 12: `npm start` shows a browser check among the demo's checks. The demo's config (config/demo.yaml,
 * derived as `smt-monitor demo` derives it) has the logged-in portal walk in Chromium; it passes against the
 * simulator the demo starts, fails with browser_script_error on the simulator's js_error, and does not count for
 * the demo's GUI availability. (test/demo.test.ts runs the whole demo; this file runs only its browser check.)
 */
const ROOT = join(import.meta.dirname, "..");

let fx: SimulatorFixture;
let layout: DemoLayout;
let portal: ResolvedCheck;

beforeAll(async () => {
  fx = await startSimulatorFixture();
  const p = fx.sim.ports;
  layout = await prepareDemo({
    dataDir: fx.dir,
    exporterTemplate: join(ROOT, "config", "demo.yaml"),
    alertmanagerTemplate: join(ROOT, "alertmanager", "alertmanager.yml"),
    ports: {
      ...DEFAULT_DEMO_PORTS,
      simulatorAdmin: p.admin,
      simulatorGui: p.gui,
      simulatorApi: p.api,
      simulatorHan: p.han,
      simulatorFtps: p.ftps,
      simulatorSftp: p.sftp,
    },
    now: Date.now(),
    keepState: true,
  });
  const check = loadConfig(layout.exporterConfig).checks.find((c) => c.kind === "browser");
  if (!check) throw new Error("the demo config has no browser check");
  portal = check;
  // As the exporter does: the browser starts before the first run, not inside its timeout.
  if (check.kind === "browser") await startBrowsers([check.browser]);
}, 60_000);

afterAll(async () => {
  await closeBrowsers();
  await fx?.stop();
});

describe("the demo's browser check", () => {
  it("is listed among the demo's checks, in Chromium, for the GUI, not counting for its availability", () => {
    expect(demoCheckList(layout.checks)).toMatch(/^gui: gui_home \(http\), portal_usage \(browser, chromium\); api: /);
    expect(portal).toMatchObject({ name: "portal_usage", service: "gui", countsForAvailability: false });
    expect(layout.exporterDataDir).toBe(join(fx.dir, "exporter"));
  });

  it("logs in, sees the usage page and downloads the CSV from the demo's simulator", async () => {
    // The demo's walk, with a generous timeout: the suite's machine is busier than a demo's.
    const result = await runCheck({ ...portal, timeoutMs: 60_000 });
    expect(result.failure).toBeUndefined();
    expect(Object.keys(result.phases)).toEqual(expect.arrayContaining(["login_page", "log_in", "usage_table", "usage_csv"]));
  }, 90_000);

  it("fails with browser_script_error while the simulator's portal script throws (js_error)", async () => {
    expect(await fx.sim.setFault("gui", "js_error")).toBeUndefined();
    try {
      const result = await runCheck(portal);
      expect(result.failure?.reason).toBe("browser_script_error");
    } finally {
      await fx.sim.clearFaults();
    }
  });
});
