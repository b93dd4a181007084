import { rmSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportMonth } from "../src/report/report-month.js";
import { backfilledMarch2026 } from "./support/backfilled-month.js";
import { CLI as cli, runReport as report, stepTimer } from "./support/report-cli.js";
import type { PrometheusServer } from "./support/prometheus-server.js";
import { SERVICES_IN_ORDER, syntheticMarch2026, type GroundTruth } from "./support/synthetic-month.js";

/**
 * The report is exact to the minute on a synthetic DST month: exporter series for March 2026 (and a
 * few days around it) are backfilled into a real Prometheus with `promtool tsdb create-blocks-from
 * openmetrics`, the project's recording rules are evaluated over them by `promtool tsdb
 * create-blocks-from rules` (range queries against that Prometheus, at the group's own evaluation
 * offset, like a live server), and `smt-monitor report` must give exactly the minutes that the test
 * counts itself from the generated samples and the window list. The blocks are built once per run
 * and shared with test/committee-report.test.ts (test/support/backfilled-month.ts).
 */
let dir: string;
let prometheus: PrometheusServer | undefined;
let truth: GroundTruth;
const { timings, timed } = stepTimer();

beforeAll(async () => {
  statSync(cli); // `npm test` builds first; alone: npx tsc -p .
  ({ dir, prometheus, truth } = await backfilledMarch2026(syntheticMarch2026(), timed));
}, 600_000);

afterAll(async () => {
  await prometheus?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  console.log(`report accuracy timings (ms): ${JSON.stringify(timings)}`);
});

