import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

/** A real Prometheus (/usr/bin/prometheus) on a free loopback port with its own storage directory. */
export interface PrometheusServer {
  url: string;
  port: number;
  dataDir: string;
  /** Everything it logged (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export interface PrometheusServerOptions {
  /** Working directory: holds prometheus.yml (unless configFile is given) and, by default, the data. */
  dir: string;
  /** prometheus.yml text, written to dir (ignored when configFile is given). */
  config?: string;
  configFile?: string;
  dataDir?: string;
  extraArgs?: string[];
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** A port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(options: PrometheusServerOptions): Promise<PrometheusServer> {
  const dataDir = options.dataDir ?? join(options.dir, "data");
  mkdirSync(dataDir, { recursive: true });
  let configFile = options.configFile;
  if (!configFile) {
    configFile = join(options.dir, "prometheus.yml");
    writeFileSync(configFile, options.config ?? "global: {}\n");
  }
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      "/usr/bin/prometheus",
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${dataDir}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--storage.tsdb.retention.time=100y",
        "--web.enable-lifecycle",
        "--log.level=warn",
        ...(options.extraArgs ?? []),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    running.add(child);
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const server: PrometheusServer = {
      url: `http://127.0.0.1:${port}`,
      port,
      dataDir,
      log: () => output,
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
    const ready = await waitReady(server.url, exited, 60_000);
    if (ready === "ready") return server;
    await server.stop();
    if (attempt >= 2 || !/address already in use/.test(output)) {
      throw new Error(`prometheus did not become ready (${ready}):\n${output.slice(-3000)}`);
    }
  }
}

async function waitReady(url: string, exited: Promise<number | null>, timeoutMs: number): Promise<string> {
  let done: string | undefined;
  void exited.then((code) => (done ??= `exited with ${code}`));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (done) return done;
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) return "ready";
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return "timed out";
}

/** An instant query against the server; returns the vector's samples. */
export async function instantQuery(url: string, query: string, time?: number): Promise<{ metric: Record<string, string>; value: number; time: number }[]> {
  const body = new URLSearchParams({ query, ...(time !== undefined ? { time: String(time) } : {}) });
  const res = await fetch(`${url}/api/v1/query`, { method: "POST", body });
  const json = (await res.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (json.status !== "success") throw new Error(`query failed: ${json.error}: ${query}`);
  return json.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]), time: r.value[0] }));
}

/** A range query; returns every series' points. */
export async function rangeQuery(
  url: string,
  query: string,
  start: number,
  end: number,
  step: number,
): Promise<{ metric: Record<string, string>; values: [number, number][] }[]> {
  const body = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) });
  const res = await fetch(`${url}/api/v1/query_range`, { method: "POST", body });
  const json = (await res.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
  if (json.status !== "success") throw new Error(`range query failed: ${json.error}: ${query}`);
  return json.data.result.map((r) => ({ metric: r.metric, values: r.values.map(([t, v]) => [t, Number(v)] as [number, number]) }));
}
