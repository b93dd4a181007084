import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_POINTS_PER_REQUEST, PromqlClient } from "../src/report/promql-client.js";
import { PromqlFetcher, REPORT_FETCH_CONCURRENCY, type RangeNeed } from "../src/report/promql-fetch.js";

/**
 * The requests of one long range (a year at minute steps is about 48 of them) run side by side, up to
 * REPORT_FETCH_CONCURRENCY, like the report's other requests, instead of one after the other
 * (docs/performance.md, "The year's report"). A real HTTP server on loopback holds every request
 * until three are in flight (or gives up after a few seconds and answers anyway), and answers each
 * with one point per step of the request, so the join of the requests is checked too.
 */
const STEP_MS = 60_000;
const GIVE_UP_MS = 5_000;
const CHUNKS = 3;

let server: Server;
let url: string;
let inFlight = 0;
let maxInFlight = 0;
const held: (() => void)[] = [];
let giveUp: NodeJS.Timeout | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const start = Number(form.get("start"));
      const end = Number(form.get("end"));
      const step = Number(form.get("step"));
      const values: [number, string][] = [];
      for (let t = start; t <= end + 1e-6; t += step) values.push([t, "1"]);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      held.push(() => {
        inFlight--;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ status: "success", data: { resultType: "matrix", result: [{ metric: { service: "gui" }, values }] } }));
      });
      const release = () => {
        clearTimeout(giveUp);
        giveUp = undefined;
        for (const answer of held.splice(0)) answer();
      };
      if (inFlight >= CHUNKS) release();
      else giveUp ??= setTimeout(release, GIVE_UP_MS);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("report fetch: the requests of a long range run side by side", () => {
  it(`a range of ${CHUNKS} requests has them in flight at once (at most ${REPORT_FETCH_CONCURRENCY}), joined into one series`, async () => {
    const startMs = Date.UTC(2026, 0, 1, 6, 2, 9, 999);
    const steps = CHUNKS * MAX_POINTS_PER_REQUEST;
    const need: RangeNeed = { kind: "range", query: "up", startMs, endMs: startMs + (steps - 1) * STEP_MS, stepMs: STEP_MS };
    const fetched = await new PromqlFetcher(new PromqlClient(url)).fetch([need]);
    expect(maxInFlight).toBe(Math.min(CHUNKS, REPORT_FETCH_CONCURRENCY));
    expect(REPORT_FETCH_CONCURRENCY).toBeGreaterThanOrEqual(CHUNKS);
    const series = fetched.range(need);
    expect(series).toHaveLength(1);
    expect(series[0]!.points.size).toBe(steps);
    expect(series[0]!.points.get(startMs)).toBe(1);
    expect(series[0]!.points.get(need.endMs)).toBe(1);
  });
});
