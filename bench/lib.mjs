// Shared helpers for the benchmarks: real child processes, /proc accounting, Prometheus text parsing.
// Nothing here is mocked: every figure comes from a real process on a real socket.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { request as httpRequest, Agent } from "node:http";
import { createServer } from "node:net";
import { tmpdir, cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DIST = join(ROOT, "dist");
export const CLI = join(DIST, "cli", "main.js");
export const BLACKBOX = "/usr/bin/prometheus-blackbox-exporter";
const CLK_TCK = 100; // getconf CLK_TCK on Linux x86-64

// ---------------------------------------------------------------- arguments

/** `--name value` / `--name=value` flags with defaults; numbers stay numbers. */
export function parseArgs(defaults, argv = process.argv.slice(2)) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") {
      process.stdout.write(
        `options (defaults):\n${Object.entries(defaults)
          .map(([k, v]) => `  --${k} ${v}`)
          .join("\n")}\n`,
      );
      process.exit(0);
    }
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(arg);
    if (!m || !(m[1] in defaults)) throw new Error(`unknown argument ${arg}`);
    const raw = m[2] ?? argv[++i];
    out[m[1]] = typeof defaults[m[1]] === "number" ? Number(raw) : raw;
  }
  return out;
}

// ---------------------------------------------------------------- processes

const children = new Set();

/** Starts a child process we own; every one is killed (by pid) when the benchmark exits. */
export function start(command, args, { env, cpu, name, stdout = "ignore" } = {}) {
  const argv = cpu === undefined ? [command, ...args] : ["taskset", "-c", String(cpu), command, ...args];
  const child = spawn(argv[0], argv.slice(1), { env: env ?? cleanEnv(), stdio: ["ignore", stdout, "pipe"] });
  child.label = name ?? command;
  child.stderrText = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d) => {
    if (child.stderrText.length < 20_000) child.stderrText += d;
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** The environment without NODE_EXTRA_CA_CERTS (set on these machines), so Node starts as it would in production. */
export function cleanEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_OPTIONS;
  return env;
}

/** Stops one child we started (SIGTERM, then SIGKILL after 5 s) and waits for it. */
export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

export async function stopAll() {
  const waits = [];
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    waits.push(new Promise((r) => child.once("exit", r)));
    try {
      process.kill(child.pid, "SIGTERM");
    } catch {}
  }
  const timer = setTimeout(() => {
    for (const child of children) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {}
    }
  }, 5000);
  await Promise.all(waits);
  clearTimeout(timer);
}

let cleaningUp = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    if (cleaningUp) return;
    cleaningUp = true;
    await stopAll();
    process.exit(130);
  });
}
process.once("exit", () => {
  for (const child of children) {
    try {
      process.kill(child.pid, "SIGKILL");
    } catch {}
  }
});

export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls until `url` answers 200, or fails with the child's stderr. */
export async function waitForHttp(url, child, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${child.label} exited (${child.exitCode}): ${child.stderrText}`);
    try {
      const res = await get(url);
      if (res.status === 200) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms: ${child?.stderrText ?? ""}`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------- HTTP client (keep-alive, like Prometheus)

export const keepAlive = new Agent({ keepAlive: true, maxSockets: 256 });

/**
 * GET with a keep-alive agent; `gzip` asks for a compressed body like Prometheus does (the body is
 * then not decoded). A request on a reused connection that the server closed meanwhile (its
 * keep-alive timeout) is retried once on a new one, as HTTP clients do for idempotent requests.
 */
export function get(url, { gzip = false, timeoutMs = 30_000 } = {}) {
  return new Promise((resolveGet, reject) => {
    const attempt = (retry) => {
      const req = httpRequest(url, { agent: keepAlive, headers: gzip ? { "Accept-Encoding": "gzip" } : {} }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolveGet({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error("timeout")));
      req.on("error", (err) => {
        if (retry && req.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE")) attempt(false);
        else reject(err);
      });
      req.end();
    };
    attempt(true);
  });
}

// ---------------------------------------------------------------- /proc

/** CPU seconds (user, system) of a whole process, all threads, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const user = Number(fields[11]) / CLK_TCK;
  const system = Number(fields[12]) / CLK_TCK;
  return { user, system, total: user + system };
}

/** Resident memory (current and peak) in MiB, from /proc/<pid>/status. */
export function memoryMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kib("VmRSS") / 1024, hwm: kib("VmHWM") / 1024 };
}

/** Aggregate CPU time of the machine (all cores), to see how busy it was during a window. */
export function machineCpu() {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3] + line[4];
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  return { idle: idle / CLK_TCK, total: total / CLK_TCK };
}

export function load() {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
}

export function machineDescription() {
  return `${cpus().length} x ${cpus()[0]?.model ?? "?"}, Node ${process.version}`;
}

// ---------------------------------------------------------------- Prometheus text