describe("report accuracy on a backfilled DST month (real promtool and Prometheus)", () => {
  it("March 2026: every figure of every service equals the independently counted minutes", async () => {
    const month = reportMonth("2026-03");
    expect(month.totalMinutes).toBe(743 * 60);
    const r = await timed("report", () => report(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "json"]));
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.month).toBe("2026-03");
    expect(got.timezone).toBe("America/Chicago");
    const expected = SERVICES_IN_ORDER.map((service) => {
      const c = truth.count(service, month.fromMs, month.toMs);
      const counted = month.totalMinutes - c.maintenance;
      return {
        service,
        total_minutes: 44_580,
        maintenance_minutes: c.maintenance,
        unavailable_minutes: c.unavailable,
        unmeasured_minutes: c.unmeasured,
        available_minutes: c.available,
        availability: c.available / counted,
        objective: 0.99,
        met: c.available / counted > 0.99,
      };
    });
    console.log(`March 2026 as reported (and as counted by the test):\n${JSON.stringify(got.services)}`);
    expect(got.services).toEqual(expected);
    // The call center is measured (its status-feed check), never in maintenance (no reserved window), down on March 21.
    const callCenter = expected.find((s) => s.service === "call_center")!;
    expect([callCenter.maintenance_minutes, callCenter.unavailable_minutes > 40, callCenter.available_minutes > 40_000]).toEqual([0, true, true]);
    // maintenance.exclude: reserved (the synthetic exporters' policy): every reserved window is excluded,
    // and the reserved-window section counts its minutes with and without announced maintenance
    expect(got.reserved_windows).toEqual({
      exclude_policies: ["reserved"],
      services: SERVICES_IN_ORDER.map((service) => {
        const c = truth.reservedCount(service, month.fromMs, month.toMs);
        return { service, reserved_minutes: c.reserved, announced_minutes: c.announced, unannounced_minutes: c.reserved - c.announced };
      }),
    });
    for (const s of expected)
      expect(s.maintenance_minutes, s.service).toBeGreaterThanOrEqual(truth.reservedCount(s.service, month.fromMs, month.toMs).reserved);
    // the data is rich enough to mean something: every state occurs, and the month has both verdicts
    for (const s of expected.filter((x) => x.service !== "call_center")) expect(s.maintenance_minutes, s.service).toBeGreaterThan(0);
    expect(expected.some((s) => s.unavailable_minutes > 0 && s.unmeasured_minutes > 0)).toBe(true);
    expect(new Set(expected.map((s) => s.met))).toEqual(new Set([true, false]));
    expect(Object.keys(got.services[0])).toEqual([
      "service",
      "total_minutes",
      "maintenance_minutes",
      "unavailable_minutes",
      "unmeasured_minutes",
      "available_minutes",
      "availability",
      "objective",
      "met",
    ]);
  });

  it("the other formats carry the same figures", async () => {
    const csv = await report(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "csv"]);
    expect(csv.code, csv.stderr).toBe(0);
    const month = reportMonth("2026-03");
    const lines = csv.stdout.trim().split("\n");
    expect(lines[0]).toBe(
      "month,service,total_minutes,maintenance_minutes,unavailable_minutes,unmeasured_minutes,available_minutes,availability,objective,met",
    );
    const gui = truth.count("gui", month.fromMs, month.toMs);
    expect(lines[1]).toMatch(
      new RegExp(`^2026-03,gui,44580,${gui.maintenance},${gui.unavailable},${gui.unmeasured},${gui.available},0\\.\\d+,0\\.99,(true|false)$`),
    );
    const table = await report(["--prometheus", prometheus!.url, "--month", "2026-03"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(`^gui +44580 +${gui.maintenance} +${gui.unavailable} +${gui.unmeasured} +${gui.available} +\\d+\\.\\d{3} % +99 % +(met|MISSED)$`, "m"),
    );
    const md = await report(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "md"]);
    expect(md.stdout).toContain(`| gui | 44580 | ${gui.maintenance} | ${gui.unavailable} | ${gui.unmeasured} | ${gui.available} |`);
  }, 120_000); // three whole report runs, beside test/committee-report.test.ts' on the same shared blocks

  it("minutes at the DST change, window edges and month edges are classified like the ground truth", async () => {
    // spot checks of the recorded series themselves (the report only sums them)
    const probes = [
      ["han", Date.UTC(2026, 2, 8, 7, 0)], // first minute of the one-off window, 01:00 CST
      ["han", Date.UTC(2026, 2, 8, 8, 59)], // its last, 03:59 CDT
      ["gui", Date.UTC(2026, 2, 8, 8, 0)], // 03:00 CDT, exporters down: unmeasured
      ["gui", Date.UTC(2026, 2, 1, 6, 0)], // first minute of March
      ["api", Date.UTC(2026, 3, 1, 4, 59)], // last minute of March
      ["gui", Date.UTC(2026, 2, 12, 14, 15)], // 09:15 CDT: failures at its first and last millisecond
      ["gui", Date.UTC(2026, 2, 12, 14, 14)],
    ] as const;
    for (const [service, minute] of probes) {
      // the sample of minute m is in [m + 70 s, m + 130 s)
      const res = await fetch(`${prometheus!.url}/api/v1/query`, {
        method: "POST",
        body: new URLSearchParams({
          // the latest sample at m + 129.999 s is minute m's
          query: `{__name__=~"smt:service_minute_.*:bool",service="${service}"} == 1`,
          time: String((minute + 129_999) / 1000),
        }),
      });
      const json = (await res.json()) as { data: { result: { metric: { __name__: string } }[] } };
      const states = json.data.result.map((x) => x.metric.__name__.replace(/^smt:service_minute_(.*):bool$/, "$1"));
      expect(states, `${service} ${new Date(minute).toISOString()}`).toEqual([truth.state(service, minute)]);
    }
  });

  it("a month without data and a Prometheus that is down give a clear message and exit 1", async () => {
    const empty = await report(["--prometheus", prometheus!.url, "--month", "2026-06", "--format", "json"]);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toBe("");
    expect(empty.stderr).toMatch(/no recorded minute in 2026-06/);
    const down = await report(["--prometheus", "http://127.0.0.1:1", "--month", "2026-03"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach Prometheus at http:\/\/127\.0\.0\.1:1\/: .*ECONNREFUSED/);
    const bad = await report(["--prometheus", prometheus!.url, "--month", "March"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--month: expected a calendar month as YYYY-MM/);
  });
});
