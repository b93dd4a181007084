import { rmSync, statSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_POINTS_PER_REQUEST } from "../src/report/promql-client.js";
import { backfilledMarch2026 } from "./support/backfilled-month.js";
import type { PrometheusServer } from "./support/prometheus-server.js";
import { CLI, runReport, stepTimer } from "./support/report-cli.js";
import { syntheticMarch2026 } from "./support/synthetic-month.js";

/**
 * Issue 15 item 3: the report fetches each range once and asks Prometheus only for what it needs.
 * `smt-monitor report` runs through a recording HTTP proxy in front of a real Prometheus holding the
 * synthetic March 2026 (the blocks test/report-accuracy.test.ts and test/committee-report.test.ts
 * share, test/support/backfilled-month.ts). Every request and the size of every answer are recorded:
 * a section that fetched its own copy of a range, a range fetched once per month of a year, or the
 * dense minute flags (12 MB a month, one point per minute, service and state) fail it.
 */
interface Recorded {
  path: string;
  form: URLSearchParams;
  answerBytes: number;
}

let prometheus: PrometheusServer | undefined;
let dir: string | undefined;
let proxy: Server;
let proxyUrl: string;
let recorded: Recorded[] = [];
const { timed } = stepTimer();

beforeAll(async () => {
  statSync(CLI); // `npm test` builds first; alone: npx tsc -p .
  ({ dir, prometheus } = await backfilledMarch2026(syntheticMarch2026(), timed));
  const upstream = new URL(prometheus.url);
  proxy = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on("data", (c: Buffer) => body.push(c));
    req.on("end", () => {
      const entry: Recorded = { path: new URL(req.url ?? "/", upstream).pathname, form: new URLSearchParams(Buffer.concat(body).toString()), answerBytes: 0 };
      recorded.push(entry);
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.on("data", (c: Buffer) => (entry.answerBytes += c.length));
          answer.pipe(res);
        },
      );
      out.on("error", () => res.destroy());
      out.end(Buffer.concat(body));
    });
  });
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}, 600_000);

afterAll(async () => {
  await new Promise<void>((r) => {
    proxy.close(() => r());
    proxy.closeAllConnections();
  });
  await prometheus?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Per query: its requests and the steps they asked for (range queries), and any step asked twice. */
function byQuery(requests: readonly Recorded[]) {
  const queries = new Map<string, { path: string; requests: number; steps: Set<number>; twice: number }>();
  for (const r of requests) {
    const query = r.form.get("query") ?? "";
    const q = queries.get(query) ?? { path: r.path, requests: 0, steps: new Set<number>(), twice: 0 };
    queries.set(query, q);
    q.requests++;
    if (r.path !== "/api/v1/query_range") continue;
    const [start, end, step] = ["start", "end", "step"].map((k) => Math.round(Number(r.form.get(k)) * 1000)) as [number, number, number];
    for (let t = start; t <= end; t += step) {
      if (q.steps.has(t)) q.twice++;
      q.steps.add(t);
    }
  }
  return queries;
}

const answerBytes = (requests: readonly Recorded[]) => requests.reduce((n, r) => n + r.answerBytes, 0);

describe("report: the requests it makes to a real Prometheus", () => {
  it("a month: each query once, each range in as few requests as its steps need, answers of kilobytes", async () => {
    recorded = [];
    const r = await runReport(["--prometheus", proxyUrl, "--month", "2026-03", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const queries = byQuery(recorded);
    for (const [query, q] of queries) {
      if (q.path === "/api/v1/query") expect(q.requests, query).toBe(1);
      else {
        expect(q.twice, query).toBe(0);
        expect(q.requests, query).toBe(Math.ceil(q.steps.size / MAX_POINTS_PER_REQUEST));
      }
    }
    // availability, reserved windows, tickets, HAN devices; the four minute-state ranges (the month
    // and a day either side: 46,080 steps, 5 requests each), the newest usage day (the month to its
    // late-search end, 6 requests) and the two quality ranges (5-minute steps, 1 request each)
    expect([...queries.values()].filter((q) => q.path === "/api/v1/query")).toHaveLength(4);
    expect(recorded).toHaveLength(4 + 4 * 5 + 6 + 2);
    // the minute states are sparse: the exceptions to "available", not a point per minute and state
    // (the dense form answered about 14 MB for this month)
    expect(answerBytes(recorded)).toBeLessThan(1 << 20);
  }, 120_000);

  it("a year: every step of a range once over the year, the months' ranges joined, answers of kilobytes", async () => {
    recorded = [];
    const r = await runReport(["--prometheus", proxyUrl, "--year", "2026", "--format", "json", "--at", "2026-11-30T12:00:00Z"]);
    expect(r.code, r.stderr).toBe(0);
    const reported = (JSON.parse(r.stdout) as { months: { month: string }[] }).months.length;
    expect(reported).toBeGreaterThanOrEqual(2);
    const queries = byQuery(recorded);
    for (const [query, q] of queries) {
      if (q.path === "/api/v1/query") {
        expect(q.requests, query).toBe(1);
        continue;
      }
      expect(q.twice, query).toBe(0);
      // month by month, each month fetches only the steps after the previous month's: at most one
      // request more per month than the whole range in one go
      expect(q.requests, query).toBeLessThanOrEqual(Math.ceil(q.steps.size / MAX_POINTS_PER_REQUEST) + reported);
    }
    // February (from the 26th) and April (to the 1st, 02:00) are mostly unrecorded, and the
    // unrecorded minutes of a service with outages come minute by minute: 2 MiB a month at most here
    // (the dense minute flags were about 14 MB a month)
    expect(answerBytes(recorded)).toBeLessThan(reported * (2 << 20));
  }, 120_000);
});
