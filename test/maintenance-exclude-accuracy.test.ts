import { rmSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportMonth } from "../src/report/report-month.js";
import { backfilledMarch2026 } from "./support/backfilled-month.js";
import { CLI as cli, runReport as report, stepTimer } from "./support/report-cli.js";
import type { PrometheusServer } from "./support/prometheus-server.js";
import { SERVICES_IN_ORDER, syntheticMarch2026, type GroundTruth } from "./support/synthetic-month.js";

/**
 * Issue 9 item 3, `maintenance.exclude: announced` (the default) on a backfilled month: the
 * synthetic March 2026 of test/report-accuracy.test.ts (which runs the same month under `reserved`)
 * with exporters that exclude only planned maintenance. Saturday's reserved windows count like any
 * other minute unless planned maintenance covers them, and the report's figures and reserved-window
 * section equal the minutes the test counts itself from the generated samples and window lists.
 */
let dir: string | undefined;
let prometheus: PrometheusServer | undefined;
let truth: GroundTruth;
const { timings, timed } = stepTimer();
const month = reportMonth("2026-03");

beforeAll(async () => {
  statSync(cli); // `npm test` builds first; alone: npx tsc -p .
  ({ dir, prometheus, truth } = await backfilledMarch2026(syntheticMarch2026(20260301, "announced"), timed));
}, 600_000);

afterAll(async () => {
  await prometheus?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  console.log(`maintenance.exclude accuracy timings (ms): ${JSON.stringify(timings)}`);
});

describe("maintenance.exclude: announced on a backfilled DST month (real promtool and Prometheus)", () => {
  it("only announced maintenance is excluded; reserved minutes with and without it equal the independent count", async () => {
    const r = await timed("report", () => report(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "json"]));
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as {
      services: { service: string; maintenance_minutes: number; unavailable_minutes: number; unmeasured_minutes: number; available_minutes: number }[];
      reserved_windows: {
        exclude_policies: string[];
        services: { service: string; reserved_minutes: number; announced_minutes: number; unannounced_minutes: number }[];
      };
    };
    const expected = SERVICES_IN_ORDER.map((service) => {
      const c = truth.count(service, month.fromMs, month.toMs);
      return {
        service,
        maintenance_minutes: c.maintenance,
        unavailable_minutes: c.unavailable,
        unmeasured_minutes: c.unmeasured,
        available_minutes: c.available,
      };
    });
    // The call center is measured (its status-feed check) and no reserved window covers it.
    expect(got.services.map(pick)).toEqual(expected);
    expect(expected.find((s) => s.service === "call_center")?.maintenance_minutes).toBe(0);
    const reserved = SERVICES_IN_ORDER.map((service) => {
      const c = truth.reservedCount(service, month.fromMs, month.toMs);
      return { service, reserved_minutes: c.reserved, announced_minutes: c.announced, unannounced_minutes: c.reserved - c.announced };
    });
    expect(got.reserved_windows).toEqual({
      exclude_policies: ["announced"],
      services: reserved,
    });
    // four Saturdays of 10 hours; gui's and api's announced 3.5 hours on March 21, ftps' hour inside March 7's window
    expect(reserved.map((s) => [s.reserved_minutes, s.announced_minutes])).toEqual([
      [2400, 210],
      [2400, 210],
      [2400, 60],
      [2400, 0],
      [0, 0],
    ]);
    // what the policy changes: gui's maintenance is only its announced 210 minutes, and outages in
    // the unannounced reserved minutes count (ftps fails across March 7's window start and end)
    expect(expected[0]!.maintenance_minutes).toBe(210);
    const ftps = truth.count("ftps", Date.parse("2026-03-07T08:00:00Z"), Date.parse("2026-03-07T17:00:00Z")); // 02:00-11:00 CST
    expect(ftps.unavailable).toBeGreaterThan(0);
    expect(ftps.maintenance).toBe(0);
  });
});

function pick(s: { service: string; maintenance_minutes: number; unavailable_minutes: number; unmeasured_minutes: number; available_minutes: number }) {
  return {
    service: s.service,
    maintenance_minutes: s.maintenance_minutes,
    unavailable_minutes: s.unavailable_minutes,
    unmeasured_minutes: s.unmeasured_minutes,
    available_minutes: s.available_minutes,
  };
}
