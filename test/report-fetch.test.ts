import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runReport } from "./support/report-cli.js";

/**
 * Issue 14 item 3: a report fetches everything once. `smt-monitor report` runs against a fake
 * Prometheus (a real HTTP server on loopback) that records every request; no request may be made
 * twice, and no step of a range query may be asked for twice, also when a year's months have
 * ranges that reach into each other. Needs `npm run build` (the CLI in dist/).
 */
interface Recorded {
  path: string;
  form: URLSearchParams;
}

let server: Server;
let url: string;
let requests: Recorded[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const path = new URL(req.url ?? "/", "http://x").pathname;
      requests.push({ path, form });
      const query = form.get("query") ?? "";
      let data: unknown;
      if (path === "/api/v1/query_range") data = { resultType: "matrix", result: [] };
      else if (query.includes("sum_over_time(smt:service_minute_available:bool")) {
        // every month has recorded minutes: 100 available minutes of gui
        data = { resultType: "vector", result: [{ metric: { service: "gui", state: "available" }, value: [Number(form.get("time")), "100"] }] };
      } else data = { resultType: "vector", result: [] };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "success", data }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Every request's identity, and every (query, step instant) a range request asked for. */
function duplicates(recorded: readonly Recorded[]): { requests: string[]; steps: string[] } {
  const seen = new Set<string>();
  const requestTwice: string[] = [];
  const stepsByQuery = new Map<string, Set<number>>();
  const stepTwice: string[] = [];
  for (const r of recorded) {
    const key = `${r.path} ${[...r.form]
      .filter(([k]) => k !== "timeout")
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join("&")}`;
    if (seen.has(key)) requestTwice.push(key);
    seen.add(key);
    if (r.path !== "/api/v1/query_range") continue;
    const query = r.form.get("query")!;
    const [start, end, step] = ["start", "end", "step"].map((k) => Math.round(Number(r.form.get(k)) * 1000));
    const steps = stepsByQuery.get(query) ?? new Set<number>();
    stepsByQuery.set(query, steps);
    for (let t = start!; t <= end!; t += step!) {
      if (steps.has(t) && stepTwice.length < 5) stepTwice.push(`${new Date(t).toISOString()} of ${query}`);
      steps.add(t);
    }
  }
  return { requests: requestTwice, steps: stepTwice };
}

describe("report: each query fetched once", () => {
  it("a month and a year: no request twice, no step of a range twice (the year's months share their ranges)", async () => {
    requests = [];
    const month = await runReport(["--prometheus", url, "--month", "2025-03", "--format", "json"]);
    expect(month.code, month.stderr).toBe(0);
    expect(
      (JSON.parse(month.stdout) as { services: { service: string; available_minutes: number }[] }).services.find((s) => s.service === "gui")?.available_minutes,
    ).toBe(100);
    expect(duplicates(requests)).toEqual({ requests: [], steps: [] });
    // availability and the reserved-window minutes, then: the unavailable and maintenance minutes
    // (no unavailable minute: the available ones are not asked for), newest usage day (over 10,000
    // minutes: cut in requests), the two quality ranges, tickets and HAN devices
    const distinct = new Set(requests.map((r) => r.form.get("query")));
    expect(distinct.size).toBe(9);

    requests = [];
    const year = await runReport(["--prometheus", url, "--year", "2025", "--format", "json"]);
    expect(year.code, year.stderr).toBe(0);
    expect(JSON.parse(year.stdout).months).toHaveLength(12);
    expect(duplicates(requests)).toEqual({ requests: [], steps: [] });
    // one availability and one reserved-window query a month, and each other query of the year once (a range query cut in requests of 10,000 steps)
    const queries = new Set(requests.map((r) => r.form.get("query")));
    expect(queries.size).toBe(12 * 2 + 12 * 2 + 5);
  }, 60_000);
});
