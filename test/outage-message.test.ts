import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { parseConfig } from "../src/config/load.js";
import { Exporter } from "../src/exporter/exporter.js";
import { runCheck } from "../src/probes/run.js";
import { captureLogger } from "./support/capture-logger.js";
import { get, sample } from "./support/http.js";
import { startSimulatorFixture, type SimulatorFixture } from "./support/simulator-fixture.js";

/**
 * Issue 10, item 4: the homepage outage message (seed 3.3). The GUI check records whether the
 * homepage shows it (smt_homepage_outage_message_shown), from its own page or a `url` fetched once
 * per run; absent when the homepage does not answer. The simulator shows the message while a
 * service is down, and has faults for a homepage without it and for a stale banner.
 */
const PATTERN = "(?i)(is|are) (currently )?unavailable";
const METRIC = "smt_homepage_outage_message_shown";

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, "smt.yaml", {});
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split("\n");
    throw err;
  }
}

describe("outage_message in the config", () => {
  const check = (service: string, http: string) => `checks:
  - name: home
    service: ${service}
    kind: http
    http:
      url: https://www.smartmetertexas.com/
${http}`;

  it("accepts a pattern, and a url with its own byte limit", () => {
    const config = parseConfig(
      check("gui", `      outage_message: { pattern: "${PATTERN}", url: "https://www.smartmetertexas.com/home", max_body_bytes: 65536 }\n`),
      "smt.yaml",
      {},
    );
    const http = config.checks[0]!.kind === "http" ? config.checks[0]!.http : undefined;
    expect(http?.outage_message).toEqual({ pattern: PATTERN, url: "https://www.smartmetertexas.com/home", max_body_bytes: 65_536 });
  });

  it("refuses what it cannot use, naming file, line, field and what was expected", () => {
    expect(problems(check("gui", `      outage_message: { pattern: "unavailable(?!x)" }\n`))).toEqual([
      expect.stringMatching(/^smt\.yaml:7:\d+: checks\[0\]\.http\.outage_message\.pattern: expected a regular expression \(RE2 syntax\): .*lookaround/),
    ]);
    expect(problems(check("api", `      outage_message: { pattern: "unavailable" }\n`))).toEqual([
      expect.stringMatching(/^smt\.yaml:7:\d+: checks\[0\]\.http\.outage_message: expected outage_message only on a check of service gui .*not api$/),
    ]);
    expect(problems(check("gui", `      method: HEAD\n      outage_message: { pattern: "unavailable" }\n`))).toEqual([
      expect.stringMatching(/checks\[0\]\.http\.outage_message\.url: expected the homepage's url: a HEAD answer has no body/),
    ]);
    expect(problems(check("gui", `      outage_message: { pattern: "x", max_body_bytes: 100 }\n`))).toEqual([
      expect.stringMatching(/^smt\.yaml:7:\d+: checks\[0\]\.http\.outage_message\.max_body_bytes: expected max_body_bytes only with url/),
    ]);
    expect(problems(check("gui", `      outage_message: { pattern: "x", url: "https://user:pw@www.smartmetertexas.com/" }\n`))).toEqual([
      expect.stringMatching(/checks\[0\]\.http\.outage_message\.url: credentials in URLs are not accepted/),
    ]);
  });
});

describe("the homepage at its own url (a plain HTTP site on loopback)", () => {
  let site: Server;
  let base: string;
  let homepage = "<html><body>Smart Meter Texas</body></html>";
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];

  beforeAll(async () => {
    site = createServer((req, res) => {
      seen.push({ url: req.url ?? "", headers: req.headers });
      if (req.url === "/health") res.writeHead(200).end("ok");
      else if (req.url === "/old-home") res.writeHead(302, { location: "/" }).end();
      else if (req.url === "/big") res.writeHead(200).end(`Smart Meter Texas is unavailable${" ".repeat(2048)}`);
      else if (req.url === "/hostile") res.writeHead(200).end(`${"a".repeat(5000)}!`);
      else res.writeHead(200, { "content-type": "text/html" }).end(homepage);
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => site.close(resolve));
  });

  const healthCheck = (outageMessage: string, http = "") =>
    parseConfig(
      `checks:
  - name: gui_health
    service: gui
    kind: http
    timeout: 2s
    http:
      url: ${base}/health
      basic_auth: { username: prober, password_env: GUI_PASSWORD }
      headers: { X-Api-Key: not-for-the-homepage }
${http}      outage_message: ${outageMessage}
`,
      "smt.yaml",
      { GUI_PASSWORD: "s3cret-pw" },
    ).checks[0]!;

  it("fetches the homepage once per run, following its redirects, without the check's headers or credentials", async () => {
    const check = healthCheck(`{ pattern: "${PATTERN}", url: "${base}/old-home" }`);
    seen.length = 0;
    homepage = "<html><body>Smart Meter Texas <div role=alert>The energy data API is unavailable at this time.</div></body></html>";
    const shown = await runCheck(check);
    expect(shown.success).toBe(true);
    expect(shown.outageMessageShown).toBe(true);
    expect(seen.map((s) => s.url)).toEqual(["/health", "/old-home", "/"]);
    expect(seen[0]!.headers.authorization).toMatch(/^Basic /);
    for (const s of seen.slice(1)) {
      expect(s.headers.authorization, s.url).toBeUndefined();
      expect(s.headers["x-api-key"], s.url).toBeUndefined();
    }
    // The check's phases are its own request's: the homepage fetch has its own.
    expect(Object.keys(shown.phases).sort()).toEqual(["connect", "dns", "processing", "transfer"]);

    homepage = "<html><body>Smart Meter Texas</body></html>";
    expect((await runCheck(check)).outageMessageShown).toBe(false);
  });

  it("a homepage that does not answer, or is over max_body_bytes, gives no observation and never fails the check", async () => {
    const refused = await runCheck(healthCheck(`{ pattern: "${PATTERN}", url: "http://127.0.0.1:1/" }`));
    expect(refused.success).toBe(true);
    expect(refused.outageMessageShown).toBeUndefined();
    expect(refused.log.join("\n")).toContain("outage message: the homepage http://127.0.0.1:1/ did not answer");

    const big = await runCheck(healthCheck(`{ pattern: "${PATTERN}", url: "${base}/big", max_body_bytes: 1024 }`));
    expect(big.success).toBe(true);
    expect(big.outageMessageShown).toBeUndefined();
    expect((await runCheck(healthCheck(`{ pattern: "${PATTERN}", url: "${base}/big", max_body_bytes: 4096 }`))).outageMessageShown).toBe(true);
  });

  it("a hostile pattern runs in linear time on the page the target chooses", async () => {
    const started = performance.now();
    const result = await runCheck(healthCheck(`{ pattern: "^(a+)+$", url: "${base}/hostile" }`));
    expect(result.outageMessageShown).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("the exporter on the simulator: smt_homepage_outage_message_shown", () => {
  let fx: SimulatorFixture;
  let exporter: Exporter;
  let base: string;
  let configFile: string;
  const labels = { service: "gui", check: "gui_home_message", location: "test-a" };

  beforeAll(async () => {
    fx = await startSimulatorFixture();
    configFile = fx.writeConfig({
      interval: "1h",
      only: ["api_interval_reads"],
      extraChecks: `
  - name: gui_home_message
    service: gui
    kind: http
    http:
      url: https://127.0.0.1:${fx.sim.ports.gui}/
      valid_status_codes: [200]
      body_must_match: ["Smart Meter Texas"]
      body_must_not_match: ["Access Denied", "(?i)scheduled maintenance", "(?i)currently unavailable"]
      tls: { ca_file: ${fx.sim.files.ca} }
      outage_message: { pattern: "${PATTERN}" }`,
    });
    exporter = new Exporter({ configFile, logger: captureLogger().logger, clock: { now: Date.now, random: () => 0.99 } });
    base = `http://127.0.0.1:${(await exporter.start()).port}`;
  });
  afterAll(async () => {
    await exporter?.stop();
    await fx?.stop();
  });

  /** Runs every check once with the faults given, and answers the GUI check's success and the message gauge. */
  async function withFaults(faults: [string, string][]): Promise<{ success?: number; shown?: number }> {
    await fx.sim.clearFaults();
    for (const [service, fault] of faults) expect(await fx.sim.setFault(service as "gui", fault)).toBeUndefined();
    await exporter.runChecksNow();
    const text = (await get(`${base}/metrics`)).text;
    return { success: sample(text, "smt_probe_success", labels), shown: sample(text, METRIC, labels) };
  }

  it("nothing down: the homepage answers without the message", async () => {
    expect(await withFaults([])).toEqual({ success: 1, shown: 0 });
  });

  it("another service down: the homepage shows the message, and the portal stays available", async () => {
    expect(await withFaults([["api", "refused"]])).toEqual({ success: 1, shown: 1 });
    expect(await withFaults([["api", "maintenance_page"]])).toEqual({ success: 1, shown: 1 });
  });

  it("the portal itself down: its error and maintenance pages carry the message; a CDN denial does not", async () => {
    expect(await withFaults([["gui", "http_503"]])).toEqual({ success: 0, shown: 1 });
    expect(await withFaults([["gui", "http_500"]])).toEqual({ success: 0, shown: 1 });
    expect(await withFaults([["gui", "maintenance_page"]])).toEqual({ success: 0, shown: 1 });
    expect(await withFaults([["gui", "access_denied_page"]])).toEqual({ success: 0, shown: 0 });
  });

  it("outage_message_missing: a service down and no message on the homepage", async () => {
    expect(
      await withFaults([
        ["api", "refused"],
        ["gui", "outage_message_missing"],
      ]),
    ).toEqual({ success: 1, shown: 0 });
  });

  it("outage_message_stale: the banner while nothing is down", async () => {
    expect(await withFaults([["gui", "outage_message_stale"]])).toEqual({ success: 1, shown: 1 });
  });

  it("a homepage that does not answer removes the series; it comes back with the next answer", async () => {
    expect(await withFaults([["gui", "refused"]])).toEqual({ success: 0, shown: undefined });
    expect(await withFaults([["gui", "expired_cert"]])).toEqual({ success: 0, shown: undefined });
    expect(await withFaults([])).toEqual({ success: 1, shown: 0 });
  });

  it("a reload that drops outage_message drops the series; the check goes on", async () => {
    expect(await withFaults([])).toEqual({ success: 1, shown: 0 });
    writeFileSync(configFile, readFileSync(configFile, "utf8").replace(/\n\s*outage_message: .*/, ""));
    expect(await exporter.reload()).toEqual({ ok: true });
    expect(await withFaults([["api", "refused"]])).toEqual({ success: 1, shown: undefined });
  });
});
