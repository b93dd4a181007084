import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exporter } from "../src/exporter/exporter.js";
import { recordedMinuteStart } from "../src/rules/minute-timing.js";
import { MINUTE_STATE_SERIES, MINUTE_STATES, RULE_GROUP_NAMES, type MinuteState } from "../src/rules/availability-rules.js";
import { placeRuleFolder } from "../src/rules/rule-group-phase.js";
import type { Service } from "../src/config/schema.js";
import { captureLogger } from "./support/capture-logger.js";
import { instantQuery, startPrometheus, type PrometheusServer } from "./support/prometheus-server.js";
import { startSimulatorFixture, type SimulatorFixture } from "./support/simulator-fixture.js";

/**
 * Probers in three places (docs/ha.md, "Probers in several places"): three real exporters, each with
 * its own `location` and its own source address on loopback, probe the simulator; a real Prometheus
 * scrapes all three and evaluates the project's rule files (prometheus/rules/, unchanged). The
 * simulator fails requests per client source address, so a fault can be seen from some locations
 * only. The minute-state series must say:
 * - a fault seen from one location of three: available;
 * - seen from two of three: unavailable;
 * - an exporter that stopped is a location not reporting, never a failure: with one of three gone,
 *   a fault seen from one of the two left is still available (1 of 2 is no majority), from both unavailable.
 * Takes about four minutes of wall-clock time: two whole minutes of faults, and the rules record a
 * minute 72-82 s after it began.
 */
const rulesDir = join(import.meta.dirname, "..", "prometheus", "rules");
const MINUTE = 60_000;
const MINUTE_GROUP_FILE = "smt-availability.rules.yml";
/** Each location's probes connect from their own loopback address (Linux answers on all of 127.0.0.0/8). */
const LOCATIONS = [
  { location: "austin", address: "127.0.0.11" },
  { location: "dallas", address: "127.0.0.12" },
  { location: "houston", address: "127.0.0.13" },
] as const;
const [AUSTIN, DALLAS, HOUSTON] = LOCATIONS;
const CHECKS = ["gui_home", "api_interval_reads", "han_device_status"];
const SERVICES_PROBED: Service[] = ["gui", "api", "han"];

let fx: SimulatorFixture;
let dir: string;
let prometheus: PrometheusServer | undefined;
const exporters = new Map<string, Exporter>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "smt-locations-"));
  fx = await startSimulatorFixture();
  const ports: number[] = [];
  for (const l of LOCATIONS) {
    const configFile = fx.writeConfig({ interval: "5s", timeout: "3s", location: l.location, sourceAddress: l.address, only: CHECKS });
    const exporter = new Exporter({ configFile, logger: captureLogger().logger, listenAddress: { host: "127.0.0.1", port: 0 } });
    exporters.set(l.location, exporter);
    ports.push((await exporter.start()).port);
  }
  // The minute group placed 12-22 s into the minute, as in prometheus-integration.test.ts: only the wait changes.
  const placed = await placeRuleFolder(dir, "rules", [
    { file: MINUTE_GROUP_FILE, group: RULE_GROUP_NAMES.minutes, intervalMs: MINUTE, fromMs: 12_000, toMs: 22_000 },
  ]);
  for (const file of readdirSync(rulesDir).filter((f) => f.endsWith(".rules.yml"))) copyFileSync(join(rulesDir, file), join(placed.folder, file));
  prometheus = await startPrometheus({
    dir,
    config: `global:
  scrape_interval: 5s
  scrape_timeout: 4s
  evaluation_interval: 1m
rule_files: ["${join(placed.folder, "*.rules.yml")}"]
scrape_configs:
  - job_name: smt-exporter
    static_configs: [{ targets: [${ports.map((p) => `"127.0.0.1:${p}"`).join(", ")}] }]
`,
  });
});

