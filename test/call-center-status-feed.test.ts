import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { parseConfig } from "../src/config/load.js";
import { ProbeMetrics } from "../src/exporter/probe-metrics.js";
import { runCheck } from "../src/probes/run.js";
import { startSimulatorFixture, type SimulatorFixture } from "./support/simulator-fixture.js";

let fx: SimulatorFixture;
let dir: string;

beforeAll(async () => {
  fx = await startSimulatorFixture();
  dir = mkdtempSync(join(tmpdir(), "smt-call-center-"));
});
afterAll(async () => {
  await fx?.stop();
});
afterEach(async () => {
  await fx.sim.clearFaults();
});

/** One status_feed check of the call center; `source` is the YAML line(s) of the status_feed block. */
function feedCheck(source: string) {
  const yaml = `checks:
  - name: call_center_phone_system
    service: call_center
    kind: status_feed
    timeout: 5s
    status_feed:
      ${source}
`;
  return parseConfig(yaml, join(dir, "c.yaml"), {}).checks[0]!;
}

const httpFeed = () => feedCheck(`url: http://127.0.0.1:${fx.sim.ports.admin}/call-center/status`);
const fileFeed = () => feedCheck(`file: ${fx.sim.callCenter.file}`);

describe("kind: status_feed against the simulator's call-center feed", () => {
  for (const [transport, check] of [
    ["HTTP JSON", httpFeed],
    ["file drop", fileFeed],
  ] as const) {
    it(`${transport}: up passes, phone_system_down fails with reason status_down and the feed's reason, degraded passes flagged`, async () => {
      const up = await runCheck(check());
      expect(up.failure).toBeUndefined();
      expect(up.feedStatus).toEqual({ state: "up" });

      expect(await fx.sim.setFault("call_center", "phone_system_down")).toBeUndefined();
      const down = await runCheck(check());
      expect(down.success).toBe(false);
      expect(down.failure).toEqual({ reason: "status_down", message: "the status feed says down: phone system unreachable (simulated)" });
      expect(down.feedStatus).toEqual({ state: "down", reason: "phone system unreachable (simulated)" });

      expect(await fx.sim.setFault("call_center", "phone_system_degraded")).toBeUndefined();
      const degraded = await runCheck(check());
      expect(degraded.success).toBe(true);
      expect(degraded.feedStatus).toEqual({ state: "degraded", reason: "long hold times (simulated)" });
    });
  }

  it("the simulator's fault applies to the call center only", async () => {
    expect(await fx.sim.setFault("gui", "phone_system_down")).toMatch(/does not apply to service gui/);
    expect(await fx.sim.setFault("call_center", "http_503")).toMatch(
      /does not apply to service call_center: expected one of phone_system_down, phone_system_degraded/,
    );
  });
});

