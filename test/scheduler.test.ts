import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig, type ResolvedCheck } from "../src/config/load.js";
import { runCheck } from "../src/probes/run.js";
import { FixedRateScheduler } from "../src/scheduler/fixed-rate-scheduler.js";
import { TimerDelayError } from "../src/scheduler/timer.js";
import { FakeClock, settle } from "./support/fake-clock.js";

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
    [
      "ftps (no greeting)",
      (port: number) => `
  - name: h
    service: ftps
    kind: ftps
    timeout: 500ms
    ftps: { host: 127.0.0.1, port: ${port}, username: u, password_env: PW, file_pattern: x }`,
    ],
    [
      "sftp (no SSH banner)",
      (port: number) => `
  - name: h
    service: ftps
    kind: sftp
    timeout: 500ms
    sftp: { host: 127.0.0.1, port: ${port}, username: u, password_env: PW, host_key_sha256: "SHA256:${"A".repeat(43)}", file_pattern: x }`,
    ],
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

/** Records what the scheduler does with a set of jobs whose runs take `durationMs` of fake time each. */
interface Job {
  name: string;
  intervalMs: number;
  durationMs: number;
}

function harness(options: { maxConcurrency?: number; random?: number } = {}) {
  const clock = new FakeClock(0, options.random ?? 0);
  const starts: { name: string; at: number; due: number }[] = [];
  const ends: { name: string; at: number; aborted: boolean }[] = [];
  const skips: { name: string; at: number }[] = [];
  let inFlight = 0;
  let peak = 0;
  const scheduler = new FixedRateScheduler<Job>({
    clock,
    maxConcurrency: options.maxConcurrency,
    run: async (job, signal, due) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      starts.push({ name: job.name, at: clock.now(), due });
      await clock.sleep(job.durationMs, signal);
      inFlight--;
      ends.push({ name: job.name, at: clock.now(), aborted: signal.aborted });
    },
    onSkip: (job) => skips.push({ name: job.name, at: clock.now() }),
  });
  closers.push(() => scheduler.stop());
  const startsOf = (name: string) => starts.filter((s) => s.name === name).map((s) => s.at);
  return { clock, scheduler, starts, ends, skips, startsOf, peak: () => peak, inFlight: () => inFlight };
}

