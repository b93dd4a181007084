import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import { ConfigError } from "../src/config/errors.js";
import { runCheck } from "../src/probes/run.js";
import { startSimulatorFixture, type SimulatorFixture } from "./support/simulator-fixture.js";

/**
 * The parts of "probers in several places" that need no Prometheus (docs/ha.md): an exporter's
 * probes connect from its `source_address`, and the simulator fails requests per client source
 * address. Real probes over loopback against the real simulator.
 */
let fx: SimulatorFixture;
beforeAll(async () => {
  fx = await startSimulatorFixture();
});
afterAll(async () => {
  await fx?.stop();
});

/** The named check of a config whose probes connect from `address`. */
function checkFrom(address: string, name: string, timeout = "5s") {
  const file = fx.writeConfig({ location: `from-${address}`, sourceAddress: address, timeout, only: [name] });
  return loadConfig(file).checks.find((c) => c.name === name)!;
}

describe("a fault limited to some clients (the simulator's per-source faults)", () => {
  it("fails the probes from the faulted address only, for HTTP answers and at the front door, then clears", async () => {
    const faulted = checkFrom("127.0.0.21", "gui_home");
    const other = checkFrom("127.0.0.22", "gui_home");
    expect(await fx.sim.setFault("gui", "http_503", undefined, ["127.0.0.21"])).toBeUndefined();
    const [bad, good] = await Promise.all([runCheck(faulted), runCheck(other)]);
    expect(bad.failure?.reason).toBe("http_status");
    expect(good.success, JSON.stringify(good.failure)).toBe(true);

    // A connection-level fault: the front door holds the faulted client's connection, serves the other.
    const api = checkFrom("127.0.0.21", "api_interval_reads", "1500ms");
    const apiOther = checkFrom("127.0.0.22", "api_interval_reads", "1500ms");
    expect(await fx.sim.setFault("api", "hang", undefined, ["127.0.0.21"])).toBeUndefined();
    const [hung, served] = await Promise.all([runCheck(api), runCheck(apiOther)]);
    expect(hung.failure?.reason).toBe("timeout");
    expect(served.success, JSON.stringify(served.failure)).toBe(true);

    const listed = (await (await fetch(`http://127.0.0.1:${fx.sim.ports.admin}/faults`)).json()) as { active: { service: string; clients?: string[] }[] };
    expect(listed.active.map((f) => [f.service, f.clients])).toEqual([
      ["gui", ["127.0.0.21"]],
      ["api", ["127.0.0.21"]],
    ]);
    await fx.sim.clearFaults();
    expect((await runCheck(faulted)).success).toBe(true);
    expect((await runCheck(api)).success).toBe(true);
  }, 30_000);

  it("the admin API takes `clients` and refuses bad addresses and faults that cannot be limited to clients", async () => {
    const post = async (body: unknown) => {
      const res = await fetch(`http://127.0.0.1:${fx.sim.ports.admin}/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as { error?: string; active?: { clients?: string[] }[] } };
    };
    const ok = await post({ service: "han", fault: "http_500", clients: ["::ffff:127.0.0.23", "127.0.0.24"] });
    expect(ok.status).toBe(200);
    expect(ok.json.active?.[0]?.clients).toEqual(["127.0.0.23", "127.0.0.24"]);
    const badAddress = await post({ service: "han", fault: "http_500", clients: ["austin"] });
    expect(badAddress).toEqual({
      status: 400,
      json: { error: expect.stringMatching(/^clients: expected a list of 1 to 16 client source addresses/) as unknown },
    });
    const refused = await post({ service: "gui", fault: "refused", clients: ["127.0.0.23"] });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatch(/^fault "refused" cannot be limited to clients: expected one of hang, slow, http_500/);
    await fx.sim.clearFaults();
  });
});

describe("source_address in the exporter config", () => {
  const write = (name: string, text: string) => {
    const file = join(fx.dir, name);
    writeFileSync(file, text);
    return file;
  };
  const problems = (file: string) => {
    try {
      loadConfig(file);
    } catch (err) {
      if (err instanceof ConfigError) return err.message;
      throw err;
    }
    return "loaded";
  };

  it("must be an IP address of this machine (or its loopback network), named with file, line and field", () => {
    const notIp = write("not-ip.yaml", `location: austin\nsource_address: austin-1\nchecks: []\n`);
    expect(problems(notIp)).toBe(`${notIp}:2:17: source_address: expected an IP address of this machine (IPv4 or IPv6), e.g. "127.0.0.2"`);
    // TEST-NET-3 (RFC 5737): never an address of this machine.
    const elsewhere = write("elsewhere.yaml", `location: austin\nsource_address: 203.0.113.7\nchecks: []\n`);
    expect(problems(elsewhere)).toMatch(
      new RegExp(
        `^${elsewhere}:2:17: source_address: expected an address of this machine or of its IPv4 loopback network 127\\.0\\.0\\.0/8, got "203\\.0\\.113\\.7"`,
      ),
    );
    const loopback = write("loopback.yaml", `location: austin\nsource_address: 127.0.0.31\nchecks: []\n`);
    expect(loadConfig(loopback).raw.source_address).toBe("127.0.0.31");
  });

  it("warns about checks that cannot connect from it (ftps)", () => {
    const file = fx.writeConfig({ sourceAddress: "127.0.0.32", only: ["gui_home", "ftps_interval_files"] });
    const config = loadConfig(file);
    expect(config.checks.map((c) => [c.name, c.sourceAddress])).toEqual([
      ["gui_home", "127.0.0.32"],
      ["ftps_interval_files", "127.0.0.32"],
    ]);
    expect(config.warnings.map((w) => w.message)).toEqual([
      `check "ftps_interval_files" (kind ftps) connects from the address the system picks, not from source_address 127.0.0.32: only http, api, status_feed, sftp checks bind it`,
    ]);
  });

  it("binds the SFTP probe too", async () => {
    // The simulator's SFTP site and admin listener see the client; a hang fault for ftps holds the faulted client at the SFTP front door.
    const sftp = checkFrom("127.0.0.33", "sftp_interval_files", "1500ms");
    const sftpOther = checkFrom("127.0.0.34", "sftp_interval_files", "1500ms");
    expect(await fx.sim.setFault("ftps", "hang", undefined, ["127.0.0.33"])).toBeUndefined();
    const [hung, served] = await Promise.all([runCheck(sftp), runCheck(sftpOther)]);
    expect(hung.failure?.reason).toBe("timeout");
    expect(served.success, JSON.stringify(served.failure)).toBe(true);
    await fx.sim.clearFaults();
  }, 30_000);
});
