// CPU time per HTTPS probe and resident memory: the real `smt-monitor exporter` process and
// blackbox_exporter 0.23, side by side in the same run, probing the same local HTTPS target
// (bench/target-server.mjs, in its own process) at the same rate.
//
//   npm run build && node bench/probe-cpu.mjs [--checks 1000] [--interval 15] [--warmup 90] [--window 60] [--windows 3]
//
// - smt-monitor: `checks` configured HTTP checks (the demo's GUI check: status 200, body regexes,
//   CA file) at `interval` seconds; /metrics scraped every `scrape` seconds, as Prometheus would.
// - blackbox_exporter: an http_2xx module with the same assertions and CA, driven through
//   /probe?target= by this process at the same rate (checks / interval per second) over keep-alive
//   connections, as Prometheus scraping `checks` blackbox targets would; `Accept-Encoding: gzip` like Prometheus.
// - CPU time is utime+stime of each whole process (all threads) from /proc/<pid>/stat, read right after
//   each scrape; a window is a whole number of scrape intervals, after a warm-up.
// - Then blackbox's cost of serving a /probe request without the network part is measured at the
//   same rate: a probe whose target URL does not parse (same handler, registry, debug output and
//   encoding, no connection), and a /probe request without a target (HTTP serving only).
import { mkdirSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import * as L from "./lib.mjs";

const opts = L.parseArgs({
  checks: 1000,
  interval: 15,
  scrape: 15,
  warmup: 90,
  window: 60,
  windows: 3,
  overhead: 30,
  "prober-cpu": "0",
  "target-cpu": "1",
  baseline: "",
  "node-args": "",
});
// --node-args "--cpu-prof --cpu-prof-dir=/tmp/prof": Node/V8 flags for the (first) exporter.
const nodeArgs = opts["node-args"].split(" ").filter(Boolean);
const rate = opts.checks / opts.interval;
const cpuOf = (v) => (v === "" || v === "none" ? undefined : v);

console.log(`# CPU per HTTPS probe: smt-monitor exporter vs blackbox_exporter`);
console.log(`machine: ${L.machineDescription()}; load average ${L.load()}`);
console.log(
  `workload: ${opts.checks} checks every ${opts.interval} s = ${L.fmt(rate, 1)} probes/s for each prober; warm-up ${opts.warmup} s, then ${opts.windows} windows of ${opts.window} s; probers on cpu ${opts["prober-cpu"] || "any"}, target on cpu ${opts["target-cpu"] || "any"}`,
);

const dir = L.tempDir("smt-bench-cpu-");
const files = await L.writeCertificates(dir);
const target = await L.startTarget(files, { cpu: cpuOf(opts["target-cpu"]) });
const bbPort = await L.freePort();

// --baseline DIR: also run another build of smt-monitor (e.g. an earlier commit, built into DIR) in the same run.
const builds = [{ label: "smt-monitor", dist: L.DIST }];
if (opts.baseline) builds.push({ label: "smt-monitor baseline", dist: opts.baseline });
const exporters = [];
for (const [i, build] of builds.entries()) {
  const port = await L.freePort();
  const sub = `${dir}/exporter-${i}`;
  mkdirSync(sub);
  const config = L.writeExporterConfig(sub, { targetUrl: target.url, caFile: files.ca, checks: opts.checks, interval: `${opts.interval}s`, port });
  const child = await L.startExporter(config, port, { cpu: cpuOf(opts["prober-cpu"]), dist: build.dist, nodeArgs: i === 0 ? nodeArgs : [] });
  exporters.push({ ...build, port, child, pid: child.pid });
}
const blackbox = await L.startBlackbox(L.writeBlackboxConfig(dir, { caFile: files.ca }), bbPort, { cpu: cpuOf(opts["prober-cpu"]) });
console.log(
  `target ${target.url} (pid ${target.child.pid}), ${exporters.map((e) => `${e.label} :${e.port} (pid ${e.pid}, ${e.dist})`).join(", ")}, blackbox_exporter :${bbPort} (pid ${blackbox.pid})`,
);

// ---------------------------------------------------------------- the blackbox driver
const bb = { done: 0, failed: 0, errors: 0, inFlight: 0, lastFailure: "" };
let bbTarget = target.url;
let bbCheckSuccess = true;
let driving = true;
const probeUrl = () => `http://127.0.0.1:${bbPort}/probe?module=http_2xx${bbTarget === null ? "" : `&target=${encodeURIComponent(bbTarget)}`}`;

async function driveOne() {
  bb.inFlight++;
  try {
    const res = await L.get(probeUrl(), { gzip: true });
    const body = res.headers["content-encoding"] === "gzip" ? gunzipSync(res.body).toString() : res.body.toString();
    if (bbCheckSuccess && (res.status !== 200 || !/^probe_success 1$/m.test(body))) {
      bb.failed++;
      bb.lastFailure = `${res.status} ${body.slice(0, 200)}`;
    }
    bb.done++;
  } catch (err) {
    bb.errors++;
    bb.lastFailure = err.message;
  } finally {
    bb.inFlight--;
  }
}

(async () => {
  const start = performance.now();
  for (let i = 0; driving; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await L.sleep(wait);
    if (!driving) break;
    void driveOne();
  }
})();

// ---------------------------------------------------------------- samples at each scrape
// Every exporter's /metrics is scraped every `scrape` seconds (as Prometheus would); the CPU
// counters of all processes are read right after, so a window holds a whole number of scrapes.
async function sample() {
  const ex = [];
  for (const e of exporters) {
    const res = await L.get(`http://127.0.0.1:${e.port}/metrics`, { gzip: true });
    const samples = L.parseMetrics(res.body.toString());
    ex.push({
      cpu: L.cpuSeconds(e.pid).total,
      runs: L.sumOf(samples, "smt_probe_runs_total"),
      failed: L.sumOf(samples, "smt_probe_runs_total", (l) => l.result === "failure"),
      skipped: L.sumOf(samples, "smt_probe_skipped_total"),
      scrapeBytes: res.body.length,
    });
  }
  return {
    at: performance.now(),
    ex,
    bb: L.cpuSeconds(blackbox.pid).total,
    target: L.cpuSeconds(target.child.pid).total,
    machine: L.machineCpu(),
    load: L.load(),
    bbDone: bb.done,
    bbFailed: bb.failed + bb.errors,
  };
}

const t0 = performance.now();
const until = async (seconds) => {
  const wait = t0 + seconds * 1000 - performance.now();
  if (wait > 0) await L.sleep(wait);
};

// Warm-up: scrape on the same rhythm, but do not count it.
let elapsed = 0;
while (elapsed < opts.warmup) {
  elapsed += opts.scrape;
  await until(elapsed);
  await sample();
}
const windows = [];
let prev = await sample();
let last = prev;
const perWindow = Math.max(1, Math.round(opts.window / opts.scrape));
for (let w = 0; w < opts.windows; w++) {
  for (let s = 0; s < perWindow; s++) {
    elapsed += opts.scrape;
    await until(elapsed);
    last = await sample();
  }
  const ex = exporters.map((_, k) => {
    const probes = last.ex[k].runs - prev.ex[k].runs;
    return {
      probes,
      ms: ((last.ex[k].cpu - prev.ex[k].cpu) * 1000) / probes,
      failed: last.ex[k].failed - prev.ex[k].failed,
      skipped: last.ex[k].skipped - prev.ex[k].skipped,
    };
  });
  const bbProbes = last.bbDone - prev.bbDone;
  const allProbes = bbProbes + ex.reduce((a, x) => a + x.probes, 0);
  const x = {
    seconds: (last.at - prev.at) / 1000,
    ex,
    bbProbes,
    bbMs: ((last.bb - prev.bb) * 1000) / bbProbes,
    bbFailed: last.bbFailed - prev.bbFailed,
    targetMs: ((last.target - prev.target) * 1000) / allProbes,
    machineBusy: 1 - (last.machine.idle - prev.machine.idle) / (last.machine.total - prev.machine.total),
    load: last.load,
  };
  windows.push(x);
  console.log(
    `window ${w + 1}: ${L.fmt(x.seconds, 1)} s, ` +
      exporters.map((e, k) => `${e.label} ${x.ex[k].probes} probes ${L.fmt(x.ex[k].ms, 3)} CPU-ms/probe, `).join("") +
      `blackbox ${x.bbProbes} probes ${L.fmt(x.bbMs, 3)} CPU-ms/probe, target ${L.fmt(x.targetMs, 3)} CPU-ms/request, machine ${L.fmt(x.machineBusy * 100, 0)} % busy, load ${x.load}`,
  );
  prev = last;
}
const memEx = exporters.map((e) => L.memoryMiB(e.pid));
const memBb = L.memoryMiB(blackbox.pid);

// ---------------------------------------------------------------- blackbox's own serving overhead
async function overheadPhase(targetValue, label) {
  bbTarget = targetValue;
  bbCheckSuccess = false;
  await L.sleep(5000); // settle
  const c0 = L.cpuSeconds(blackbox.pid).total;
  const n0 = bb.done;
  await L.sleep(opts.overhead * 1000);
  const ms = ((L.cpuSeconds(blackbox.pid).total - c0) * 1000) / (bb.done - n0);
  console.log(`blackbox_exporter, ${label}: ${bb.done - n0} requests, ${L.fmt(ms, 3)} CPU-ms/request`);
  return ms;
}
const overheadNoNetwork = await overheadPhase("https://[::1", "/probe whose target URL does not parse (no connection)");
const overheadHttpOnly = await overheadPhase(null, "/probe without target (HTTP serving only, status 400)");
driving = false;

// Each exporter's cost of one /metrics scrape of all its checks: back-to-back scrapes, minus the
// CPU of the probes that ran meanwhile (at the median CPU per probe of the windows).
const scrapes = 20;
const scrapeMs = [];
for (const [k, e] of exporters.entries()) {
  const msPerProbe = L.median(windows.map((x) => x.ex[k].ms));
  const s0 = await sample();
  const c1 = L.cpuSeconds(e.pid).total;
  for (let i = 0; i < scrapes; i++) await L.get(`http://127.0.0.1:${e.port}/metrics`, { gzip: true });
  const c2 = L.cpuSeconds(e.pid).total;
  const s1 = await sample();
  // s0 and s1 are scrapes too: the runs between them bound the probes that ran during the burst.
  scrapeMs.push(Math.max(0, ((c2 - c1) * 1000 - (s1.ex[k].runs - s0.ex[k].runs) * msPerProbe) / scrapes));
}

await L.stopAll();

// ---------------------------------------------------------------- report
const spread = (values, d = 3) => `${L.fmt(Math.min(...values), d)}-${L.fmt(Math.max(...values), d)}`;
const exMs = exporters.map((_, k) => L.median(windows.map((x) => x.ex[k].ms)));
const exSpread = exporters.map((_, k) => spread(windows.map((x) => x.ex[k].ms)));
const scrapeMsPerProbe = scrapeMs.map((ms) => ms / (rate * opts.scrape));
const bbMs = L.median(windows.map((x) => x.bbMs));
const bbProbeOnly = bbMs - overheadNoNetwork;
const failures = windows.reduce((a, x) => a + x.bbFailed + x.ex.reduce((b, y) => b + y.failed, 0), 0);
const skipped = windows.reduce((a, x) => a + x.ex.reduce((b, y) => b + y.skipped, 0), 0);

console.log("");
console.log(
  L.table([
    ["", ...exporters.map((e) => `${e.label} exporter`), "blackbox_exporter 0.23"],
    ["CPU-ms per HTTPS probe, as deployed (median of windows)", ...exMs.map((v) => L.fmt(v, 3)), L.fmt(bbMs, 3)],
    ["  spread over windows (min-max)", ...exSpread, spread(windows.map((x) => x.bbMs))],
    [
      `  of which serving scrapes (smt: /metrics every ${opts.scrape} s; blackbox: one /probe per probe)`,
      ...scrapeMsPerProbe.map((v) => L.fmt(v, 3)),
      L.fmt(overheadNoNetwork, 3),
    ],
    ["CPU-ms per probe without serving scrapes", ...exMs.map((v, k) => L.fmt(v - scrapeMsPerProbe[k], 3)), L.fmt(bbProbeOnly, 3)],
    ["resident memory at end (VmRSS), MiB", ...memEx.map((m) => L.fmt(m.rss, 1)), L.fmt(memBb.rss, 1)],
    ["peak resident memory (VmHWM), MiB", ...memEx.map((m) => L.fmt(m.hwm, 1)), L.fmt(memBb.hwm, 1)],
    ["probes counted in the windows", ...exporters.map((_, k) => windows.reduce((a, x) => a + x.ex[k].probes, 0)), windows.reduce((a, x) => a + x.bbProbes, 0)],
  ]),
);
console.log("");
console.log(
  `blackbox /probe serving without the network part: ${L.fmt(overheadNoNetwork, 3)} CPU-ms (target URL does not parse), ${L.fmt(overheadHttpOnly, 3)} CPU-ms (no target, 400)`,
);
for (const [k, e] of exporters.entries()) {
  console.log(
    `${e.label} /metrics scrape of ${opts.checks} checks (${(last.ex[k].scrapeBytes / 1024).toFixed(0)} KiB): about ${L.fmt(scrapeMs[k], 1)} CPU-ms each, i.e. ${L.fmt(scrapeMsPerProbe[k], 3)} CPU-ms per probe at one scrape per ${opts.scrape} s`,
  );
}
console.log(`target server: ${L.fmt(L.median(windows.map((x) => x.targetMs)), 3)} CPU-ms per request (TLS handshake + response)`);
console.log(`failures in the windows: ${failures}, skipped runs: ${skipped}${bb.lastFailure && failures ? `; last blackbox failure: ${bb.lastFailure}` : ""}`);
const ratio = exMs[0] / bbMs;
console.log(
  `verdict: smt-monitor uses ${L.fmt(ratio * 100, 0)} % of blackbox_exporter's CPU per probe as deployed (target: <= 100 %): ${ratio <= 1 ? "MET" : "MISSED"}; ` +
    `against blackbox without its /probe serving: ${L.fmt(((exMs[0] - scrapeMsPerProbe[0]) / bbProbeOnly) * 100, 0)} % (both without serving scrapes)`,
);
if (exporters.length > 1) console.log(`smt-monitor vs its baseline build: ${L.fmt((exMs[0] / exMs[1] - 1) * 100, 1)} % CPU per probe`);
if (failures > 0) {
  console.log("some probes failed: the figures are not comparable");
  process.exitCode = 1;
}
