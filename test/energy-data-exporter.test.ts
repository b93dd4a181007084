import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exporter } from "../src/exporter/exporter.js";
import { startSimulator, type RunningSimulator } from "../src/simulator/simulator.js";
import { captureLogger } from "./support/capture-logger.js";
import { get, sample } from "./support/http.js";

/**
 * The energy-data checks and figure sources of a real exporter against the real simulator (FTPS over
 * explicit TLS, the HTTPS API, the admin port's feeds and the file drop), on a clock moved to the days
 * after the latest daylight-saving change, so that the newest usage day has 92 or 100 intervals.
 */
const run = promisify(execFile);
const ZONE = "America/Chicago";
const ONCOR = "10443720000000001";
const CNP = "1008901000000000000001";

/** The latest US DST change day (second Sunday of March, first Sunday of November) at least 3 days ago. */
function latestDstDay(now: DateTime): DateTime {
  for (let d = now.setZone(ZONE).startOf("day").minus({ days: 3 }); ; d = d.minus({ days: 1 })) {
    if (d.weekday === 7 && ((d.month === 3 && d.day >= 8 && d.day <= 14) || (d.month === 11 && d.day <= 7))) return d;
  }
}

const dst = latestDstDay(DateTime.now());
const intervalsOf = (day: DateTime) => Math.round(day.plus({ days: 1 }).diff(day, "minutes").minutes / 15);
/** Seconds of a usage day's 00:00 Central. */
const dayStart = (day: DateTime) => day.toMillis() / 1000;

let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs, random: () => 0.99 };
/** Moves the shared clock of the simulator and the exporter to a Central wall-clock time. */
const setClock = (local: DateTime) => {
  offsetMs = local.toMillis() - Date.now();
};

let dir: string;
let sim: RunningSimulator;
let exporter: Exporter;
let base: string;
const log = captureLogger();
let configFile: string;
let ticketsDrop: string;