afterAll(async () => {
  await prometheus?.stop();
  for (const exporter of exporters.values()) await exporter.stop();
  await fx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, f: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${prometheus?.log().slice(-2000)}`);
    await sleep(500);
  }
}

const hasSample = async (query: string) => ((await instantQuery(prometheus!.url, query)).length > 0 ? true : undefined);

/** The recorded minute states of a service: minute start (ms) -> the state whose series is 1 there. */
async function recordedStates(service: Service): Promise<Map<number, MinuteState[]>> {
  const out = new Map<number, MinuteState[]>();
  for (const state of MINUTE_STATES) {
    const res = await fetch(`${prometheus!.url}/api/v1/query`, {
      method: "POST",
      body: new URLSearchParams({ query: `${MINUTE_STATE_SERIES[state]}{service="${service}"}[10m]` }),
    });
    const json = (await res.json()) as { data: { result: { values: [number, string][] }[] } };
    for (const [t, v] of json.data.result[0]?.values ?? []) {
      const minute = recordedMinuteStart(Math.round(t * 1000));
      if (!out.has(minute)) out.set(minute, []);
      if (Number(v) === 1) out.get(minute)!.push(state);
    }
  }
  return out;
}

/**
 * Injects faults 1 s into `minute`, each for the listed locations' source addresses only; waits until
 * Prometheus holds a failed sample of each (service, location), then clears them, well inside the minute.
 */
async function failDuring(minute: number, faults: { service: Service; fault: string; from: (typeof LOCATIONS)[number][] }[]): Promise<number> {
  await sleep(minute + 1_000 - Date.now());
  for (const f of faults) {
    expect(
      await fx.sim.setFault(
        f.service,
        f.fault,
        undefined,
        f.from.map((l) => l.address),
      ),
    ).toBeUndefined();
  }
  for (const f of faults) {
    for (const l of f.from) {
      await waitFor(
        `a failed ${f.service} sample from ${l.location}`,
        () => hasSample(`smt_probe_success{service="${f.service}", location="${l.location}"} == 0`),
        30_000,
      );
    }
  }
  await fx.sim.clearFaults();
  return Date.now();
}

describe("probers in three locations in front of a real Prometheus evaluating the project's rules", () => {
  it("one location's fault leaves the service available, two make it unavailable, and a stopped exporter is not reporting, not failing", async () => {
    await waitFor(
      "a successful sample of every service from every location",
      () => hasSample(`count(smt_probe_success == 1) == ${LOCATIONS.length * CHECKS.length}`),
      60_000,
    );
    // Whole minutes for the faults: the first one that begins at least 5 s from now.
    const allThree = Math.ceil((Date.now() + 5_000) / MINUTE) * MINUTE;
    const twoLeft = allThree + MINUTE;

    // Minute 1, all three reporting: gui fails from austin only, api from austin and dallas.
    const cleared1 = await failDuring(allThree, [
      { service: "gui", fault: "http_503", from: [AUSTIN] },
      { service: "api", fault: "http_500", from: [AUSTIN, DALLAS] },
    ]);
    // Other locations kept succeeding meanwhile: the simulator failed only the faulted addresses.
    expect(await hasSample(`smt_probe_success{service="gui", location="${DALLAS.location}"} == 1`)).toBe(true);
    // Houston stops (its listener closes: scrapes fail, its series go stale) well before minute 2.
    await exporters.get(HOUSTON.location)!.stop();
    exporters.delete(HOUSTON.location);
    await waitFor("houston's scrape failing", () => hasSample(`up{instance=~".+"} == 0`), 20_000);
    expect(cleared1 + 12_000, "faults of minute 1 cleared, and houston stopped, early enough to leave minute 2 alone").toBeLessThan(twoLeft);

    // Minute 2, houston gone: han fails from austin only (1 of the 2 reporting), api from austin and dallas (2 of 2).
    const cleared2 = await failDuring(twoLeft, [
      { service: "han", fault: "http_503", from: [AUSTIN] },
      { service: "api", fault: "http_500", from: [AUSTIN, DALLAS] },
    ]);
    expect(cleared2).toBeLessThan(twoLeft + MINUTE);

    await waitFor("minute 2 recorded", async () => ((await recordedStates("han")).has(twoLeft) ? true : undefined), 4 * MINUTE);
    const states = Object.fromEntries(await Promise.all(SERVICES_PROBED.map(async (s) => [s, await recordedStates(s)] as const))) as Record<
      Service,
      Map<number, MinuteState[]>
    >;
    const at = (service: Service, minute: number) => states[service].get(minute);
    // Exactly one state per recorded minute.
    expect({ gui: at("gui", allThree), api: at("api", allThree), han: at("han", allThree) }, "minute 1: three locations reporting").toEqual({
      gui: ["available"],
      api: ["unavailable"],
      han: ["available"],
    });
    expect({ gui: at("gui", twoLeft), api: at("api", twoLeft), han: at("han", twoLeft) }, "minute 2: houston stopped").toEqual({
      gui: ["available"],
      api: ["unavailable"],
      han: ["available"],
    });
    // Houston reported nothing in minute 2: its probes did not count at all.
    expect(
      await instantQuery(prometheus!.url, `count_over_time(smt_probe_success{location="${HOUSTON.location}"}[50s] @ ${(twoLeft + MINUTE) / 1000 - 1})`),
    ).toEqual([]);
  }, 420_000);
});
