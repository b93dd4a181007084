import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exporter } from "../src/exporter/exporter.js";
import { recordedMinuteStart } from "../src/rules/minute-timing.js";
import { placeRuleFolder } from "../src/rules/rule-group-phase.js";
import { captureLogger } from "./support/capture-logger.js";
import { instantQuery, startPrometheus, type PrometheusServer } from "./support/prometheus-server.js";
import { observedRuleGroupPhaseMs } from "./support/rule-group-phase.js";
import { startSimulatorFixture, type SimulatorFixture } from "./support/simulator-fixture.js";

/**
 * A real Prometheus scrapes the real exporter probing the simulator and evaluates the project's rule
 * files (prometheus/rules/, interval 1m at the groups' own offsets). A fault injected into the
 * simulator must show up in the recorded minute series at the minute it started, and the series must
 * follow the service back once the fault is cleared. Takes a few minutes of wall-clock time: the
 * rules record each minute about 70-130 s after it began.
 */
const rulesDir = join(import.meta.dirname, "..", "prometheus", "rules");
const MINUTE = 60_000;
const MINUTE_GROUP = "smt-availability-minutes";
const MINUTE_GROUP_FILE = "smt-availability.rules.yml";

/**
 * Copies the project's rule files (unchanged) into a folder under `dir` chosen so that the minute
 * group runs 12-22 s into each minute: a minute is then recorded about 72-82 s after it began (the
 * earliest the rules allow is 70 s), instead of anywhere in 70-130 s as at an arbitrary path. Only the
 * wall-clock wait changes; what the rules compute does not depend on when in the minute they run.
 */
async function placeRuleFiles(dir: string): Promise<{ glob: string; phaseMs: number }> {
  const placed = await placeRuleFolder(dir, "rules", [{ file: MINUTE_GROUP_FILE, group: MINUTE_GROUP, intervalMs: MINUTE, fromMs: 12_000, toMs: 22_000 }]);
  for (const file of readdirSync(rulesDir).filter((f) => f.endsWith(".rules.yml"))) copyFileSync(join(rulesDir, file), join(placed.folder, file));
  return { glob: join(placed.folder, "*.rules.yml"), phaseMs: placed.phasesMs[MINUTE_GROUP]! };
}

