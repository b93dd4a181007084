// CPU time per probe and resident memory: the real `smt-monitor exporter` process and
// blackbox_exporter 0.23, side by side in the same run, probing the same local target
// (bench/target-server.mjs, in its own process) at the same rate. Issue 15's targets:
//   - HTTPS, paced as deployed (serving results included): at most 0.9 x blackbox_exporter;
//   - HTTPS at full load (probes back to back, 8 in flight), where Node's fixed costs weigh less: reported;
//   - HTTP (no TLS), paced as deployed: at most 0.5 x blackbox_exporter;
//   - an idle exporter (the same checks configured, none due): CPU per second, reported.
//
//   npm run build && node bench/probe-cpu.mjs [--checks 1000] [--interval 15] [--warmup 90] [--window 60] [--windows 3]
//
// - smt-monitor: `checks` configured HTTP checks (the demo's GUI check: status 200, body regexes,
//   CA file) at `interval` seconds; /metrics scraped every `scrape` seconds, as Prometheus would.
//   One exporter process probes the HTTPS URL, another the HTTP URL, a third has the checks
//   with a 24 h interval (idle); they run at the same time, each measured on its own.
// - blackbox_exporter: an http_2xx module with the same assertions and CA, driven through
//   /probe?target= by this process at the same rate (checks / interval per second) over keep-alive
//   connections, as Prometheus scraping `checks` blackbox targets would; `Accept-Encoding: gzip` like
//   Prometheus. One blackbox process for HTTPS, one for HTTP.
// - CPU time is utime+stime of each whole process (all threads) from /proc/<pid>/stat, read right after
//   each scrape; a window is a whole number of scrape intervals, after a warm-up. Figures are the
//   median of the windows, each printed with the load average at its end.
// - Then blackbox's cost of serving a /probe request without the network part is measured at the
//   same rate: a probe whose target URL does not parse (same handler, registry, debug output and
//   encoding, no connection), and a /probe request without a target (HTTP serving only).
// - Full load: a fresh exporter with `load-checks` HTTPS checks every 2 s and max_concurrency
//   `load-concurrency` (more than it can run: it runs that many at once, back to back), then the
//   HTTPS blackbox driven by `load-concurrency` back-to-back loops; one after the other.
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
  "load-checks": 800,
  "load-concurrency": 8,
  "load-warmup": 20,
  "load-window": 30,
  "max-https-ratio": 0.9,
  "max-http-ratio": 0.5,
  "prober-cpu": "0",
  "target-cpu": "1",
  baseline: "",
  node: "",
  "node-args": "",
});
const rate = opts.checks / opts.interval;
const cpuOf = (v) => (v === "" || v === "none" ? undefined : v);
// --node PATH: run the exporters on another Node.js binary (e.g. Node 24 from the `node` npm package);
// --node-args "--cpu-prof --cpu-prof-dir=/tmp/prof": Node/V8 flags for the HTTPS exporter.
const node = opts.node || process.execPath;
const nodeArgs = opts["node-args"].split(" ").filter(Boolean);

console.log(`# CPU per probe: smt-monitor exporter vs blackbox_exporter (HTTPS and HTTP, paced and at full load, idle)`);
console.log(`machine: ${L.machineDescription()}; exporter on ${node === process.execPath ? `Node ${process.version}` : node}; load average ${L.load()}`);
console.log(
  `workload: ${opts.checks} checks every ${opts.interval} s = ${L.fmt(rate, 1)} probes/s for each prober; warm-up ${opts.warmup} s, then ${opts.windows} windows of ${opts.window} s; probers on cpu ${opts["prober-cpu"] || "any"}, target on cpu ${opts["target-cpu"] || "any"}`,
);

const dir = L.tempDir("smt-bench-cpu-");
const files = await L.writeCertificates(dir);
const target = await L.startTarget(files, { cpu: cpuOf(opts["target-cpu"]), http: true });
const proberCpu = cpuOf(opts["prober-cpu"]);

async function exporterOn(
  label,
  { targetUrl, interval = `${opts.interval}s`, timeout, checks = opts.checks, dist = L.DIST, flags = [], maxConcurrency, args = [] },
) {
  const port = await L.freePort();
  const sub = `${dir}/exporter-${label.replace(/\W+/g, "-")}`;
  mkdirSync(sub);
  const config = L.writeExporterConfig(sub, { targetUrl, caFile: files.ca, checks, interval, port, maxConcurrency, ...(timeout ? { timeout } : {}) });
  const child = await L.startExporter(config, port, { cpu: proberCpu, dist, node, nodeArgs: flags, args });
  return { label, dist, port, child, pid: child.pid };
}

