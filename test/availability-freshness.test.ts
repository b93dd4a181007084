import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exporter } from "../src/exporter/exporter.js";
import { generateSshKeyPair } from "../src/simulator/sftp-site.js";
import { captureLogger } from "./support/capture-logger.js";

/**
 * check-config warns (exit 0) when an availability check asserts data freshness: an FTPS
 * max_file_age, or a dated API request whose assertions fail on SMT's "no data yet" answer
 * (docs/slo.md, "Availability is not freshness"); freshness_is_availability: true says it is meant.
 */
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "dist", "cli", "main.js");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "smt-freshness-"));
  writeFileSync(join(dir, "ftps-password"), "not-a-real-one\n");
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function checkConfig(file: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI, "check-config", file], { env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const ftps = (name: string, extra: string) => `
  - name: ${name}
    service: ftps
    kind: ftps${extra}
    ftps:
      host: ftp.example.invalid
      username: rep
      password_file: ftps-password
      file_pattern: '^IntervalMeterUsage'
      max_file_age: 26h`;

const api = (name: string, request: string, assert: string) => `
  - name: ${name}
    service: api
    kind: api
    api:
      steps:
        - name: token
          method: POST
          url: https://api.example.invalid/v2/token/
          assert: [{ path: accessToken, exists: true }]
          extract: { token: accessToken }
        - name: reads
          method: POST
          url: https://api.example.invalid/v2/${request}
          headers: { Authorization: "Bearer {{ vars.token }}" }
          assert:
            ${assert}`;

const CONFIG = `checks:${ftps("ftps_files", "")}${ftps("ftps_files_on_purpose", "\n    freshness_is_availability: true")}${api(
  "api_reads_exist",
  `15minintervalreads/\n          json: { startDate: "{{ date(-2, 'MM/dd/yyyy') }}", esiid: ["10443720000000001"] }`,
  `- { path: "energyData[0].esiid", exists: true }`,
)}${api(
  "api_reads_either",
  `15minintervalreads/\n          json: { startDate: "{{ date(-2, 'MM/dd/yyyy') }}", esiid: ["10443720000000001"] }`,
  `- any_of: [{ path: energyData, exists: true }, { path: errorCode, equals: "1" }]`,
)}${api("api_meter_info", `meterInfo/\n          json: { esiid: ["10443720000000001"] }`, `- { path: "MeterData[0].esiid", exists: true }`)}${api(
  "api_reads_in_url",
  `15minintervalreads/?day={{ date(-1, 'yyyy-MM-dd') }}`,
  `- { path: "energyData[0].RD", matches: "-A" }`,
)}
`;

describe("check-config: availability checks that late data would fail", () => {
  it("warns with file, line, column, field and check name, and still exits 0", async () => {
    const file = join(dir, "smt.yaml");
    writeFileSync(file, CONFIG);
    const r = await checkConfig(file);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${file}: OK (6 checks; services: ftps, api; location: default; 3 warning(s))\n`);
    const warnings = r.stderr.trim().split("\n");
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toBe(
      `${file}:10:21: warning: checks[0].ftps.max_file_age: check "ftps_files" fails with stale_file when the newest file is older than max_file_age, ` +
        `so a late delivery would count as ftps downtime. Availability measures whether the service answers; late data is time to market ` +
        `(energy_data checks, SMTDataDeliveryLate): remove max_file_age, or set freshness_is_availability: true on the check to charge late data as downtime on purpose`,
    );
    expect(warnings[1]).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:37:15: warning: checks\\[2\\]\\.api\\.steps\\[1\\]\\.assert\\[0\\]: check "api_reads_exist" step "reads" asks for dated data and fails on SMT's "no data yet" answer \\(errorCode "1"\\)`,
      ),
    );
    expect(warnings[1]).toContain('accept both answers with any_of: [{ path: energyData, exists: true }, { path: errorCode, equals: "1" }]');
    expect(warnings[2]).toContain(`warning: checks[5].api.steps[1].assert[0]: check "api_reads_in_url" step "reads" asks for dated data`);
  });

  it("the production example has no such check", async () => {
    // Its SFTP checks pin SMT's host key from a known_hosts file beside the config and log in with a key.
    const exampleDir = mkdtempSync(join(dir, "example-"));
    const example = join(exampleDir, "smt-monitor.example.yaml");
    copyFileSync(join(ROOT, "config", "smt-monitor.example.yaml"), example);
    writeFileSync(join(exampleDir, "known_hosts"), `ftp.smartmetertexas.biz ${generateSshKeyPair("smt").public.split(" ").slice(0, 2).join(" ")}\n`);
    const r = await checkConfig(example, {
      SMT_API_USERNAME: "u",
      SMT_API_PASSWORD: "p",
      SMT_SFTP_PRIVATE_KEY: generateSshKeyPair("rep").private,
      SMT_NOTIFIER_READER_PASSWORD: "r",
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("warning");
  });

  it("any_of: alone, with at least two path tests", async () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(
      file,
      `checks:${api("a", "x/", `- { path: errorCode, any_of: [{ path: a, exists: true }, { path: b, exists: true }] }`)}${api(
        "b",
        "x/",
        `- any_of: [{ path: a, exists: true }]`,
      )}${api("c", "x/", `- any_of: [{ path: a }, { path: b, exists: true, equals: 1 }]`)}
`,
    );
    const r = await checkConfig(file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:17:15: checks[0].api.steps[1].assert[0]: expected any_of alone, without path or a test beside it`);
    expect(r.stderr).toContain(`checks[1].api.steps[1].assert[0].any_of: expected a list of at least 2 items, got 1 item`);
    expect(r.stderr).toContain(`checks[2].api.steps[1].assert[0].any_of[0]: expected exactly one of exists, equals, matches, less_than, greater_than`);
    expect(r.stderr).toContain(`checks[2].api.steps[1].assert[0].any_of[1]: expected exactly one of exists, equals, matches, less_than, greater_than`);
  });

  it("the exporter logs the same warnings when it loads the config", async () => {
    const file = join(dir, "exporter.yaml");
    writeFileSync(file, `listen_address: "127.0.0.1:0"\ndefaults: { interval: 24h }\n${CONFIG}`);
    const log = captureLogger();
    const exporter = new Exporter({ configFile: file, logger: log.logger, clock: { now: Date.now, random: () => 0.99 } });
    await exporter.start();
    await exporter.stop();
    const warnings = log
      .lines()
      .filter((l) => l.msg === "configuration warning")
      .map((l) => String(l.warning));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/exporter\.yaml:12:21: warning: checks\[0\]\.ftps\.max_file_age: check "ftps_files"/);
  });
});
