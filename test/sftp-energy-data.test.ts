import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exporter } from "../src/exporter/exporter.js";
import { startSimulator, type RunningSimulator } from "../src/simulator/simulator.js";
import { captureLogger } from "./support/capture-logger.js";
import { get, sample } from "./support/http.js";

/**
 * The SFTP energy-data check (time to market, data quality) of a real exporter against the
 * simulator's SFTP site, on a clock set to 12:00 Central: the FTPS deadline of usage day D is 23:00
 * on D+1, and the simulator posts D's files at 05:30 on D+1.
 */
const ZONE = "America/Chicago";
const ONCOR = "10443720000000001";
const CNP = "1008901000000000000001";
const noon = DateTime.now().setZone(ZONE).startOf("day").minus({ days: 5 }).set({ hour: 12 });
let offsetMs = noon.toMillis() - Date.now();
const clock = { now: () => Date.now() + offsetMs, random: () => 0.99 };
const dayStart = (day: DateTime) => day.startOf("day").toMillis() / 1000;

let dir: string;
let sim: RunningSimulator;
let exporter: Exporter;
let base: string;
const labels = { service: "ftps", check: "sftp_interval_data", location: "it" };

async function runAll(): Promise<string> {
  // twice: a run already going when the clock moved is waited for, then a fresh one runs
  await exporter.marketData.runAllNow();
  await exporter.marketData.runAllNow();
  const res = await get(`${base}/metrics`);
  expect(res.status).toBe(200);
  return res.text;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "smt-sftp-energy-"));
  sim = await startSimulator({
    stateDir: join(dir, "sim"),
    ports: { admin: 0, gui: 0, api: 0, han: 0, ftps: 0, sftp: 0 },
    pasvRange: [47900, 47919],
    now: clock.now,
  });
  const configFile = join(dir, "exporter.yaml");
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
    - name: sftp_interval_data
      service: ftps
      kind: sftp
      sftp:
        host: 127.0.0.1
        port: ${sim.ports.sftp}
        username: ${sim.credentials.ftpsUsername}
        private_key_file: ${sim.files.sftpPrivateKey}
        passphrase_file: ${sim.files.sftpPassphrase}
        host_key_sha256: "${sim.sftpHostKeySha256}"
        file_pattern: '^IntervalMeterUsage(?<ts>\\d{14})_\\d+\\.CSV\\.\\d+\\.asc$'
        file_time: name
      files: { max_files: 2 }
`,
  );
  exporter = new Exporter({ configFile, logger: captureLogger().logger, clock, listenAddress: { host: "127.0.0.1", port: 0 } });
  const { port } = await exporter.start();
  base = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(async () => {
  await exporter?.stop();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("energy data over SFTP (kind: sftp, time to market and quality)", () => {
  it("reads the newest usage day every canary has, with its intervals, and it is on time", async () => {
    const text = await runAll();
    expect(sample(text, "smt_data_check_success", labels)).toBe(1);
    // at 12:00 on day T the files of T-1 (posted 05:30) are there; T-1 is due only at 23:00, so T-2 is expected
    expect(sample(text, "smt_data_latest_usage_day_timestamp_seconds", labels)).toBe(dayStart(noon.minus({ days: 1 })));
    expect(sample(text, "smt_data_expected_usage_day_timestamp_seconds", labels)).toBe(dayStart(noon.minus({ days: 2 })));
    const n = Math.round(
      noon
        .minus({ days: 1 })
        .startOf("day")
        .plus({ days: 1 })
        .diff(noon.minus({ days: 1 }).startOf("day"), "minutes").minutes / 15,
    );
    expect(sample(text, "smt_data_quality_intervals", { ...labels, figure: "received" })).toBe(2 * n);
    expect(sample(text, "smt_data_quality_intervals", { ...labels, figure: "missing" })).toBe(0);
  });

  it("late_data: the deadline passes without the data (latest < expected), then the data arrives", async () => {
    offsetMs = noon.plus({ days: 1 }).toMillis() - Date.now();
    expect(await sim.setFault("ftps", "late_data", 42 * 3_600_000)).toBeUndefined();
    const late = await runAll();
    expect(sample(late, "smt_data_check_success", labels)).toBe(1);
    expect(sample(late, "smt_data_latest_usage_day_timestamp_seconds", labels)!).toBeLessThan(
      sample(late, "smt_data_expected_usage_day_timestamp_seconds", labels)!,
    );
    await sim.clearFaults();
    const after = await runAll();
    expect(sample(after, "smt_data_latest_usage_day_timestamp_seconds", labels)!).toBeGreaterThanOrEqual(
      sample(after, "smt_data_expected_usage_day_timestamp_seconds", labels)!,
    );
  });

  it("a host key that is not pinned fails the data check with ssh_host_key", async () => {
    expect(await sim.setFault("ftps", "wrong_host_key")).toBeUndefined();
    const text = await runAll();
    expect(sample(text, "smt_data_check_success", labels)).toBe(0);
    expect(sample(text, "smt_data_check_failures_total", { ...labels, reason: "ssh_host_key" })).toBeGreaterThanOrEqual(1);
    await sim.clearFaults();
  });
});
