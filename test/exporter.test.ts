import type { ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exporter } from "../src/exporter/exporter.js";
import { captureLogger } from "./support/capture-logger.js";
import { get, sample, waitFor } from "./support/http.js";
import { startSimulatorFixture, type SimulatorFixture } from "./support/simulator-fixture.js";
import { startExporterProcess } from "./support/exporter-process.js";

let fx: SimulatorFixture;
beforeAll(async () => {
  fx = await startSimulatorFixture();
});
afterAll(async () => {
  await fx?.stop();
});

describe("exporter endpoints", () => {
  let exporter: Exporter;
  let base: string;
  let configFile: string;
  const log = captureLogger();

  beforeAll(async () => {
    // 2 s each: a loopback TLS probe that takes over a second on a loaded machine is no failure of SMT.
    configFile = fx.writeConfig({ interval: "4s", timeout: "4s" });
    exporter = new Exporter({ configFile, logger: log.logger, enableLifecycle: true });
    const { port } = await exporter.start();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await exporter?.stop();
  });

  it("serves /-/healthy, /-/ready and /metrics with build info", async () => {
    expect((await get(`${base}/-/healthy`)).status).toBe(200);
    expect((await get(`${base}/-/ready`)).status).toBe(200);
    const metrics = await get(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(sample(metrics.text, "smt_exporter_build_info")).toBe(1);
    expect(sample(metrics.text, "smt_exporter_config_last_reload_successful")).toBe(1);
    expect(metrics.text).toContain("process_resident_memory_bytes");
  });

  it("shows all four services up with their labels within a few intervals", async () => {
    for (const [service, check] of [
      ["gui", "gui_home"],
      ["api", "api_interval_reads"],
      ["ftps", "ftps_interval_files"],
      ["han", "han_device_status"],
    ]) {
      const labels = { service: service!, check: check!, location: "test-a" };
      await waitFor(`${check} up`, async () => (sample((await get(`${base}/metrics`)).text, "smt_probe_success", labels) === 1 ? true : undefined), 20_000);
      const text = (await get(`${base}/metrics`)).text;
      expect(sample(text, "smt_probe_runs_total", { ...labels, result: "success" })).toBeGreaterThan(0);
      expect(sample(text, "smt_probe_runs_total", { ...labels, result: "failure" })).toBe(0);
      expect(sample(text, "smt_probe_last_success_timestamp_seconds", labels)).toBeGreaterThan(Date.now() / 1000 - 10);
      expect(sample(text, "smt_tls_cert_not_after_timestamp_seconds", labels)).toBeGreaterThan(Date.now() / 1000);
    }
    const text = (await get(`${base}/metrics`)).text;
    expect(sample(text, "smt_ftps_newest_file_timestamp_seconds", { check: "ftps_interval_files" })).toBeGreaterThan(0);
    expect(sample(text, "smt_probe_phase_duration_seconds", { check: "gui_home", phase: "tls" })).toBeGreaterThan(0);
    expect(sample(text, "smt_probe_phase_duration_seconds", { check: "api_interval_reads", phase: "token" })).toBeGreaterThan(0);
    expect(sample(text, "smt_probe_phase_duration_seconds", { check: "ftps_interval_files", phase: "login" })).toBeGreaterThan(0);
  });

  it("probes nothing that is not in the config: there is no /probe?target=", async () => {
    const res = await get(`${base}/probe?target=https://127.0.0.1:${fx.sim.ports.gui}/&module=http_2xx`);
    expect(res.status).toBe(404);
  });

  it("accepts reloads only by POST or PUT", async () => {
    const res = await get(`${base}/-/reload`);
    expect(res.status).toBe(405);
  });

  it("reloads a good config: removed checks lose their series, new ones appear", async () => {
    fx.writeConfig({ interval: "1s", timeout: "1s", only: ["gui_home", "han_device_status"], file: configFile });
    const res = await get(`${base}/-/reload`, { method: "POST" });
    expect(res.status).toBe(200);
    const text = (await get(`${base}/metrics`)).text;
    expect(sample(text, "smt_probe_success", { check: "api_interval_reads" })).toBeUndefined();
    expect(sample(text, "smt_probe_runs_total", { check: "ftps_interval_files", result: "success" })).toBeUndefined();
    expect(sample(text, "smt_probe_success", { check: "gui_home" })).toBe(1);
  });

  it("keeps the old config running when a reload is bad, sets the gauge to 0 and says why", async () => {
    const good = readFileSync(configFile, "utf8");
    writeFileSync(configFile, good.replace("service: gui", "service: portal"));
    const res = await get(`${base}/-/reload`, { method: "POST" });
    expect(res.status).toBe(500);
    expect(res.text).toContain(configFile);
    expect(res.text).toMatch(/checks\[0\]\.service: expected one of "gui", "api", "ftps", "han", "call_center", got string "portal"/);
    let text = (await get(`${base}/metrics`)).text;
    expect(sample(text, "smt_exporter_config_last_reload_successful")).toBe(0);
    const runsBefore = sample(text, "smt_probe_runs_total", { check: "gui_home", result: "success" })!;
    await waitFor(
      "old config still probing",
      async () => {
        const now = sample((await get(`${base}/metrics`)).text, "smt_probe_runs_total", { check: "gui_home", result: "success" })!;
        return now > runsBefore ? true : undefined;
      },
      15_000,
    );
    const failed = log.lines().find((l) => l.msg === "configuration reload failed; keeping the previous configuration");
    expect(String(failed?.error)).toContain("portal");
    writeFileSync(configFile, good);
    expect((await get(`${base}/-/reload`, { method: "POST" })).status).toBe(200);
    text = (await get(`${base}/metrics`)).text;
    expect(sample(text, "smt_exporter_config_last_reload_successful")).toBe(1);
  });
});

describe("the exporter process", () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill("SIGKILL");
  });

  it("logs JSON, reloads on SIGHUP, and never shows a secret in /metrics, logs or errors", async () => {
    // A check whose URL path carries the API password: any message that shows the path would leak it.
    const leaky = `
  - name: api_leaky_path
    service: api
    kind: api
    api:
      secrets:
        password: { file: ${fx.sim.files.apiPassword} }
      tls: { ca_file: ${fx.sim.files.ca} }
      steps:
        - name: lookup
          url: https://127.0.0.1:${fx.sim.ports.api}/v2/{{ secret.password }}/
          valid_status_codes: [200]`;
    const configFile = fx.writeConfig({ interval: "1s", timeout: "1s", extraChecks: leaky });
    const exporterProcess = await startExporterProcess(["--config", configFile, "--log.level", "debug"], 30_000);
    child = exporterProcess.child;
    const { base } = exporterProcess;
    await waitFor(
      "the leaky check to fail",
      async () =>
        sample((await get(`${base}/metrics`)).text, "smt_probe_failures_total", { check: "api_leaky_path", reason: "http_status" }) ? true : undefined,
      10_000,
    );
    await waitFor(
      "ftps up",
      async () => (sample((await get(`${base}/metrics`)).text, "smt_probe_success", { check: "ftps_interval_files" }) === 1 ? true : undefined),
      10_000,
    );

    // A bad config by SIGHUP: the error names the file and field; the gauge drops to 0.
    const good = readFileSync(configFile, "utf8");
    writeFileSync(configFile, good.replace("password_file:", "password:"));
    child.kill("SIGHUP");
    await waitFor(
      "reload gauge 0",
      async () => (sample((await get(`${base}/metrics`)).text, "smt_exporter_config_last_reload_successful") === 0 ? true : undefined),
      20_000,
    );
    writeFileSync(configFile, good);
    child.kill("SIGHUP");
    await waitFor(
      "reload gauge 1",
      async () => (sample((await get(`${base}/metrics`)).text, "smt_exporter_config_last_reload_successful") === 1 ? true : undefined),
      20_000,
    );

    const metrics = (await get(`${base}/metrics`)).text;
    child.kill("SIGTERM");
    await new Promise((r) => child!.once("exit", r));

    const lines = exporterProcess
      .stdout()
      .split("\n")
      .filter((l) => l !== "");
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const reloadFailure = lines.map((l) => JSON.parse(l) as Record<string, string>).find((l) => l.msg?.startsWith("configuration reload failed"));
    expect(reloadFailure?.error).toMatch(/checks\[2\]\.ftps\.password: inline secrets are not accepted/);
    expect(exporterProcess.stdout()).toContain("<redacted>");
    for (const secret of [fx.sim.credentials.apiPassword, fx.sim.credentials.ftpsPassword]) {
      expect(exporterProcess.stdout()).not.toContain(secret);
      expect(exporterProcess.stderr()).not.toContain(secret);
      expect(metrics).not.toContain(secret);
    }
  });
});
