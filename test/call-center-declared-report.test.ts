import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportMonth } from "../src/report/report-month.js";
import { backfilledMarch2026 } from "./support/backfilled-month.js";
import { REVIEWER, basic, startNotifier } from "./support/notifier-fixture.js";
import type { PrometheusServer } from "./support/prometheus-server.js";
import { CLI, runReport, stepTimer } from "./support/report-cli.js";
import { syntheticMarch2026, type GroundTruth } from "./support/synthetic-month.js";

/**
 * A call-center outage declared after it began (docs/slo.md, "The call center"): on-call declares on
 * Saturday March 14 at 10:00 CDT, through the real notifier's JSON API, that the phones have been down
 * since 09:00; they come back at 10:30. Prometheus (the backfilled synthetic March 2026, whose
 * call-center feed said up all morning) recorded those minutes as available and cannot rewrite them;
 * `smt-monitor report --notices STORE` must count all 90 declared minutes as unavailable, the hour
 * before the declaration included, and list the outage from 09:00.
 */
const MINUTE = 60_000;
const month = reportMonth("2026-03");
const START = Date.parse("2026-03-14T14:00:00Z"); // 09:00 CDT
const DECLARED_AT = START + 60 * MINUTE;
const END = START + 90 * MINUTE;

let dir: string;
let prometheus: PrometheusServer | undefined;
let truth: GroundTruth;
let store: string;
const { timings, timed } = stepTimer();

beforeAll(async () => {
  statSync(CLI); // `npm test` builds first; alone: npx tsc -p .
  ({ dir, prometheus, truth } = await backfilledMarch2026(syntheticMarch2026(), timed));
  const own = mkdtempSync(join(tmpdir(), "smt-cc-declared-"));
  store = join(own, "notices.db");
  const n = await startNotifier({ storage: store, clock: () => DECLARED_AT });
  try {
    const res = await fetch(`${n.url}/api/v1/call-center/outages`, {
      method: "POST",
      headers: { authorization: basic(REVIEWER), "content-type": "application/json" },
      body: JSON.stringify({ start: "2026-03-14T09:00", end: "2026-03-14T10:30", reason: "Phone carrier outage: calls to the help desk fail" }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(((await res.json()) as { outage: { declared_at: string } }).outage.declared_at).toBe(new Date(DECLARED_AT).toISOString());
  } finally {
    await n.stop();
  }
}, 900_000);

afterAll(async () => {
  await prometheus?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (store) rmSync(join(store, ".."), { recursive: true, force: true });
  console.log(`declared call-center outage report timings (ms): ${JSON.stringify(timings)}`);
});

interface Json {
  services: { service: string; unavailable_minutes: number; available_minutes: number; unmeasured_minutes: number; maintenance_minutes: number }[];
  outages: { service: string; kind: string; start: string; end: string; minutes: number; unavailable_minutes: number }[];
}

describe("a call-center outage declared after it began counts from its declared start", () => {
  it("report --notices: the 90 declared minutes are unavailable, the hour before the declaration included; the outage is listed from 09:00 CDT", async () => {
    // the backfilled month saw the call center up that morning: every declared minute was recorded available
    const declaredMinutes = Array.from({ length: (END - START) / MINUTE }, (_, i) => START + i * MINUTE);
    expect(new Set(declaredMinutes.map((m) => truth.state("call_center", m)))).toEqual(new Set(["available"]));
    const c = truth.count("call_center", month.fromMs, month.toMs);

    const without = await timed("report without the store", () => runReport(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "json"]));
    expect(without.code, without.stderr).toBe(0);
    const before = (JSON.parse(without.stdout) as Json).services.find((s) => s.service === "call_center")!;
    expect([before.unavailable_minutes, before.available_minutes]).toEqual([c.unavailable, c.available]);

    const r = await timed("report with the store", () =>
      runReport(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "json", "--notices", store]),
    );
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as Json;
    const callCenter = json.services.find((s) => s.service === "call_center")!;
    expect(callCenter).toMatchObject({
      unavailable_minutes: c.unavailable + 90,
      available_minutes: c.available - 90,
      unmeasured_minutes: c.unmeasured,
      maintenance_minutes: 0,
    });
    expect(json.outages.filter((o) => o.service === "call_center" && Date.parse(o.start) === START)).toEqual([
      expect.objectContaining({ kind: "unplanned", start: "2026-03-14T14:00:00.000Z", end: "2026-03-14T15:30:00.000Z", minutes: 90, unavailable_minutes: 90 }),
    ]);
    // the other services are untouched
    const others = (x: Json) => JSON.stringify(x.services.filter((s) => s.service !== "call_center"));
    expect(others(json)).toBe(others(JSON.parse(without.stdout) as Json));

    const md = await runReport(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "md", "--notices", store]);
    expect(md.code, md.stderr).toBe(0);
    const section = md.stdout.slice(md.stdout.indexOf("Call center, 2026-03:"));
    expect(section).toContain(`${c.unavailable + 90} unavailable and ${c.unmeasured} unmeasured minutes`);
    expect(section).toMatch(/\| unplanned \| 2026-03-14 09:00 CDT \| 2026-03-14 10:30 CDT \| 90 \| 90 \|/);
  }, 300_000);
});
