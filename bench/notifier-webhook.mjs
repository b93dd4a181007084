// Benchmark: sustained Alertmanager-webhook throughput of the notifier, with durable commits
// (SQLite WAL fsynced before each 2xx). Target (issue 4): at least 500
// notifications/s with p99 under 50 ms on a 2-core machine.
//
//   npm run build && node bench/notifier-webhook.mjs [--seconds 20] [--concurrency 8] [--rate 0]
//
// --rate 0 sends as fast as the concurrency allows (saturation); --rate N paces N requests/s
// (open loop: latency is measured from the scheduled send time, so queueing shows up).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { CLI, cpuSeconds, load, machineCpu, machineDescription, parseArgs } from "./lib.mjs";

const args = parseArgs({ seconds: 20, concurrency: 8, rate: 0, warmup: 3 });
const TOKEN = "bench-webhook-token-0123456789";

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "smt-bench-notifier-"));
const port = await freePort();
writeFileSync(join(dir, "token"), TOKEN);
writeFileSync(join(dir, "alice"), "alice-bench-password-1");
writeFileSync(
  join(dir, "notifier.yaml"),
  `listen_address: "127.0.0.1:${port}"
storage: { path: data/notices.db }
webhook: { bearer_token_file: token }
reviewers: [{ name: alice, password_file: alice }]
notices: { from: "notices@smt.example", to: ["rms@lists.example.org"] }
`,
);
const child = spawn(process.execPath, [CLI, "notifier", "--config", join(dir, "notifier.yaml"), "--log.level", "warn"], {
  stdio: ["ignore", "inherit", "inherit"],
});
const stop = () => {
  if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
};
process.on("exit", stop);
process.on("SIGINT", () => process.exit(130));

const url = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/-/ready`)).ok) break;
  } catch {}
  if (i > 200) throw new Error("notifier did not become ready");
  await new Promise((r) => setTimeout(r, 50));
}

const dispatcher = new Agent({ connections: args.concurrency, pipelining: 1 });
// Starts a month back, one a minute: even a long run stays inside the notifier's window (90 days back, 5 minutes ahead).
const base = Math.floor(Date.now() / 1000) - 30 * 86_400;
const services = ["gui", "api", "ftps", "han"];
let seq = 0;
/** Realistic traffic: most notifications are repeats and other alerts; some open, join and resolve outages. */
function body() {
  const i = seq++;
  const service = services[i % 4];
  const kind = i % 10;
  const start = base + Math.floor(i / 40) * 60;
  const alertname = kind < 6 ? "SMTUnplannedOutage" : kind < 8 ? "SMTProbeDataMissing" : "SMTTLSCertificateExpiring";
  const resolved = kind === 5 && i % 40 >= 36;
  return JSON.stringify({
    version: "4",
    groupKey: `{}:{alertname="${alertname}", service="${service}"}`,
    truncatedAlerts: 0,
    status: resolved ? "resolved" : "firing",
    receiver: "smt-notifier",
    groupLabels: { alertname, service },
    commonLabels: { alertname, service },
    commonAnnotations: {},
    externalURL: "http://alertmanager.example",
    alerts: [
      {
        status: resolved ? "resolved" : "firing",
        labels: { alertname, service, severity: "critical" },
        annotations: { summary: `SMT ${service} down`, outage_start_timestamp: String(start), runbook_url: "https://runbooks.example" },
        startsAt: new Date((start + 900) * 1000).toISOString(),
        endsAt: resolved ? new Date().toISOString() : "0001-01-01T00:00:00Z",
        fingerprint: `${alertname}-${service}-${start}`,
      },
    ],
  });
}

async function post(latencies, scheduledAt) {
  const t0 = scheduledAt ?? performance.now();
  const res = await request(`${url}/alertmanager/webhook`, {
    method: "POST",
    dispatcher,
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: body(),
  });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
  latencies?.push(performance.now() - t0);
}

async function run(seconds, latencies) {
  const end = performance.now() + seconds * 1000;
  let count = 0;
  if (args.rate > 0) {
    const gap = 1000 / args.rate;
    const inflight = new Set();
    let next = performance.now();
    while (next < end) {
      const now = performance.now();
      if (now < next) await new Promise((r) => setTimeout(r, Math.max(0, next - now)));
      const p = post(latencies, next).finally(() => inflight.delete(p));
      inflight.add(p);
      count++;
      next += gap;
    }
    await Promise.all(inflight);
  } else {
    await Promise.all(
      Array.from({ length: args.concurrency }, async () => {
        while (performance.now() < end) {
          await post(latencies);
          count++;
        }
      }),
    );
  }
  return count;
}

await run(args.warmup);
const latencies = [];
const cpu0 = cpuSeconds(child.pid);
const machine0 = machineCpu();
const t0 = performance.now();
const count = await run(args.seconds, latencies);
const elapsed = (performance.now() - t0) / 1000;
const cpu1 = cpuSeconds(child.pid);
const machine1 = machineCpu();
const notifierCpuMs = ((cpu1.total - cpu0.total) * 1000) / count;
const machineBusy = 1 - (machine1.idle - machine0.idle) / (machine1.total - machine0.total);
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2);
const rate = count / elapsed;
const p99 = Number(pct(99));
process.stdout.write(
  [
    `notifier webhook, durable (WAL fsync before every 2xx), ${args.rate > 0 ? `paced at ${args.rate}/s` : `concurrency ${args.concurrency}`}, ${args.seconds}s:`,
    `  notifications   ${count} (${rate.toFixed(0)}/s)`,
    `  latency ms      p50 ${pct(50)}  p90 ${pct(90)}  p99 ${pct(99)}  max ${latencies[latencies.length - 1].toFixed(2)}`,
    `  notifier CPU    ${notifierCpuMs.toFixed(2)} ms per notification (${(((cpu1.total - cpu0.total) / elapsed) * 100).toFixed(0)} % of a core)`,
    `  machine         ${machineDescription()}; ${(machineBusy * 100).toFixed(0)} % busy during the run, load ${load()} (other work on the machine skews latency)`,
    `  target          >= 500/s with p99 < 50 ms: ${rate >= 500 && p99 < 50 ? "met" : "NOT met"}`,
    "",
  ].join("\n"),
);
await dispatcher.close();
process.exit(0);
