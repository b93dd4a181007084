import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig, type ResolvedCheck } from "../src/config/load.js";
import { runCheck } from "../src/probes/run.js";
import { FixedRateScheduler, systemClock } from "../src/scheduler/fixed-rate-scheduler.js";
import { armRepeatingTimer, armTimer, TimerDelayError } from "../src/scheduler/timer.js";

/**
 * Issue 16 item 1: a delay over Node's timer limit (2^31-1 ms, about 24.8 days) fires after 1 ms,
 * so a check with such an interval ran in a tight loop against its target. Config ranges keep every
 * configured delay below the limit, and the one timer helper refuses anything outside it.
 */

const CLI = join(__dirname, "..", "dist", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "smt-durations-"));
const DAY = 86_400_000;

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** A real HTTP server on loopback that counts the requests it gets. */
async function countingTarget(): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    requests++;
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, requests: () => requests };
}

describe("the timer helper", () => {
  it("refuses a delay of 2^31 ms, a negative one and a non-finite one, instead of firing after 1 ms", () => {
    for (const delay of [2 ** 31, 25 * DAY, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => armTimer(delay, () => {})).toThrow(TimerDelayError);
      expect(() => armRepeatingTimer(delay, () => {})).toThrow(TimerDelayError);
    }
    expect(() => armRepeatingTimer(0, () => {})).toThrow(TimerDelayError);
    expect(() => armTimer(2 ** 31, () => {})).toThrow("bug: timer delay 2147483648 ms is outside 0..2147483647 ms");
  });

  it("arms the longest delay a timer can hold, and fires short ones", async () => {
    clearTimeout(armTimer(2 ** 31 - 1, () => {}));
    await new Promise<void>((resolve) => armTimer(1, resolve));
  });
});

describe("a check with an interval beyond the timer limit never runs in a loop", () => {
  it("the scheduler refuses it and its target gets no request", async () => {
    const target = await countingTarget();
    const [check] = parseConfig(`checks:\n  - { name: huge, service: gui, kind: http, interval: 1h, http: { url: "${target.url}" } }\n`, "t.yaml", {}).checks;
    // A start offset of 0.999 × 25d is over the limit: Node fired it after 1 ms, and every next run too.
    const scheduler = new FixedRateScheduler<ResolvedCheck>({
      maxConcurrency: 4,
      clock: systemClock({}, { now: Date.now, random: () => 0.999 }),
      run: async (c, signal) => {
        await runCheck(c, { signal });
      },
    });
    closers.push(() => scheduler.stop());
    // The config can no longer say 25d; a resolved check built by other code still cannot loop.
    let refused: unknown;
    try {
      scheduler.set([{ ...check!, intervalMs: 25 * DAY }]);
    } catch (err) {
      refused = err;
    }
    // Long enough for hundreds of runs of the old tight loop (it ran one per millisecond).
    await new Promise<void>((resolve) => armTimer(300, resolve));
    expect(target.requests()).toBe(0);
    expect(refused).toBeInstanceOf(TimerDelayError);
  });

  it("the exporter refuses a 25d interval at start with the file, line and field, and never probes", async () => {
    const target = await countingTarget();
    const file = join(dir, "huge.yaml");
    writeFileSync(file, `checks:\n  - name: huge\n    service: gui\n    kind: http\n    interval: 25d\n    timeout: 5s\n    http: { url: "${target.url}" }\n`);
    const child = spawn(process.execPath, [CLI, "exporter", "--config", file, "--web.listen-address", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
    closers.push(() => void child.kill("SIGKILL"));
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const outcome = await new Promise<number | string>((resolve) => {
      child.once("exit", (code) => resolve(code ?? -1));
      // Still running after 20 s: it accepted the config (and, before the fix, looped on the target).
      // A ceiling, not a wait: the refusal ends the process in about 2 s, later on a loaded machine.
      armTimer(20_000, () => resolve(`still running after 20 s with ${target.requests()} requests to the target`), { unref: true });
    });
    expect(outcome).toBe(2); // a config error (exit codes: docs/configuration.md)
    expect(stderr).toContain(
      `${file}:5:15: checks[0].interval: expected a duration between 1s and 24h like "30s", "5m" or "1h30m", got "25d" (longer than 24h)`,
    );
    expect(target.requests()).toBe(0);
  });
});