describe("fixed-rate scheduler (fake clock)", () => {
  it("runs at a fixed rate from the random offset: no drift, however long the runs take", async () => {
    const h = harness();
    h.clock.queueRandom(0.25);
    h.scheduler.set([{ name: "a", intervalMs: 1000, durationMs: 300 }]);
    await h.clock.advance(5000);
    expect(h.startsOf("a")).toEqual([250, 1250, 2250, 3250, 4250]);
    // Each run is handed the time it was due.
    expect(h.starts.map((s) => s.due)).toEqual([250, 1250, 2250, 3250, 4250]);
    expect(h.ends.map((e) => e.at)).toEqual([550, 1550, 2550, 3550, 4550]);
    expect(h.skips).toEqual([]);
  });

  it("starts each job at its own random offset inside its first interval", async () => {
    const h = harness();
    h.clock.queueRandom(0, 0.5, 0.999);
    h.scheduler.set([
      { name: "a", intervalMs: 1000, durationMs: 1 },
      { name: "b", intervalMs: 1000, durationMs: 1 },
      { name: "c", intervalMs: 60_000, durationMs: 1 },
    ]);
    expect([h.scheduler.nextDue("a"), h.scheduler.nextDue("b"), h.scheduler.nextDue("c")]).toEqual([0, 500, 59_940]);
    await h.clock.advance(60_000);
    expect(h.startsOf("a")[0]).toBe(0);
    expect(h.startsOf("b").slice(0, 2)).toEqual([500, 1500]);
    expect(h.startsOf("c")).toEqual([59_940]);
  });

  it("never overlaps a job with itself: a slot that finds the previous run going is skipped and counted", async () => {
    const h = harness();
    h.scheduler.set([{ name: "slow", intervalMs: 1000, durationMs: 2500 }]);
    await h.clock.advance(6500);
    // Runs at 0 (till 2500), 3000 (till 5500), 6000; the slots at 1000, 2000, 4000, 5000 are skipped.
    expect(h.startsOf("slow")).toEqual([0, 3000, 6000]);
    expect(h.skips.map((s) => s.at)).toEqual([1000, 2000, 4000, 5000]);
    expect(h.peak()).toBe(1);
  });

  it("when the process was behind, counts every missed slot and keeps the phase", async () => {
    const h = harness();
    h.clock.queueRandom(0.1);
    h.scheduler.set([{ name: "a", intervalMs: 1000, durationMs: 10 }]);
    await h.clock.advance(100); // the first run, at 100
    h.clock.jump(3450); // stalled (a long GC pause, a suspended VM): the timer for 1100 fires at 3550
    await h.clock.advance(0);
    // The run due at 1100 starts late (with its due time); 2100 and 3100 were missed; next is 4100.
    expect(h.starts.map((s) => [s.at, s.due])).toEqual([
      [100, 100],
      [3550, 1100],
    ]);
    expect(h.skips.length).toBe(2);
    expect(h.scheduler.nextDue("a")).toBe(4100);
    await h.clock.advance(1000);
    expect(h.startsOf("a")).toEqual([100, 3550, 4100]);
  });

  it("keeps at most maxConcurrency runs in flight; the others wait in order and start late", async () => {
    const h = harness({ maxConcurrency: 2 });
    const jobs = ["a", "b", "c", "d", "e"].map((name) => ({ name, intervalMs: 10_000, durationMs: 500 }));
    h.scheduler.set(jobs);
    await h.clock.advance(1600);
    expect(h.peak()).toBe(2);
    expect(h.starts.map((s) => [s.name, s.at, s.due])).toEqual([
      ["a", 0, 0],
      ["b", 0, 0],
      ["c", 500, 0],
      ["d", 500, 0],
      ["e", 1000, 0],
    ]);
    // A wider limit lets the waiting runs start at once.
    const wide = harness({ maxConcurrency: 1 });
    wide.scheduler.set(jobs);
    await wide.clock.advance(0);
    expect(wide.inFlight()).toBe(1);
    wide.scheduler.setMaxConcurrency(5);
    await wide.clock.advance(0);
    expect(wide.inFlight()).toBe(5);
  });

  it("has no concurrency limit unless one is given", async () => {
    const h = harness();
    h.scheduler.set(Array.from({ length: 50 }, (_, i) => ({ name: `j${i}`, intervalMs: 1000, durationMs: 900 })));
    await h.clock.advance(0);
    expect(h.inFlight()).toBe(50);
  });

  it("on reload keeps the phase of kept jobs, restarts a changed interval, aborts removed jobs", async () => {
    const h = harness();
    h.clock.queueRandom(0.3, 0.6);
    h.scheduler.set([
      { name: "kept", intervalMs: 1000, durationMs: 10 },
      { name: "removed", intervalMs: 1000, durationMs: 900 },
    ]);
    await h.clock.advance(1650); // kept: 300, 1300; removed: 600, 1600 (still running)
    h.clock.queueRandom(0.5);
    h.scheduler.set([
      { name: "kept", intervalMs: 1000, durationMs: 20 },
      { name: "changed", intervalMs: 4000, durationMs: 10 },
    ]);
    await settle();
    expect(h.ends.filter((e) => e.name === "removed").at(-1)).toEqual({ name: "removed", at: 1650, aborted: true });
    expect(h.scheduler.nextDue("changed")).toBe(1650 + 2000);
    await h.clock.advance(3000);
    expect(h.startsOf("kept")).toEqual([300, 1300, 2300, 3300, 4300]);
    expect(h.startsOf("removed")).toEqual([600, 1600]);
    // The kept job runs its new settings from the next slot on.
    expect(h.ends.filter((e) => e.name === "kept").at(-1)).toEqual({ name: "kept", at: 4320, aborted: false });
    expect(h.startsOf("changed")).toEqual([3650]);
    h.clock.queueRandom(0.25);
    h.scheduler.set([{ name: "kept", intervalMs: 2000, durationMs: 10 }]);
    expect(h.scheduler.nextDue("kept")).toBe(4650 + 500);
  });

  it("runNow runs a job outside its rhythm unless it is running; stop aborts and waits", async () => {
    const h = harness();
    h.clock.queueRandom(0.5);
    h.scheduler.set([{ name: "a", intervalMs: 1000, durationMs: 200 }]);
    const now = h.scheduler.runNow("a");
    const again = h.scheduler.runNow("a");
    expect(again).toBe(now);
    await h.clock.advance(200);
    await now;
    expect(h.startsOf("a")).toEqual([0]);
    await h.clock.advance(400); // the rhythm is kept: 500
    expect(h.startsOf("a")).toEqual([0, 500]);
    const stopped = h.scheduler.stop();
    await stopped;
    expect(h.ends.at(-1)).toEqual({ name: "a", at: 600, aborted: true });
    await h.clock.advance(5000);
    expect(h.startsOf("a")).toEqual([0, 500]);
  });

  it("a runner that throws is reported and the job keeps its rhythm", async () => {
    const clock = new FakeClock();
    const errors: string[] = [];
    let runs = 0;
    const scheduler = new FixedRateScheduler<{ name: string; intervalMs: number }>({
      clock,
      run: async () => {
        runs++;
        throw new Error(`boom ${runs}`);
      },
      onError: (job, err) => errors.push(`${job.name}: ${(err as Error).message}`),
    });
    closers.push(() => scheduler.stop());
    scheduler.set([{ name: "a", intervalMs: 1000 }]);
    await clock.advance(2000);
    expect(errors).toEqual(["a: boom 1", "a: boom 2", "a: boom 3"]);
  });

  it("refuses a period a timer cannot hold before changing anything", () => {
    const h = harness();
    h.scheduler.set([{ name: "a", intervalMs: 1000, durationMs: 1 }]);
    expect(() => h.scheduler.set([{ name: "b", intervalMs: 2 ** 31, durationMs: 1 }])).toThrow(TimerDelayError);
    expect(h.scheduler.size).toBe(1);
    expect(h.scheduler.nextDue("a")).toBe(0);
  });
});

describe("probe runs", () => {
  it("opens a fresh connection for every run", async () => {
    const connections = new Set<Socket>();
    let requests = 0;
    const server: HttpServer = createHttpServer((_req, res) => {
      requests++;
      res.end("ok");
    });
    server.on("connection", (s) => connections.add(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    closers.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const [c] = checks(`checks:${httpCheck("fresh", `http://127.0.0.1:${(server.address() as { port: number }).port}/`)}`);
    for (let i = 0; i < 3; i++) expect((await runCheck(c!)).success).toBe(true);
    expect(requests).toBe(3);
    expect(connections.size).toBe(3);
  });
});