/** Parses the Prometheus text format into [{name, labels, value}]. */
export function parseMetrics(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    if (m[2]) for (const l of m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

export function sumOf(samples, name, filter = () => true) {
  return samples.filter((s) => s.name === name && filter(s.labels)).reduce((a, s) => a + s.value, 0);
}

/** Cumulative histogram buckets {le -> count} of a metric without other labels. */
export function bucketsOf(samples, name) {
  const buckets = new Map();
  for (const s of samples) if (s.name === `${name}_bucket`) buckets.set(s.labels.le === "+Inf" ? Infinity : Number(s.labels.le), s.value);
  return buckets;
}

export function bucketDelta(after, before) {
  const out = new Map();
  for (const [le, n] of after) out.set(le, n - (before?.get(le) ?? 0));
  return out;
}

/** Quantile from cumulative buckets, interpolated linearly inside the bucket as PromQL's histogram_quantile does. */
export function histogramQuantile(q, buckets) {
  const les = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const le of les) {
    const count = buckets.get(le);
    if (count >= rank) {
      if (le === Infinity) return prevLe; // as histogram_quantile: the highest finite bound
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(count - prevCount, 1e-9);
    }
    prevLe = le;
    prevCount = count;
  }
  return NaN;
}

// ---------------------------------------------------------------- the local HTTPS target and certificates

/** A private CA and a server certificate for 127.0.0.1, from the simulator's own certificate code. */
export async function writeCertificates(dir) {
  const certPath = join(DIST, "simulator", "certificates.js");
  if (!existsSync(certPath)) throw new Error("dist/ is missing: run `npm run build` first (npm run bench does)");
  const { generateCertificates } = await import(certPath);
  const certs = generateCertificates();
  const files = { ca: join(dir, "ca.pem"), cert: join(dir, "server.pem"), key: join(dir, "server-key.pem") };
  writeFileSync(files.ca, certs.ca.cert);
  writeFileSync(files.cert, certs.server.cert);
  writeFileSync(files.key, certs.server.key, { mode: 0o600 });
  return files;
}

/** Starts bench/target-server.mjs (a separate process) and resolves to its port. */
export async function startTarget(files, { cpu, http = false } = {}) {
  const port = await freePort();
  const httpPort = http ? await freePort() : undefined;
  const args = [join(ROOT, "bench", "target-server.mjs"), "--port", String(port), "--cert", files.cert, "--key", files.key];
  if (httpPort !== undefined) args.push("--http-port", String(httpPort));
  const child = start(process.execPath, args, { cpu, name: "target" });
  await new Promise((resolveReady, reject) => {
    const onExit = () => reject(new Error(`target exited: ${child.stderrText}`));
    child.once("exit", onExit);
    const poll = setInterval(() => {
      if (child.stderrText.includes("listening")) {
        clearInterval(poll);
        child.off("exit", onExit);
        resolveReady();
      }
    }, 50);
  });
  return { child, port, url: `https://127.0.0.1:${port}/`, ...(httpPort !== undefined ? { httpUrl: `http://127.0.0.1:${httpPort}/` } : {}) };
}

/** The exporter config: `checks` identical HTTP checks (the demo's GUI check) on the target. */
export function writeExporterConfig(dir, { targetUrl, caFile, checks, interval, port, timeout = "5s", maxConcurrency, name = "exporter.yaml" }) {
  const lines = [`listen_address: "127.0.0.1:${port}"`, "location: bench", "defaults:", `  interval: ${interval}`, `  timeout: ${timeout}`];
  if (maxConcurrency !== undefined) lines.push(`max_concurrency: ${maxConcurrency}`);
  lines.push("checks:");
  const https = targetUrl.startsWith("https:");
  for (let i = 0; i < checks; i++) {
    lines.push(
      `  - name: gui_home_${String(i).padStart(4, "0")}`,
      "    service: gui",
      "    kind: http",
      "    http:",
      `      url: ${targetUrl}`,
      "      valid_status_codes: [200]",
      '      body_must_match: ["Smart Meter Texas"]',
      '      body_must_not_match: ["Access Denied", "(?i)scheduled maintenance", "(?i)currently unavailable"]',
      ...(https ? ["      tls:", `        ca_file: ${caFile}`] : []),
    );
  }
  const file = join(dir, name);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** blackbox_exporter's config: one http module with the same assertions and the same CA. */
export function writeBlackboxConfig(dir, { caFile }) {
  const text = `modules:
  http_2xx:
    prober: http
    timeout: 5s
    http:
      method: GET
      valid_status_codes: [200]
      preferred_ip_protocol: ip4
      fail_if_body_not_matches_regexp: ["Smart Meter Texas"]
      fail_if_body_matches_regexp: ["Access Denied", "(?i)scheduled maintenance", "(?i)currently unavailable"]
      tls_config:
        ca_file: ${caFile}
`;
  const file = join(dir, "blackbox.yml");
  writeFileSync(file, text);
  return file;
}

/** `dist` defaults to this checkout's build; another build (e.g. of an earlier commit) can be measured side by side. */
export async function startExporter(configFile, port, { cpu, dist = DIST, nodeArgs = [], node = process.execPath, args = [] } = {}) {
  const child = start(node, [...nodeArgs, join(dist, "cli", "main.js"), "exporter", "--config", configFile, ...args], { cpu, name: "smt-monitor exporter" });
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`, child, 90_000); // a config of thousands of checks on a busy machine
  return child;
}

export async function startBlackbox(configFile, port, { cpu } = {}) {
  const child = start(BLACKBOX, [`--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"], {
    cpu,
    name: "blackbox_exporter",
  });
  await waitForHttp(`http://127.0.0.1:${port}/-/healthy`, child);
  return child;
}

// ---------------------------------------------------------------- formatting

export const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");

export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map((r, i) => {
      const line = `| ${r.map((cell, c) => String(cell).padEnd(widths[c])).join(" | ")} |`;
      return i === 0 ? `${line}\n| ${widths.map((w) => "-".repeat(w)).join(" | ")} |` : line;
    })
    .join("\n");
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
