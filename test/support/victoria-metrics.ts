import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { longTermStoreFlags, longTermStoreRelabelConfig } from "../../src/ha/long-term-store.js";
import { freePort } from "./prometheus-server.js";

/** A real single-node VictoriaMetrics (/usr/bin/victoria-metrics, Debian's package) on a free loopback port. */
export interface VictoriaMetricsServer {
  url: string;
  /** Everything it logged (for failure messages). */
  log(): string;
  /** Makes everything ingested so far searchable at once (GET /internal/force_flush). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export const VICTORIA_METRICS = "/usr/bin/victoria-metrics";

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts the store with the deployed settings (src/ha/long-term-store.ts: dedup slot, replica label
 * dropped) in `dir`, except a retention long enough for the test's fixed month; `deduplicate: false`
 * starts a plain store without the two (the control that shows what they do).
 */
export async function startVictoriaMetrics(options: { dir: string; scrapeIntervalMs: number; deduplicate?: boolean }): Promise<VictoriaMetricsServer> {
  mkdirSync(options.dir, { recursive: true });
  const relabelConfigFile = join(options.dir, "relabel.yml");
  writeFileSync(relabelConfigFile, options.deduplicate === false ? "[]\n" : longTermStoreRelabelConfig());
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const flags = longTermStoreFlags({
      scrapeIntervalMs: options.deduplicate === false ? 0 : options.scrapeIntervalMs,
      storageDataPath: join(options.dir, "data"),
      relabelConfigFile,
      retentionPeriod: "100y",
      httpListenAddr: `127.0.0.1:${port}`,
    });
    // -search.latencyOffset=0s: the live test reads what the replicas wrote a second ago (deployed: 30 s)
    const child = spawn(VICTORIA_METRICS, [...flags, "-loggerLevel=WARN", "-search.latencyOffset=0s"], { stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    const server: VictoriaMetricsServer = {
      url,
      log: () => output,
      flush: async () => {
        const res = await fetch(`${url}/internal/force_flush`);
        if (!res.ok) throw new Error(`force_flush: HTTP ${res.status}`);
      },
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(timer);
        }
        running.delete(child);
      },
    };
    const ready = await waitHealthy(url, exited, 30_000);
    if (ready === "ready") return server;
    await server.stop();
    if (attempt >= 2 || !/address already in use/.test(output)) throw new Error(`victoria-metrics did not become ready (${ready}):\n${output.slice(-3000)}`);
  }
}

async function waitHealthy(url: string, exited: Promise<number | null>, timeoutMs: number): Promise<string> {
  let done: string | undefined;
  void exited.then((code) => (done ??= `exited with ${code}`));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (done) return done;
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return "ready";
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return "timed out";
}

/**
 * Copies the raw samples of the series `match` selects in (fromMs, toMs] from a Prometheus into the
 * store through its import API (/api/v1/import, JSON lines: the store's relabeling applies), day by
 * day, with `labels` added and the samples in `skip` ([from, to)) left out: what a Prometheus replica
 * would have remote-written, a replica that was down during `skip`.
 */
export async function copySeries(
  from: string,
  to: VictoriaMetricsServer,
  options: { match: string; fromMs: number; toMs: number; labels: Record<string, string>; skip?: { fromMs: number; toMs: number } },
): Promise<number> {
  const DAY = 86_400_000;
  let samples = 0;
  for (let end = options.fromMs + DAY; end - DAY < options.toMs; end += DAY) {
    const start = end - DAY;
    const body = new URLSearchParams({ query: `${options.match}[1d]`, time: (end / 1000).toFixed(3) });
    const res = await fetch(`${from}/api/v1/query`, { method: "POST", body });
    const json = (await res.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
    if (json.status !== "success") throw new Error(`export from ${from} failed: ${json.error}`);
    const lines: string[] = [];
    for (const series of json.data.result) {
      const timestamps: number[] = [];
      const values: number[] = [];
      for (const [t, v] of series.values) {
        const ms = Math.round(t * 1000);
        if (ms <= start || ms > end || ms > options.toMs) continue;
        if (options.skip && ms >= options.skip.fromMs && ms < options.skip.toMs) continue;
        timestamps.push(ms);
        values.push(Number(v));
      }
      if (timestamps.length === 0) continue;
      samples += timestamps.length;
      lines.push(JSON.stringify({ metric: { ...series.metric, ...options.labels }, values, timestamps }));
    }
    if (lines.length === 0) continue;
    const imported = await fetch(`${to.url}/api/v1/import`, { method: "POST", body: lines.join("\n") + "\n" });
    if (!imported.ok) throw new Error(`import into ${to.url} failed: HTTP ${imported.status}: ${await imported.text()}`);
  }
  return samples;
}