async function metrics(): Promise<string> {
  const res = await get(`${base}/metrics`);
  expect(res.status).toBe(200);
  return res.text;
}
const labels = (service: string, check: string) => ({ service, check, location: "it" });
async function runAll(): Promise<string> {
  // twice: a run already going when the clock moved is waited for, then a fresh one runs
  await exporter.marketData.runAllNow();
  await exporter.marketData.runAllNow();
  return metrics();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "smt-energy-"));
  setClock(dst.plus({ days: 1, hours: 12 }));
  sim = await startSimulator({
    stateDir: join(dir, "sim"),
    ports: { admin: 0, gui: 0, api: 0, han: 0, ftps: 0, sftp: 0 },
    pasvRange: [47000 + (process.pid % 50) * 20, 47019 + (process.pid % 50) * 20],
    now: clock.now,
  });
  const f = sim.files;
  ticketsDrop = join(dir, "drop", "tickets.csv");
  mkdirSync(join(dir, "drop"));
  copyFileSync(sim.feeds.files.tickets, ticketsDrop);
  configFile = join(dir, "exporter.yaml");
  writeFileSync(
    configFile,
    `listen_address: "127.0.0.1:0"
location: it
checks: []
energy_data:
  canary_esiids: ["${ONCOR}", "${CNP}"]
  interval: 1h
  timeout: 20s
  checks:
    - name: ftps_interval_data
      service: ftps
      kind: ftps
      ftps:
        host: 127.0.0.1
        port: ${sim.ports.ftps}
        username: ${sim.credentials.ftpsUsername}
        password_file: ${f.ftpsPassword}
        tls: { ca_file: ${f.ca} }
        file_pattern: '^IntervalMeterUsage(?<ts>\\d{14})_\\d+\\.CSV\\.\\d+\\.asc$'
        file_time: name
      files: { max_files: 2 }
    - name: api_interval_data
      service: api
      kind: api
      api:
        secrets:
          username: { file: ${f.apiUsername} }
          password: { file: ${f.apiPassword} }
        tls: { ca_file: ${f.ca} }
        steps:
          - name: token
            method: POST
            url: https://127.0.0.1:${sim.ports.api}/v2/token/
            json: { username: "{{ secret.username }}", password: "{{ secret.password }}" }
            extract: { token: accessToken }
          - name: interval_reads
            method: POST
            url: https://127.0.0.1:${sim.ports.api}/v2/15minintervalreads/
            headers: { Authorization: "Bearer {{ vars.token }}" }
            json: { trans_id: "{{ uuid }}", startDate: "{{ date(-6, 'MM/dd/yyyy') }}", endDate: "{{ date(-1, 'MM/dd/yyyy') }}", esiid: "{{ canary_esiids }}" }
market_figures:
  interval: 1h
  timeout: 10s
  sources:
    - name: call_center
      figure: call_center_tickets
      file: drop/tickets.csv
    - name: han_feed
      figure: han_devices
      http:
        steps:
          - name: devices
            url: http://127.0.0.1:${sim.ports.admin}/feeds/han-devices.json
`,
  );
  exporter = new Exporter({ configFile, logger: log.logger, clock, listenAddress: { host: "127.0.0.1", port: 0 } });
  const { port } = await exporter.start();
  base = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  await exporter?.stop();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(`energy data on the days after the DST change of ${dst.toISODate()} (real FTPS and API)`, () => {
  it("FTPS: the newest usage day is the DST day, with its 92 or 100 intervals per canary", async () => {
    setClock(dst.plus({ days: 1, hours: 12 }));
    const text = await runAll();
    const ftps = labels("ftps", "ftps_interval_data");
    expect(sample(text, "smt_data_check_success", ftps)).toBe(1);
    expect(sample(text, "smt_data_latest_usage_day_timestamp_seconds", ftps)).toBe(dayStart(dst));
    expect(sample(text, "smt_data_quality_usage_day_timestamp_seconds", ftps)).toBe(dayStart(dst));
    const n = intervalsOf(dst);
    expect([92, 100]).toContain(n);
    for (const [figure, value] of Object.entries({ expected: 2 * n, received: 2 * n, missing: 0, duplicate: 0, negative: 0, estimated: 0 })) {
      expect(sample(text, "smt_data_quality_intervals", { ...ftps, figure }), figure).toBe(value);
    }
    // at 12:00 on D+1 the FTPS file of D is due only at 23:00: the expected day is D-1, nothing is late
    expect(sample(text, "smt_data_expected_usage_day_timestamp_seconds", ftps)).toBe(dayStart(dst.minus({ days: 1 })));
    expect(sample(text, "smt_data_next_deadline_timestamp_seconds", ftps)).toBe(dst.plus({ days: 1, hours: 23 }).toMillis() / 1000);
  });

  it("API: on D+2 after 06:00 the DST day is there, for every canary", async () => {
    setClock(dst.plus({ days: 2, hours: 7 }));
    const text = await runAll();
    const api = labels("api", "api_interval_data");
    expect(sample(text, "smt_data_check_success", api)).toBe(1);
    expect(sample(text, "smt_data_latest_usage_day_timestamp_seconds", api)).toBe(dayStart(dst));
    expect(sample(text, "smt_data_expected_usage_day_timestamp_seconds", api)).toBe(dayStart(dst));
    expect(sample(text, "smt_data_quality_intervals", { ...api, figure: "expected" })).toBe(2 * intervalsOf(dst));
    expect(sample(text, "smt_data_quality_intervals", { ...api, figure: "missing" })).toBe(0);
  });

  it("late_data: the deadline passes without the data, so latest < expected for both services", async () => {
    setClock(dst.plus({ days: 3, hours: 12 }));
    expect(await sim.setFault("api", "late_data", 24 * 3_600_000)).toBeUndefined();
    expect(await sim.setFault("ftps", "late_data", 42 * 3_600_000)).toBeUndefined();
    const text = await runAll();
    for (const l of [labels("api", "api_interval_data"), labels("ftps", "ftps_interval_data")]) {
      const latest = sample(text, "smt_data_latest_usage_day_timestamp_seconds", l)!;
      const expected = sample(text, "smt_data_expected_usage_day_timestamp_seconds", l)!;
      expect(latest, l.service).toBeLessThan(expected);
    }
    // the check itself worked: late data is not a failed check (nor unavailability)
    expect(sample(text, "smt_data_check_success", labels("api", "api_interval_data"))).toBe(1);
    await sim.clearFaults();
    const after = await runAll();
    for (const l of [labels("api", "api_interval_data"), labels("ftps", "ftps_interval_data")]) {
      expect(sample(after, "smt_data_latest_usage_day_timestamp_seconds", l)!, l.service).toBeGreaterThanOrEqual(
        sample(after, "smt_data_expected_usage_day_timestamp_seconds", l)!,
      );
    }
  });

  it("flawed_data: a missing interval, a duplicate (FTPS), a negative value and four estimated intervals", async () => {
    setClock(dst.plus({ days: 4, hours: 12 }));
    await sim.setFault("api", "flawed_data");
    await sim.setFault("ftps", "flawed_data");
    const text = await runAll();
    const ftps = labels("ftps", "ftps_interval_data");
    const api = labels("api", "api_interval_data");
    const ftpsDay = DateTime.fromSeconds(sample(text, "smt_data_quality_usage_day_timestamp_seconds", ftps)!, { zone: ZONE });
    const apiDay = DateTime.fromSeconds(sample(text, "smt_data_quality_usage_day_timestamp_seconds", api)!, { zone: ZONE });
    const fq = (figure: string) => sample(text, "smt_data_quality_intervals", { ...ftps, figure });
    const aq = (figure: string) => sample(text, "smt_data_quality_intervals", { ...api, figure });
    expect([fq("expected"), fq("received"), fq("missing"), fq("duplicate"), fq("negative"), fq("estimated")]).toEqual([
      2 * intervalsOf(ftpsDay),
      2 * intervalsOf(ftpsDay),
      1,
      1,
      1,
      4,
    ]);
    expect([aq("expected"), aq("received"), aq("missing"), aq("duplicate"), aq("negative"), aq("estimated")]).toEqual([
      2 * intervalsOf(apiDay),
      2 * intervalsOf(apiDay) - 1,
      1,
      0,
      1,
      4,
    ]);
    await sim.clearFaults();
  });

  it("a failed run keeps what was seen and counts the reason", async () => {
    const before = await metrics();
    const ftps = labels("ftps", "ftps_interval_data");
    const latest = sample(before, "smt_data_latest_usage_day_timestamp_seconds", ftps);
    await sim.setFault("ftps", "auth_failure");
    const text = await runAll();
    expect(sample(text, "smt_data_check_success", ftps)).toBe(0);
    expect(sample(text, "smt_data_check_failures_total", { ...ftps, reason: "ftp_login" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "smt_data_latest_usage_day_timestamp_seconds", ftps)).toBe(latest);
    // and no probe series: energy-data checks never count towards availability
    expect(text).not.toMatch(/smt_probe_success\{[^}]*ftps_interval_data/);
    await sim.clearFaults();
  });
});

describe("call-center and HAN figures (file drop and HTTP)", () => {
  it("reads both sources", async () => {
    const text = await runAll();
    expect(sample(text, "smt_figures_read_success", { source: "call_center" })).toBe(1);
    expect(sample(text, "smt_figures_read_success", { source: "han_feed" })).toBe(1);
    const month = DateTime.fromMillis(clock.now(), { zone: ZONE }).minus({ months: 1 }).toFormat("yyyy-MM");
    expect(sample(text, "smt_call_center_tickets", { source: "call_center", month, type: "Password Reset" })).toBeGreaterThan(0);
    expect(sample(text, "smt_han_devices", { source: "han_feed", status: "joined", tdsp: "oncor" })).toBeGreaterThan(0);
    expect(sample(text, "smt_figures_rows", { source: "han_feed", result: "malformed" })).toBe(0);
  });

  it("bad rows are reported with file and line and not counted; good figures stay", async () => {
    const before = await metrics();
    const res = await fetch(`http://127.0.0.1:${sim.ports.admin}/feeds`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"bad_rows": true}',
    });
    expect(res.status).toBe(200);
    copyFileSync(sim.feeds.files.tickets, ticketsDrop);
    const text = await runAll();
    expect(sample(text, "smt_figures_rows", { source: "han_feed", result: "malformed" })).toBe(3);
    expect(sample(text, "smt_figures_rows", { source: "call_center", result: "malformed" })).toBe(3);
    for (const labelsOf of [
      { source: "han_feed", status: "joined", tdsp: "oncor" },
      { source: "han_feed", status: "failed", tdsp: "tnmp" },
    ]) {
      expect(sample(text, "smt_han_devices", labelsOf)).toBe(sample(before, "smt_han_devices", labelsOf));
    }
    const warnings = log.lines().filter((l) => l.msg === "figure source has malformed rows; they were not counted");
    const problems = warnings.flatMap((w) => w.problems as string[]);
    expect(problems).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${ticketsDrop.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:\\d+: count: expected a whole number of tickets, got "twelve"$`),
      ),
    );
    expect(problems).toContainEqual(expect.stringMatching(/\/feeds\/han-devices\.json:\d+: esiid: expected 17 digits/));
  });

  it("a broken or missing file never zeroes the figures: they are kept and the read is marked failed", async () => {
    const before = await metrics();
    const month = DateTime.fromMillis(clock.now(), { zone: ZONE }).minus({ months: 1 }).toFormat("yyyy-MM");
    const key = { source: "call_center", month, type: "Password Reset" };
    const good = sample(before, "smt_call_center_tickets", key);
    expect(good).toBeGreaterThan(0);
    writeFileSync(ticketsDrop, "month,type,count\n2026-13,Other,x\n\u0000\u0001 garbage\n");
    let text = await runAll();
    expect(sample(text, "smt_figures_read_success", { source: "call_center" })).toBe(0);
    expect(sample(text, "smt_call_center_tickets", key)).toBe(good);
    unlinkSync(ticketsDrop);
    text = await runAll();
    expect(sample(text, "smt_figures_read_success", { source: "call_center" })).toBe(0);
    expect(sample(text, "smt_call_center_tickets", key)).toBe(good);
    const errors = log
      .lines()
      .filter((l) => l.msg === "figure source not read; keeping the previous figures")
      .map((l) => String(l.error));
    expect(errors).toContainEqual(expect.stringMatching(/tickets\.csv: no row could be counted/));
    expect(errors).toContainEqual(expect.stringMatching(/cannot read .*tickets\.csv: ENOENT/));
    copyFileSync(sim.feeds.files.tickets, ticketsDrop);
    text = await runAll();
    expect(sample(text, "smt_figures_read_success", { source: "call_center" })).toBe(1);
  });
});

describe("config", () => {
  it("check-config names file, line and field for the new sections", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      `checks: []
energy_data:
  canary_esiids: ["1044372000000001"]
  deadlines:
    ftps: { days_after: 1, at: "25:00" }
market_figures:
  sources:
    - name: t
      figure: tickets
      file: t.csv
`,
    );
    const cli = join(import.meta.dirname, "..", "dist", "cli", "main.js");
    const r = await run(process.execPath, [cli, "check-config", bad]).catch((e: { code: number; stdout: string; stderr: string }) => e);
    const out = `${(r as { stdout: string }).stdout}${(r as { stderr: string }).stderr}`;
    expect((r as { code?: number }).code).toBe(1);
    expect(out).toContain(`${bad}:3:19: energy_data.canary_esiids[0]: expected an ESIID of 17 digits (22 for CenterPoint) starting with "10", quoted`);
    expect(out).toContain(`${bad}:5:32: energy_data.deadlines.ftps.at: expected a local time "HH:MM", got "25:00"`);
    expect(out).toMatch(
      new RegExp(
        `${bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:9:15: market_figures\\.sources\\[0\\]\\.figure: expected one of "call_center_tickets", "han_devices"`,
      ),
    );
  });
});