// --baseline DIR: also run another build of smt-monitor (e.g. an earlier commit, built into DIR) on HTTPS in the same run.
const httpsExporters = [await exporterOn("smt-monitor", { targetUrl: target.url, flags: nodeArgs })];
if (opts.baseline) httpsExporters.push(await exporterOn("smt-monitor baseline", { targetUrl: target.url, dist: opts.baseline }));
const httpExporter = await exporterOn("smt-monitor http", { targetUrl: target.httpUrl });
const idleExporter = await exporterOn("smt-monitor idle", { targetUrl: target.url, interval: "24h" });
const exporters = [...httpsExporters, httpExporter, idleExporter];
const bbConfig = L.writeBlackboxConfig(dir, { caFile: files.ca });
const bbHttps = { label: "blackbox https", port: await L.freePort() };
bbHttps.child = await L.startBlackbox(bbConfig, bbHttps.port, { cpu: proberCpu });
const bbHttp = { label: "blackbox http", port: await L.freePort() };
bbHttp.child = await L.startBlackbox(bbConfig, bbHttp.port, { cpu: proberCpu });
console.log(
  `target ${target.url} and ${target.httpUrl} (pid ${target.child.pid}); ${exporters.map((e) => `${e.label} :${e.port} (pid ${e.pid})`).join(", ")}; ` +
    `blackbox https :${bbHttps.port} (pid ${bbHttps.child.pid}), blackbox http :${bbHttp.port} (pid ${bbHttp.child.pid})`,
);

// ---------------------------------------------------------------- the blackbox drivers
/** Drives one blackbox process through /probe?target=, paced at `rate` per second or `concurrency` loops back to back. */
function blackboxDriver(bbPort, targetUrl) {
  const d = { done: 0, failed: 0, errors: 0, lastFailure: "", target: targetUrl, checkSuccess: true, driving: false };
  const probeUrl = () => `http://127.0.0.1:${bbPort}/probe?module=http_2xx${d.target === null ? "" : `&target=${encodeURIComponent(d.target)}`}`;
  d.one = async () => {
    try {
      const res = await L.get(probeUrl(), { gzip: true });
      const body = res.headers["content-encoding"] === "gzip" ? gunzipSync(res.body).toString() : res.body.toString();
      if (d.checkSuccess && (res.status !== 200 || !/^probe_success 1$/m.test(body))) {
        d.failed++;
        d.lastFailure = `${res.status} ${body.slice(0, 200)}`;
      }
      d.done++;
    } catch (err) {
      d.errors++;
      d.lastFailure = err.message;
    }
  };
  d.paced = async () => {
    d.driving = true;
    const start = performance.now();
    for (let i = 0; d.driving; i++) {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 0) await L.sleep(wait);
      if (!d.driving) break;
      void d.one();
    }
  };
  d.backToBack = (concurrency) => {
    d.driving = true;
    const loop = async () => {
      while (d.driving) await d.one();
    };
    return Promise.all(Array.from({ length: concurrency }, loop));
  };
  return d;
}
const httpsDriver = blackboxDriver(bbHttps.port, target.url);
const httpDriver = blackboxDriver(bbHttp.port, target.httpUrl);
void httpsDriver.paced();
void httpDriver.paced();