describe("a feed that says nothing usable is unmeasured, not unavailable", () => {
  it("a missing file, a state outside up/down/degraded, a stale status: reason status_feed and no state", async () => {
    const missing = await runCheck(feedCheck(`file: ${join(dir, "no-such-status.json")}`));
    expect(missing.failure).toMatchObject({ reason: "status_feed", message: expect.stringMatching(/cannot read .*no-such-status\.json: ENOENT/) });
    expect(missing.feedStatus).toBeUndefined();

    const odd = join(dir, "odd.json");
    writeFileSync(odd, JSON.stringify({ state: "maybe" }));
    expect((await runCheck(feedCheck(`file: ${odd}`))).failure).toEqual({
      reason: "status_feed",
      message: `${odd}: expected state to be one of up, down, degraded, got "maybe"`,
    });

    const stale = join(dir, "stale.json");
    writeFileSync(stale, JSON.stringify({ state: "up" }));
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(stale, hourAgo, hourAgo);
    const staleResult = await runCheck(feedCheck(`file: ${stale}\n      max_age: 10m`));
    expect(staleResult.failure?.reason).toBe("status_feed");
    expect(staleResult.failure?.message).toMatch(/the status is stale: updated .*, more than max_age \(600 s\) ago/);

    // A feed's own time stamp wins over the file's: written now, but says it is an hour old.
    const old = join(dir, "old.json");
    writeFileSync(old, JSON.stringify({ status: { code: "UP", updated: hourAgo.toISOString() } }));
    const custom = `file: ${old}\n      state_path: status.code\n      updated_at_path: status.updated\n      max_age: 10m`;
    expect((await runCheck(feedCheck(custom))).failure?.reason).toBe("status_feed");
    writeFileSync(old, JSON.stringify({ status: { code: "UP", updated: new Date().toISOString() } }));
    expect((await runCheck(feedCheck(custom))).feedStatus).toEqual({ state: "up" });
  });

  it("the exporter drops smt_probe_success while the feed says nothing, and exports the state it read", async () => {
    const metrics = new ProbeMetrics();
    const check = feedCheck(`file: ${fx.sim.callCenter.file}`);
    metrics.addCheck(check, "test");
    const series = async () =>
      (await metrics.registry.metrics())
        .split("\n")
        .filter((l) => /^smt_(probe_success|status_feed_state)\{/.test(l) && l.includes("call_center_phone_system"));

    await fx.sim.setFault("call_center", "phone_system_down");
    metrics.record(check.name, await runCheck(check), Date.now());
    expect(await series()).toEqual([
      'smt_probe_success{service="call_center",check="call_center_phone_system",location="test"} 0',
      'smt_status_feed_state{service="call_center",check="call_center_phone_system",location="test",state="up"} 0',
      'smt_status_feed_state{service="call_center",check="call_center_phone_system",location="test",state="down"} 1',
      'smt_status_feed_state{service="call_center",check="call_center_phone_system",location="test",state="degraded"} 0',
    ]);

    const unreadable = feedCheck(`file: ${join(dir, "gone.json")}`);
    metrics.record(check.name, await runCheck(unreadable), Date.now());
    expect(await series()).toEqual([]);
    expect(await metrics.registry.metrics()).toContain(
      'smt_probe_failures_total{service="call_center",check="call_center_phone_system",location="test",reason="status_feed"} 1',
    );
  });
});

describe("config", () => {
  const problems = (block: string): string[] => {
    try {
      feedCheck(block);
    } catch (err) {
      if (err instanceof ConfigError) return err.message.split("\n");
      throw err;
    }
    throw new Error("expected the config to be rejected");
  };

  it("a feed is a url or a file, exactly one; credentials and headers only with url", () => {
    expect(problems(`url: http://127.0.0.1:1/status\n      file: /tmp/status.json`)).toEqual([
      expect.stringMatching(/c\.yaml:7:\d+: checks\[0\]\.status_feed: expected exactly one of url \(an HTTP JSON feed\) or file \(a file drop\)/),
    ]);
    expect(problems(`file: /tmp/status.json\n      headers: { X-Key: abc }`)).toEqual([
      expect.stringMatching(/checks\[0\]\.status_feed\.headers: expected headers only with url, not with file/),
    ]);
    expect(problems(`file: /tmp/status.json\n      max_age: 10s`)).toEqual([
      expect.stringMatching(/checks\[0\]\.status_feed\.max_age: expected a duration between 1m and 7d/),
    ]);
  });

  it("the reserved window does not cover the call center unless it is listed; a planned call-center outage does", () => {
    const loaded = parseConfig(
      `maintenance:
  recurring:
    - { name: saturday, weekdays: [saturday], start: "02:00", duration: 10h }
  planned:
    - { id: phone-switch, start: "2026-12-05T01:00", end: "2026-12-05T02:00", services: [call_center] }
`,
      join(dir, "m.yaml"),
      {},
    );
    expect(loaded.raw.maintenance.recurring[0]!.services).toEqual(["gui", "api", "ftps", "han"]);
    expect(loaded.raw.maintenance.planned[0]!.services).toEqual(["call_center"]);
  });
});
