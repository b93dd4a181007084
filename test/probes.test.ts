import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import { runCheck } from "../src/probes/run.js";
import { startSimulatorFixture, type SimulatorFixture } from "./support/simulator-fixture.js";

let fx: SimulatorFixture;

beforeAll(async () => {
  fx = await startSimulatorFixture();
});
afterAll(async () => {
  await fx?.stop();
});

function check(name: string, extra?: string) {
  const config = loadConfig(fx.writeConfig({ extraChecks: extra }));
  const found = config.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
}

describe("every kind against the simulator's real servers", () => {
  it("http: the GUI home page, with every HTTP phase timed and the certificate expiry read", async () => {
    const result = await runCheck(check("gui_home"));
    expect(result.failure).toBeUndefined();
    expect(result.success).toBe(true);
    expect(Object.keys(result.phases).sort()).toEqual(["connect", "dns", "processing", "tls", "transfer"]);
    expect(result.phases.tls).toBeGreaterThan(0);
    // The leaf expires in a year, the CA in five: the earliest of the chain is the leaf's.
    const leafNotAfter = Date.parse(new X509Certificate(fx.sim.certificates.server.cert).validTo) / 1000;
    expect(result.certNotAfter).toBe(leafNotAfter);
  });

  it("api: token, then the interval reads with the bearer token; one phase per step", async () => {
    const result = await runCheck(check("api_interval_reads"));
    expect(result.failure).toBeUndefined();
    expect(Object.keys(result.phases)).toEqual(["token", "interval_reads"]);
    expect(result.log.join("\n")).toContain("/v2/15minintervalreads/ -> 200");
  });

  it("api: HAN device status", async () => {
    const result = await runCheck(check("han_device_status"));
    expect(result.failure).toBeUndefined();
    expect(result.success).toBe(true);
  });

  it("ftps: explicit TLS, login, listing, newest file by its SMT name, bounded download", async () => {
    const result = await runCheck(check("ftps_interval_files"));
    expect(result.failure).toBeUndefined();
    expect(Object.keys(result.phases).sort()).toEqual(["connect", "list", "login", "tls", "transfer"]);
    expect(result.newestFileTime).toBeGreaterThan(Date.now() / 1000 - 26 * 3600);
    expect(result.log.join("\n")).toMatch(/downloaded 4096 bytes .*stopped at max_bytes/);
    expect(result.certNotAfter).toBeGreaterThan(Date.now() / 1000);
  });

  it("ftps: file_time mtime reads the time with MDTM", async () => {
    const extra = `
  - name: ftps_mtime
    service: ftps
    kind: ftps
    ftps:
      host: 127.0.0.1
      port: ${fx.sim.ports.ftps}
      username: ${fx.sim.credentials.ftpsUsername}
      password_file: ${fx.sim.files.ftpsPassword}
      tls: { ca_file: ${fx.sim.files.ca} }
      file_pattern: '^IntervalMeterUsage'
      file_time: mtime
      max_file_age: 1m`;
    const result = await runCheck(check("ftps_mtime", extra));
    // The newest delivery is hours old, so a 1-minute limit must fail as stale, with the real time read.
    expect(result.failure?.reason).toBe("stale_file");
    expect(result.newestFileTime).toBeGreaterThan(Date.now() / 1000 - 26 * 3600);
  });

  it("http with mutual TLS and basic auth (the pre-2025 API style)", async () => {
    const base = (name: string, tls: string) => `
  - name: ${name}
    service: api
    kind: http
    http:
      url: https://localhost:${fx.sim.ports.api}/v1/ping/
      basic_auth: { username: ${fx.sim.credentials.legacyUsername}, password_file: ${fx.sim.files.legacyPassword} }
      tls: { ${tls} }`;
    const extra =
      base("legacy_mtls", `ca_file: ${fx.sim.files.ca}, cert_file: ${fx.sim.files.clientCert}, key_file: ${fx.sim.files.clientKey}`) +
      base("legacy_no_client_cert", `ca_file: ${fx.sim.files.ca}`) +
      base(
        "legacy_wrong_name",
        `ca_file: ${fx.sim.files.ca}, server_name: services.smartmetertexas.net, cert_file: ${fx.sim.files.clientCert}, key_file: ${fx.sim.files.clientKey}`,
      );
    const ok = await runCheck(check("legacy_mtls", extra));
    expect(ok.failure).toBeUndefined();
    const noCert = await runCheck(check("legacy_no_client_cert", extra));
    expect(noCert.failure?.reason).toBe("auth");
    const wrongName = await runCheck(check("legacy_wrong_name", extra));
    expect(wrongName.failure?.reason).toBe("tls");
    expect(wrongName.failure?.message).toMatch(/does not match host/);
  });

  it("http follows redirects up to max_redirects and fails past it", async () => {
    const extra = (name: string, max: number) => `
  - name: ${name}
    service: gui
    kind: http
    http:
      url: https://127.0.0.1:${fx.sim.ports.gui}/home
      max_redirects: ${max}
      body_must_match: ["Smart Meter Texas"]
      tls: { ca_file: ${fx.sim.files.ca} }`;
    const followed = await runCheck(check("redir", extra("redir", 1)));
    expect(followed.failure).toBeUndefined();
    expect(followed.log).toHaveLength(2);
    const notFollowed = await runCheck(check("noredir", extra("noredir", 0)));
    expect(notFollowed.failure?.reason).toBe("http_status");
  });

  it("http fails with body_too_large past max_body_bytes", async () => {
    const extra = `
  - name: tiny
    service: gui
    kind: http
    http:
      url: https://127.0.0.1:${fx.sim.ports.gui}/
      max_body_bytes: 100
      tls: { ca_file: ${fx.sim.files.ca} }`;
    const result = await runCheck(check("tiny", extra));
    expect(result.failure?.reason).toBe("body_too_large");
  });

  it("an untrusted certificate fails as tls, and insecure_skip_verify accepts it", async () => {
    const extra = (name: string, insecure: boolean) => `
  - name: ${name}
    service: gui
    kind: http
    http:
      url: https://127.0.0.1:${fx.sim.ports.gui}/
      tls: { insecure_skip_verify: ${insecure} }`;
    const strict = await runCheck(check("strict", extra("strict", false)));
    expect(strict.failure?.reason).toBe("tls");
    const insecure = await runCheck(check("insecure", extra("insecure", true)));
    expect(insecure.failure).toBeUndefined();
    expect(insecure.certNotAfter).toBeGreaterThan(0);
  });

  it("dns: an unresolvable host fails as dns", async () => {
    const extra = `
  - name: nowhere
    service: gui
    kind: http
    http:
      url: https://no-such-host.invalid/`;
    const result = await runCheck(check("nowhere", extra));
    expect(result.failure?.reason).toBe("dns");
  });
});