// ---------------------------------------------------------------- samples at each scrape
// Every exporter's /metrics is scraped every `scrape` seconds (as Prometheus would); the CPU
// counters of all processes are read right after, so a window holds a whole number of scrapes.
async function scrapeExporter(e) {
  const res = await L.get(`http://127.0.0.1:${e.port}/metrics`, { gzip: true });
  const samples = L.parseMetrics(res.body.toString());
  return {
    cpu: L.cpuSeconds(e.pid).total,
    runs: L.sumOf(samples, "smt_probe_runs_total"),
    failed: L.sumOf(samples, "smt_probe_runs_total", (l) => l.result === "failure"),
    skipped: L.sumOf(samples, "smt_probe_skipped_total"),
    scrapeBytes: res.body.length,
  };
}
async function sample() {
  const ex = [];
  for (const e of exporters) ex.push(await scrapeExporter(e));
  return {
    at: performance.now(),
    ex,
    bbHttps: L.cpuSeconds(bbHttps.child.pid).total,
    bbHttp: L.cpuSeconds(bbHttp.child.pid).total,
    target: L.cpuSeconds(target.child.pid).total,
    machine: L.machineCpu(),
    load: L.load(),
    httpsDone: httpsDriver.done,
    httpDone: httpDriver.done,
    bbFailed: httpsDriver.failed + httpsDriver.errors + httpDriver.failed + httpDriver.errors,
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
const idleIndex = exporters.indexOf(idleExporter);
const httpIndex = exporters.indexOf(httpExporter);
for (let w = 0; w < opts.windows; w++) {
  for (let s = 0; s < perWindow; s++) {
    elapsed += opts.scrape;
    await until(elapsed);
    last = await sample();
  }
  const seconds = (last.at - prev.at) / 1000;
  const ex = exporters.map((_, k) => {
    const probes = last.ex[k].runs - prev.ex[k].runs;
    const cpuMs = (last.ex[k].cpu - prev.ex[k].cpu) * 1000;
    return { probes, cpuMs, ms: cpuMs / probes, failed: last.ex[k].failed - prev.ex[k].failed, skipped: last.ex[k].skipped - prev.ex[k].skipped };
  });
  const httpsProbes = last.httpsDone - prev.httpsDone;
  const httpProbes = last.httpDone - prev.httpDone;
  const x = {
    seconds,
    ex,
    idleMsPerSecond: ex[idleIndex].cpuMs / seconds,
    httpsProbes,
    httpProbes,
    bbHttpsMs: ((last.bbHttps - prev.bbHttps) * 1000) / httpsProbes,
    bbHttpMs: ((last.bbHttp - prev.bbHttp) * 1000) / httpProbes,
    bbFailed: last.bbFailed - prev.bbFailed,
    targetMs: ((last.target - prev.target) * 1000) / (httpsProbes + httpProbes + ex.reduce((a, y) => a + y.probes, 0)),
    machineBusy: 1 - (last.machine.idle - prev.machine.idle) / (last.machine.total - prev.machine.total),
    load: last.load,
  };
  windows.push(x);
  console.log(
    `window ${w + 1}: ${L.fmt(x.seconds, 1)} s, ` +
      httpsExporters.map((e, k) => `${e.label} ${x.ex[k].probes} HTTPS probes ${L.fmt(x.ex[k].ms, 3)} CPU-ms/probe, `).join("") +
      `blackbox ${x.httpsProbes} HTTPS probes ${L.fmt(x.bbHttpsMs, 3)}; HTTP: smt-monitor ${L.fmt(x.ex[httpIndex].ms, 3)}, blackbox ${L.fmt(x.bbHttpMs, 3)}; ` +
      `idle exporter ${L.fmt(x.idleMsPerSecond, 2)} CPU-ms/s; machine ${L.fmt(x.machineBusy * 100, 0)} % busy, load ${x.load}`,
  );
  prev = last;
}
const memEx = exporters.map((e) => L.memoryMiB(e.pid));
const memBb = [L.memoryMiB(bbHttps.child.pid), L.memoryMiB(bbHttp.child.pid)];
httpDriver.driving = false;

// ---------------------------------------------------------------- blackbox's own serving overhead
async function overheadPhase(targetValue, label) {
  httpsDriver.target = targetValue;
  httpsDriver.checkSuccess = false;
  await L.sleep(5000); // settle
  const c0 = L.cpuSeconds(bbHttps.child.pid).total;
  const n0 = httpsDriver.done;
  await L.sleep(opts.overhead * 1000);
  const ms = ((L.cpuSeconds(bbHttps.child.pid).total - c0) * 1000) / (httpsDriver.done - n0);
  console.log(`blackbox_exporter, ${label}: ${httpsDriver.done - n0} requests, ${L.fmt(ms, 3)} CPU-ms/request`);
  return ms;
}
const overheadNoNetwork = await overheadPhase("https://[::1", "/probe whose target URL does not parse (no connection)");
const overheadHttpOnly = await overheadPhase(null, "/probe without target (HTTP serving only, status 400)");
httpsDriver.driving = false;

// Each exporter's cost of one /metrics scrape of all its checks: back-to-back scrapes, minus the
// CPU of the probes that ran meanwhile (at the median CPU per probe of the windows).
const scrapes = 20;
const scrapeMs = [];
for (const e of httpsExporters) {
  const k = exporters.indexOf(e);
  const msPerProbe = L.median(windows.map((x) => x.ex[k].ms));
  const s0 = await scrapeExporter(e);
  const c1 = L.cpuSeconds(e.pid).total;
  for (let i = 0; i < scrapes; i++) await L.get(`http://127.0.0.1:${e.port}/metrics`, { gzip: true });
  const c2 = L.cpuSeconds(e.pid).total;
  const s1 = await scrapeExporter(e);
  // s0 and s1 are scrapes too: the runs between them bound the probes that ran during the burst.
  scrapeMs.push(Math.max(0, ((c2 - c1) * 1000 - (s1.runs - s0.runs) * msPerProbe) / scrapes));
}
for (const e of exporters) await L.stop(e.child);
await L.stop(bbHttp.child);

// ---------------------------------------------------------------- full load: back to back, `load-concurrency` in flight
console.log(
  `full load: ${opts["load-concurrency"]} HTTPS probes in flight, back to back; warm-up ${opts["load-warmup"]} s, window ${opts["load-window"]} s each, one prober after the other`,
);
const loaded = await exporterOn("smt-monitor full load", {
  targetUrl: target.url,
  interval: "2s",
  timeout: "2s",
  checks: opts["load-checks"],
  maxConcurrency: opts["load-concurrency"],
  // Every run comes due while the previous one still waits its turn: skipped runs are expected here, and not logged.
  args: ["--log.level", "error"],
});
await L.sleep(opts["load-warmup"] * 1000);
const l0 = await scrapeExporter(loaded);
await L.sleep(opts["load-window"] * 1000);
const l1 = await scrapeExporter(loaded);
const loadSmt = { ms: ((l1.cpu - l0.cpu) * 1000) / (l1.runs - l0.runs), probes: l1.runs - l0.runs, failed: l1.failed - l0.failed, load: L.load() };
await L.stop(loaded.child);
httpsDriver.target = target.url;
httpsDriver.checkSuccess = true;
const loadDriving = httpsDriver.backToBack(opts["load-concurrency"]);
await L.sleep(Math.min(opts["load-warmup"], 10) * 1000);
const b0 = { cpu: L.cpuSeconds(bbHttps.child.pid).total, done: httpsDriver.done, failed: httpsDriver.failed + httpsDriver.errors };
await L.sleep(opts["load-window"] * 1000);
const loadBb = {
  ms: ((L.cpuSeconds(bbHttps.child.pid).total - b0.cpu) * 1000) / (httpsDriver.done - b0.done),
  probes: httpsDriver.done - b0.done,
  failed: httpsDriver.failed + httpsDriver.errors - b0.failed,
  load: L.load(),
};
httpsDriver.driving = false;
await loadDriving;
console.log(
  `full load: smt-monitor ${loadSmt.probes} probes ${L.fmt(loadSmt.ms, 3)} CPU-ms/probe (load ${loadSmt.load}); blackbox ${loadBb.probes} probes ${L.fmt(loadBb.ms, 3)} CPU-ms/probe (load ${loadBb.load})`,
);
await L.stopAll();

// ---------------------------------------------------------------- report
const spread = (values, d = 3) => `${L.fmt(Math.min(...values), d)}-${L.fmt(Math.max(...values), d)}`;
const med = (f) => L.median(windows.map(f));
const httpsMs = httpsExporters.map((_, k) => med((x) => x.ex[k].ms));
const scrapeMsPerProbe = scrapeMs.map((ms) => ms / (rate * opts.scrape));
const bbMs = med((x) => x.bbHttpsMs);
const bbProbeOnly = bbMs - overheadNoNetwork;
const httpMs = med((x) => x.ex[httpIndex].ms);
const bbHttpMs = med((x) => x.bbHttpMs);
const idleMsPerSecond = med((x) => x.idleMsPerSecond);
const failures = windows.reduce((a, x) => a + x.bbFailed + x.ex.reduce((b, y) => b + y.failed, 0), 0) + loadSmt.failed + loadBb.failed;
const skipped = windows.reduce((a, x) => a + x.ex.reduce((b, y) => b + y.skipped, 0), 0);
const windowLoads = windows.map((x) => x.load.split(" ")[0]).join(", ");

console.log("");
console.log(
  L.table([
    ["", ...httpsExporters.map((e) => `${e.label} exporter`), "blackbox_exporter 0.23"],
    ["CPU-ms per HTTPS probe, as deployed (median of windows)", ...httpsMs.map((v) => L.fmt(v, 3)), L.fmt(bbMs, 3)],
    ["  spread over windows (min-max)", ...httpsExporters.map((_, k) => spread(windows.map((x) => x.ex[k].ms))), spread(windows.map((x) => x.bbHttpsMs))],
    [
      `  of which serving scrapes (smt: /metrics every ${opts.scrape} s; blackbox: one /probe per probe)`,
      ...scrapeMsPerProbe.map((v) => L.fmt(v, 3)),
      L.fmt(overheadNoNetwork, 3),
    ],
    ["CPU-ms per probe without serving scrapes", ...httpsMs.map((v, k) => L.fmt(v - scrapeMsPerProbe[k], 3)), L.fmt(bbProbeOnly, 3)],
    ["resident memory at end (VmRSS), MiB", ...httpsExporters.map((_, k) => L.fmt(memEx[k].rss, 1)), L.fmt(memBb[0].rss, 1)],
    ["peak resident memory (VmHWM), MiB", ...httpsExporters.map((_, k) => L.fmt(memEx[k].hwm, 1)), L.fmt(memBb[0].hwm, 1)],
    [
      "probes counted in the windows",
      ...httpsExporters.map((_, k) => windows.reduce((a, x) => a + x.ex[k].probes, 0)),
      windows.reduce((a, x) => a + x.httpsProbes, 0),
    ],
  ]),
);
console.log("");
console.log(
  `blackbox /probe serving without the network part: ${L.fmt(overheadNoNetwork, 3)} CPU-ms (target URL does not parse), ${L.fmt(overheadHttpOnly, 3)} CPU-ms (no target, 400)`,
);
for (const [k, e] of httpsExporters.entries()) {
  console.log(
    `${e.label} /metrics scrape of ${opts.checks} checks (${(last.ex[k].scrapeBytes / 1024).toFixed(0)} KiB): about ${L.fmt(scrapeMs[k], 1)} CPU-ms each, i.e. ${L.fmt(scrapeMsPerProbe[k], 3)} CPU-ms per probe at one scrape per ${opts.scrape} s`,
  );
}
console.log(
  `HTTP: smt-monitor ${L.fmt(httpMs, 3)} (${spread(windows.map((x) => x.ex[httpIndex].ms))}) CPU-ms/probe, VmRSS ${L.fmt(memEx[httpIndex].rss, 1)} MiB; blackbox ${L.fmt(bbHttpMs, 3)} (${spread(windows.map((x) => x.bbHttpMs))}), VmRSS ${L.fmt(memBb[1].rss, 1)} MiB`,
);
console.log(
  `idle exporter (${opts.checks} checks, none due, scraped every ${opts.scrape} s): ${L.fmt(idleMsPerSecond, 2)} CPU-ms/s (${spread(
    windows.map((x) => x.idleMsPerSecond),
    2,
  )}), ` + `${L.fmt(idleMsPerSecond / rate, 3)} CPU-ms per probe at the paced rate; VmRSS ${L.fmt(memEx[idleIndex].rss, 1)} MiB`,
);
console.log(
  `target server: ${L.fmt(
    med((x) => x.targetMs),
    3,
  )} CPU-ms per request (both protocols)`,
);
const lastFailure = httpsDriver.lastFailure || httpDriver.lastFailure;
console.log(
  `failures in the windows and the full-load phase: ${failures}, skipped runs (paced): ${skipped}${lastFailure && failures ? `; last blackbox failure: ${lastFailure}` : ""}`,
);

// Each target beside the peer's figure from this run, and whether it is met.
const verdict = (label, ours, peer, max, load) => {
  const ratio = ours / peer;
  const met = max === undefined ? "reported" : ratio <= max ? "MET" : "MISSED";
  return [label, L.fmt(ours, 3), L.fmt(peer, 3), L.fmt(ratio, 2), max === undefined ? "-" : `<= ${max}`, met, load];
};
console.log("");
console.log(
  L.table([
    ["target (CPU-ms per probe)", "smt-monitor", "blackbox_exporter", "ratio", "target", "verdict", "load average (1 min)"],
    verdict("HTTPS, paced as deployed (median of windows)", httpsMs[0], bbMs, opts["max-https-ratio"], windowLoads),
    verdict(
      `HTTPS, full load (${opts["load-concurrency"]} in flight, back to back)`,
      loadSmt.ms,
      loadBb.ms,
      undefined,
      `${loadSmt.load.split(" ")[0]}, ${loadBb.load.split(" ")[0]}`,
    ),
    verdict("HTTP, paced as deployed (median of windows)", httpMs, bbHttpMs, opts["max-http-ratio"], windowLoads),
    ["idle exporter, CPU-ms per second", L.fmt(idleMsPerSecond, 2), "-", "-", "-", "reported", windowLoads],
  ]),
);
if (httpsExporters.length > 1) console.log(`smt-monitor vs its baseline build: ${L.fmt((httpsMs[0] / httpsMs[1] - 1) * 100, 1)} % CPU per HTTPS probe`);
if (failures > 0) {
  console.log("some probes failed: the figures are not comparable");
  process.exitCode = 1;
}