let fx: SimulatorFixture;
let configFile: string;
let exporter: Exporter | undefined;
let prometheus: PrometheusServer | undefined;
let dir: string;
let minuteGroupPhaseMs: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "smt-prom-it-"));
  fx = await startSimulatorFixture();
  configFile = fx.writeConfig({ interval: "5s", timeout: "3s", location: "it-austin" });
  exporter = new Exporter({ configFile, logger: captureLogger().logger, listenAddress: { host: "127.0.0.1", port: 0 } });
  const { port } = await exporter.start();
  const rules = await placeRuleFiles(dir);
  minuteGroupPhaseMs = rules.phaseMs;
  prometheus = await startPrometheus({
    dir,
    config: `global:
  scrape_interval: 5s
  scrape_timeout: 4s
  evaluation_interval: 1m
rule_files: ["${rules.glob}"]
scrape_configs:
  - job_name: smt-exporter
    static_configs: [{ targets: ["127.0.0.1:${port}"] }]
`,
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.stop();
  await fx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every recorded sample of a minute-state series of a service, as minute start (ms) -> value. */
async function recordedMinutes(series: string, service: string): Promise<Map<number, number>> {
  const res = await fetch(`${prometheus!.url}/api/v1/query`, { method: "POST", body: new URLSearchParams({ query: `${series}{service="${service}"}[30m]` }) });
  const json = (await res.json()) as { data: { result: { values: [number, string][] }[] } };
  const out = new Map<number, number>();
  for (const [t, v] of json.data.result[0]?.values ?? []) out.set(recordedMinuteStart(Math.round(t * 1000)), Number(v));
  return out;
}

async function waitFor<T>(what: string, f: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${prometheus?.log().slice(-2000)}`);
    await sleep(1_000);
  }
}

describe("recorded minute series in front of a real Prometheus, exporter and simulator", () => {
  it(
    "an injected fault is recorded as unavailable from the minute it began (maintenance if planned), and recovery follows",
    async () => {
      // The plan: the minute of the first scrape is the good minute (partial, but every sample in it is a
      // success, so it is available); gui fails in the next one (the fault minute) and recovers in the one
      // after (the recovered minute). han fails in the recovered minute, inside a planned maintenance window
      // of exactly that minute, announced in the good minute (a reload of the exporter's calendar): the
      // rules read the window as it was known in the minute before the one they record.
      await waitFor(
        "the first scrape of all four services",
        async () => ((await instantQuery(prometheus!.url, "count(count by (service) (smt_probe_success == 1)) == 4")).length ? true : undefined),
        60_000,
      );
      // At least 15 s of the good minute must remain, for the calendar reload to be scraped within it.
      const goodMinute = Math.floor((Date.now() + 15_000) / MINUTE) * MINUTE;
      const faultMinute = goodMinute + MINUTE;
      const recoveredMinute = faultMinute + MINUTE;
      const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
      fx.writeConfig({
        file: configFile,
        interval: "5s",
        timeout: "3s",
        location: "it-austin",
        extraChecks: `
maintenance:
  planned:
    - { id: it-han, start: "${iso(recoveredMinute)}", end: "${iso(recoveredMinute + MINUTE)}", services: [han] }
`,
      });
      expect(await exporter!.reload()).toEqual({ ok: true });
      await waitFor(
        "the planned window in Prometheus",
        async () =>
          (await instantQuery(prometheus!.url, `smt_maintenance_window_start_timestamp_seconds{service="han"} == ${recoveredMinute / 1000}`)).length
            ? true
            : undefined,
        15_000,
      );
      expect(Date.now()).toBeLessThan(faultMinute);

      /** Injects a fault 2 s into a minute and clears it once Prometheus holds a failed sample of it (well inside the minute). */
      const failDuring = async (minute: number, service: "gui" | "han", fault: string) => {
        await sleep(minute + 2_000 - Date.now());
        const injected = Date.now();
        expect(await fx.sim.setFault(service, fault)).toBeUndefined();
        await waitFor(
          `a failed ${service} sample in Prometheus`,
          async () => ((await instantQuery(prometheus!.url, `smt_probe_success{service="${service}"} == 0`)).length ? true : undefined),
          40_000,
        );
        await fx.sim.clearFaults();
        return { injected, cleared: Date.now() };
      };
      const guiFault = await failDuring(faultMinute, "gui", "http_500");
      expect(guiFault.cleared + 10_000).toBeLessThan(recoveredMinute);
      const hanFault = failDuring(recoveredMinute, "han", "http_503");

      const firstUnavailable = await waitFor(
        "an unavailable gui minute",
        async () => {
          const m = await recordedMinutes("smt:service_minute_unavailable:bool", "gui");
          const found = [...m].find(([, v]) => v === 1);
          return found ? { minute: found[0], seenAfterMs: Date.now() - guiFault.injected } : undefined;
        },
        4 * MINUTE,
      );
      console.log(
        `gui fault injected at ${new Date(guiFault.injected).toISOString()}; its minute recorded unavailable ${Math.round(firstUnavailable.seenAfterMs / 1000)} s later`,
      );
      expect(new Date(firstUnavailable.minute).toISOString()).toBe(new Date(faultMinute).toISOString());
      // a minute is recorded 70-130 s after it begins; the fault began 2 s into it, plus probe and scrape (5 s each)
      expect(firstUnavailable.seenAfterMs).toBeLessThan(140_000);
      // Prometheus runs the minute group where placeRuleFiles put it (else this test only gets slower).
      const observedPhaseMs = await observedRuleGroupPhaseMs(prometheus!.url, MINUTE_GROUP, MINUTE);
      console.log(`minute group phase: predicted ${minuteGroupPhaseMs.toFixed(0)} ms, observed ${observedPhaseMs?.toFixed(0)} ms into the minute`);
      expect(Math.abs((observedPhaseMs ?? -MINUTE) - minuteGroupPhaseMs)).toBeLessThan(1_500);

      expect((await hanFault).cleared + 10_000).toBeLessThan(recoveredMinute + MINUTE);
      await waitFor(
        "the gui minute after the fault was cleared",
        async () => ((await recordedMinutes("smt:service_minute_available:bool", "gui")).has(recoveredMinute) ? true : undefined),
        4 * MINUTE,
      );

      const available = await recordedMinutes("smt:service_minute_available:bool", "gui");
      const unavailable = await recordedMinutes("smt:service_minute_unavailable:bool", "gui");
      expect(available.get(goodMinute), "the minute before the fault").toBe(1);
      expect(unavailable.get(faultMinute), "the fault's minute").toBe(1);
      expect(available.get(recoveredMinute), "the minute after clearing").toBe(1);
      // other services were not affected, and nothing was maintenance or unmeasured
      for (const service of ["api", "ftps"]) {
        expect((await recordedMinutes("smt:service_minute_available:bool", service)).get(faultMinute), service).toBe(1);
      }
      // han failed in its planned window: a maintenance minute, not an unavailable one; the minutes before it were available
      const han = {
        maintenance: await recordedMinutes("smt:service_minute_maintenance:bool", "han"),
        unavailable: await recordedMinutes("smt:service_minute_unavailable:bool", "han"),
        available: await recordedMinutes("smt:service_minute_available:bool", "han"),
      };
      expect([han.available.get(goodMinute), han.available.get(faultMinute), han.maintenance.get(faultMinute)]).toEqual([1, 1, 0]);
      expect([han.maintenance.get(recoveredMinute), han.unavailable.get(recoveredMinute), han.available.get(recoveredMinute)]).toEqual([1, 0, 0]);
      expect((await recordedMinutes("smt:service_minute_unmeasured:bool", "gui")).get(faultMinute)).toBe(0);
      expect((await recordedMinutes("smt:service_minute_maintenance:bool", "gui")).get(faultMinute)).toBe(0);

      // the live-only rules (carried from their own previous value) tracked the outage
      const outageMinutes = await recordedMinutes("smt:service_unplanned_outage:minutes", "gui");
      expect(outageMinutes.get(goodMinute)).toBe(0);
      expect(outageMinutes.get(faultMinute)).toBe(1);
      expect(outageMinutes.get(recoveredMinute)).toBe(0);
      const starts = await recordedMinutes("smt:service_unplanned_outage:start_timestamp_seconds", "gui");
      expect([...starts]).toEqual([[faultMinute, faultMinute / 1000]]);
      // and the 15-minute alert did not fire for a short outage
      expect(await instantQuery(prometheus!.url, 'count_over_time(ALERTS{alertname="SMTUnplannedOutage"}[30m])')).toEqual([]);
    },
    12 * MINUTE,
  );
});
