import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig, type ResolvedCheck } from "../src/config/load.js";
import { runCheck } from "../src/probes/run.js";
import { CheckScheduler } from "../src/scheduler/check-scheduler.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** A TCP server that accepts and never answers; tracks the sockets that are still open. */
async function hangingServer(): Promise<{ port: number; open: Set<Socket>; accepted: () => number; maxOpen: () => number }> {
  const open = new Set<Socket>();
  let accepted = 0;
  let maxOpen = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    open.add(socket);
    maxOpen = Math.max(maxOpen, open.size);
    socket.on("error", () => {});
    // Read (and drop) what arrives, so that the client's close is noticed at once.
    socket.resume();
    socket.once("close", () => open.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(async () => {
    for (const s of open) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as { port: number }).port, open, accepted: () => accepted, maxOpen: () => maxOpen };
}

function checks(yaml: string): ResolvedCheck[] {
  return parseConfig(yaml, "test.yaml", {}).checks;
}

const httpCheck = (name: string, url: string, timing = "") => `
  - name: ${name}
    service: gui
    kind: http${timing}
    http: { url: "${url}" }`;

const waitUntil = async (cond: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return cond();
};

describe("hard timeout", () => {
  for (const [kind, check] of [
    ["http (no answer to the request)", (port: number) => httpCheck("h", `http://127.0.0.1:${port}/`, "\n    timeout: 500ms")],
    ["https (no answer to the TLS hello)", (port: number) => httpCheck("h", `https://127.0.0.1:${port}/`, "\n    timeout: 500ms")],
    ["ftps (no greeting)", (port: number) => `
  - name: h
    service: ftps
    kind: ftps
    timeout: 500ms
    ftps: { host: 127.0.0.1, port: ${port}, username: u, password_env: PW, file_pattern: x }`],
  ] as const) {
    it(`${kind}: fails as timeout on time and really closes the socket`, async () => {
      const target = await hangingServer();
      const [c] = parseConfig(`checks:${check(target.port)}`, "t.yaml", { PW: "secret-pw" }).checks;
      const before = process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
      const start = performance.now();
      const result = await runCheck(c!);
      const elapsed = performance.now() - start;
      expect(result.failure?.reason).toBe("timeout");
      expect(elapsed).toBeGreaterThanOrEqual(490);
      expect(elapsed).toBeLessThan(1500);
      expect(target.accepted()).toBe(1);
      // The server sees the connection closed: the prober destroyed it at the deadline.
      expect(await waitUntil(() => target.open.size === 0, 500)).toBe(true);
      expect(await waitUntil(() => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length <= before, 500)).toBe(true);
    });
  }
});

describe("scheduler", () => {
  it("never overlaps a check with itself, and counts the skipped runs", async () => {
    const target = await hangingServer();
    const skipped: string[] = [];
    const results: string[] = [];
    const scheduler = new CheckScheduler(10, {
      onResult: (c, r) => results.push(r.failure?.reason ?? "ok"),
      onSkip: (c) => skipped.push(c.name),
      onStartLag: () => {},
    }, { now: Date.now, random: () => 0 });
    closers.push(() => scheduler.stop());
    // Runs last a full interval (the timeout), so the next tick finds the previous run still going.
    // 400 ms is under the configurable minimum interval (1s): set on the resolved check, to keep the test short.
    const [slowpoke] = checks(`checks:${httpCheck("slowpoke", `http://127.0.0.1:${target.port}/`, "\n    interval: 1s\n    timeout: 400ms")}`);
    scheduler.setChecks([{ ...slowpoke!, intervalMs: 400 }]);
    await new Promise((r) => setTimeout(r, 2500));
    await scheduler.stop();
    expect(target.maxOpen()).toBe(1);
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results.every((r) => r === "timeout")).toBe(true);
    expect(skipped.length).toBeGreaterThan(0);
  });

  it("keeps at most max_concurrency runs in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const server: HttpServer = createHttpServer((_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end("ok");
      }, 300);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
    const port = (server.address() as { port: number }).port;
    const list = Array.from({ length: 12 }, (_, i) => httpCheck(`c${i}`, `http://127.0.0.1:${port}/`, "\n    interval: 1s\n    timeout: 1s")).join("");
    let done = 0;
    const lags: number[] = [];
    const scheduler = new CheckScheduler(3, { onResult: () => done++, onSkip: () => {}, onStartLag: (s) => lags.push(s) }, { now: Date.now, random: () => 0 });
    closers.push(() => scheduler.stop());
    scheduler.setChecks(checks(`checks:${list}`));
    await waitUntil(() => done >= 12, 5000);
    await scheduler.stop();
    expect(done).toBeGreaterThanOrEqual(12);
    expect(peak).toBe(3);
    // Queued runs waited for a slot: the lag histogram sees it.
    expect(Math.max(...lags)).toBeGreaterThan(0.25);
  });

  it("starts each check at its random offset inside the first interval, then at a fixed rate", async () => {
    const arrivals: number[] = [];
    const server: HttpServer = createHttpServer((_req, res) => {
      arrivals.push(performance.now());
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
    const port = (server.address() as { port: number }).port;
    const scheduler = new CheckScheduler(10, { onResult: () => {}, onSkip: () => {}, onStartLag: () => {} }, { now: Date.now, random: () => 0.6 });
    closers.push(() => scheduler.stop());
    const start = performance.now();
    scheduler.setChecks(checks(`checks:${httpCheck("offset", `http://127.0.0.1:${port}/`, "\n    interval: 1s\n    timeout: 1s")}`));
    await waitUntil(() => arrivals.length >= 3, 4000);
    await scheduler.stop();
    expect(arrivals[0]! - start).toBeGreaterThan(550);
    // Bounds leave room for a busy CI machine; random() = 0 would start at once, fixed-delay
    // scheduling would drift by the run time each interval.
    expect(arrivals[0]! - start).toBeLessThan(950);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThan(800);
    expect(arrivals[1]! - arrivals[0]!).toBeLessThan(1250);
    expect(arrivals[2]! - arrivals[0]!).toBeGreaterThan(1850);
    expect(arrivals[2]! - arrivals[0]!).toBeLessThan(2300);
  });

  it("opens a fresh connection for every run", async () => {
    const connections = new Set<Socket>();
    let requests = 0;
    const server: HttpServer = createHttpServer((_req, res) => {
      requests++;
      res.end("ok");
    });
    server.on("connection", (s) => connections.add(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    closers.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
    const [c] = checks(`checks:${httpCheck("fresh", `http://127.0.0.1:${(server.address() as { port: number }).port}/`)}`);
    for (let i = 0; i < 3; i++) expect((await runCheck(c!)).success).toBe(true);
    expect(requests).toBe(3);
    expect(connections.size).toBe(3);
  });
});
