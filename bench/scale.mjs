// Scale: `checks` HTTPS checks at `interval` seconds in one real `smt-monitor exporter` process
// pinned to one core (taskset), the HTTPS target (bench/target-server.mjs) on the other core.
// /metrics is scraped every `scrape` seconds, as Prometheus would; the start lag comes from the
// exporter's own smt_scheduler_start_lag_seconds histogram, the run rate from smt_probe_runs_total,
// skipped runs from smt_probe_skipped_total, memory and CPU from /proc.
//
//   npm run build && node bench/scale.mjs [--checks 1000] [--interval 15] [--duration 300] [--warmup 60]
//                                         [--node-args "--max-semi-space-size=2"] [--dist other-build/dist]
//
// Targets (issue 2, item 9): p99 start lag under 1 s, no skipped runs, runs at the configured rate,
// resident memory under 150 MB.
import * as L from "./lib.mjs";

const opts = L.parseArgs({
  checks: 1000,
  interval: 15,
  duration: 300,
  warmup: 60,
  scrape: 15,
  "exporter-cpu": "0",
  "target-cpu": "1",
  "max-rss-mb": 150,
  "max-p99-lag": 1,
  "node-args": "",
  dist: "",
});
const cpuOf = (v) => (v === "" || v === "none" ? undefined : v);
const MB = 1e6 / 1048576; // MiB per MB

console.log(`# Scale: ${opts.checks} HTTPS checks every ${opts.interval} s in one exporter process`);
console.log(`machine: ${L.machineDescription()}; load average ${L.load()}`);
console.log(
  `exporter pinned to cpu ${opts["exporter-cpu"] || "any"}, target to cpu ${opts["target-cpu"] || "any"}; ${opts.duration} s, figures over the last ${opts.duration - opts.warmup} s (after ${opts.warmup} s of warm-up) and over the whole run`,
);

const dir = L.tempDir("smt-bench-scale-");
const files = await L.writeCertificates(dir);
const target = await L.startTarget(files, { cpu: cpuOf(opts["target-cpu"]) });
const port = await L.freePort();
const config = L.writeExporterConfig(dir, { targetUrl: target.url, caFile: files.ca, checks: opts.checks, interval: `${opts.interval}s`, port });
const started = performance.now();
// --node-args "--max-semi-space-size=2 ...": V8/Node flags for the exporter; --dist DIR: another build.
const nodeArgs = opts["node-args"].split(" ").filter(Boolean);
const exporter = await L.startExporter(config, port, { cpu: cpuOf(opts["exporter-cpu"]), nodeArgs, dist: opts.dist || L.DIST });
if (nodeArgs.length || opts.dist) console.log(`exporter: node ${nodeArgs.join(" ")} ${opts.dist || L.DIST}/cli/main.js exporter`);
const readySeconds = (performance.now() - started) / 1000;
const memAtReady = L.memoryMiB(exporter.pid);
console.log(`exporter ready after ${L.fmt(readySeconds, 1)} s (config load), VmRSS ${L.fmt(memAtReady.rss, 1)} MiB; target ${target.url}`);

async function sample() {
  const t = performance.now();
  const res = await L.get(`http://127.0.0.1:${port}/metrics`);
  const scrapeMs = performance.now() - t;
  const samples = L.parseMetrics(res.body.toString());
  const perCheck = new Map();
  for (const x of samples) if (x.name === "smt_probe_runs_total") perCheck.set(x.labels.check, (perCheck.get(x.labels.check) ?? 0) + x.value);
  return {
    at: t, // when the scrape was asked for: the counters are as of (about) then
    perCheck,
    scrapeMs,
    cpu: L.cpuSeconds(exporter.pid).total,
    mem: L.memoryMiB(exporter.pid),
    target: L.cpuSeconds(target.child.pid).total,
    load: L.load(),
    runs: L.sumOf(samples, "smt_probe_runs_total"),
    failed: L.sumOf(samples, "smt_probe_runs_total", (l) => l.result === "failure"),
    skipped: L.sumOf(samples, "smt_probe_skipped_total"),
    lag: L.bucketsOf(samples, "smt_scheduler_start_lag_seconds"),
    loopLagP99: L.sumOf(samples, "nodejs_eventloop_lag_p99_seconds"),
    heapUsed: L.sumOf(samples, "nodejs_heap_size_used_bytes") / 1048576,
  };
}

const first = { at: started, cpu: 0, runs: 0, failed: 0, skipped: 0, lag: new Map(), perCheck: new Map() };
const series = [];
let afterWarmup;
for (let t = opts.scrape; t <= opts.duration; t += opts.scrape) {
  const wait = started + t * 1000 - performance.now();
  if (wait > 0) await L.sleep(wait);
  const s = await sample();
  series.push(s);
  if (!afterWarmup && t >= opts.warmup) afterWarmup = s;
  const prev = series.at(-2) ?? first;
  console.log(
    `t=${String(t).padStart(4)} s runs ${String(s.runs - prev.runs).padStart(5)} (+${s.failed - prev.failed} failed, +${s.skipped - prev.skipped} skipped) ` +
      `CPU ${L.fmt(((s.cpu - prev.cpu) / ((s.at - prev.at) / 1000)) * 100, 1)} % of a core, VmRSS ${L.fmt(s.mem.rss, 1)} MiB, heap used ${L.fmt(s.heapUsed, 1)} MiB, ` +
      `scrape ${L.fmt(s.scrapeMs, 0)} ms, loop lag p99 ${L.fmt(s.loopLagP99 * 1000, 1)} ms, load ${s.load}`,
  );
}
const last = series.at(-1);
const hwm = L.memoryMiB(exporter.pid).hwm;
const targetCpu = last.target;
await L.stopAll();

function summary(from, to) {
  const seconds = (to.at - from.at) / 1000;
  const runs = to.runs - from.runs;
  const lag = L.bucketDelta(to.lag, from.lag);
  const observed = lag.get(Infinity) ?? 0;
  const within1s = observed ? (lag.get(1) ?? 0) / observed : NaN;
  const expected = (opts.checks * seconds) / opts.interval;
  // Fixed-rate scheduling: every check runs floor or ceil of (window / interval) times; a check that
  // fell behind shows fewer (at most one fewer if it was merely started late at the window's end).
  const deltas = [...to.perCheck].map(([check, n]) => n - (from.perCheck.get(check) ?? 0));
  return {
    perCheckMin: Math.min(...deltas),
    perCheckMax: Math.max(...deltas),
    seconds,
    runs,
    expected,
    rate: runs / seconds,
    failed: to.failed - from.failed,
    skipped: to.skipped - from.skipped,
    p50: L.histogramQuantile(0.5, lag),
    p99: L.histogramQuantile(0.99, lag),
    p999: L.histogramQuantile(0.999, lag),
    within1s,
    over1s: observed - (lag.get(1) ?? 0),
    cpuCore: (to.cpu - from.cpu) / seconds,
    cpuMsPerProbe: ((to.cpu - from.cpu) * 1000) / runs,
  };
}
const steady = summary(afterWarmup, last);
const whole = summary(first, last);
const rssMax = Math.max(...series.filter((s) => s.at >= afterWarmup.at).map((s) => s.mem.rss));
const rssMaxWhole = Math.max(...series.map((s) => s.mem.rss));

const row = (label, f) => [label, f(steady), f(whole)];
console.log("");
console.log(
  L.table([
    ["", `steady state (last ${Math.round(steady.seconds)} s)`, `whole run (${Math.round(whole.seconds)} s, incl. start)`],
    row("runs (expected at the configured rate)", (x) => `${x.runs} (${Math.round(x.expected)}), ${L.fmt(x.rate, 1)}/s`),
    row("runs per check, min-max (window / interval)", (x) => `${x.perCheckMin}-${x.perCheckMax} (${L.fmt(x.seconds / opts.interval, 2)})`),
    row("skipped runs / failed runs", (x) => `${x.skipped} / ${x.failed}`),
    row("start lag p50 / p99 / p99.9 (histogram_quantile)", (x) => `${L.fmt(x.p50 * 1000, 1)} / ${L.fmt(x.p99 * 1000, 1)} / ${L.fmt(x.p999 * 1000, 1)} ms`),
    row("runs started more than 1 s late", (x) => `${x.over1s} (${L.fmt((1 - x.within1s) * 100, 3)} %)`),
    row("exporter CPU, share of its core", (x) => `${L.fmt(x.cpuCore * 100, 1)} %`),
    row("exporter CPU per probe (incl. scrapes)", (x) => `${L.fmt(x.cpuMsPerProbe, 3)} ms`),
    ["VmRSS max over samples", `${L.fmt(rssMax, 1)} MiB (${L.fmt(rssMax / MB, 1)} MB)`, `${L.fmt(rssMaxWhole, 1)} MiB (${L.fmt(rssMaxWhole / MB, 1)} MB)`],
    ["VmHWM (peak, incl. config load)", "", `${L.fmt(hwm, 1)} MiB (${L.fmt(hwm / MB, 1)} MB)`],
    [
      "/metrics scrape wall time max",
      `${L.fmt(Math.max(...series.filter((s) => s.at >= afterWarmup.at).map((s) => s.scrapeMs)), 0)} ms`,
      `${L.fmt(Math.max(...series.map((s) => s.scrapeMs)), 0)} ms`,
    ],
  ]),
);
console.log(
  `target server: ${L.fmt((targetCpu * 1000) / last.runs, 3)} CPU-ms per request; exporter ready (config loaded, listening) ${L.fmt(readySeconds, 1)} s after start`,
);

const perWindow = steady.seconds / opts.interval;
const rateOk =
  steady.perCheckMin >= Math.floor(perWindow) - 1 &&
  steady.perCheckMax <= Math.ceil(perWindow) + 1 &&
  Math.abs(steady.runs - steady.expected) <= 0.02 * steady.expected;
const verdicts = [
  [`p99 start lag ${L.fmt(steady.p99 * 1000, 1)} ms < ${opts["max-p99-lag"] * 1000} ms`, steady.p99 < opts["max-p99-lag"]],
  [`no skipped runs (${steady.skipped})`, steady.skipped === 0 && whole.skipped === 0],
  [
    `runs at the configured rate (${steady.runs} of ${Math.round(steady.expected)}; every check ${steady.perCheckMin}-${steady.perCheckMax} times in ${L.fmt(perWindow, 2)} intervals)`,
    rateOk,
  ],
  [`no failed runs (${whole.failed})`, whole.failed === 0],
  [`VmRSS ${L.fmt(rssMax / MB, 1)} MB < ${opts["max-rss-mb"]} MB`, rssMax / MB < opts["max-rss-mb"]],
];
for (const [text, ok] of verdicts) console.log(`${ok ? "MET   " : "MISSED"} ${text}`);
console.log(`(peak VmHWM ${L.fmt(hwm / MB, 1)} MB ${hwm / MB < opts["max-rss-mb"] ? "is" : "is NOT"} under ${opts["max-rss-mb"]} MB too)`);
// Like bench/probe-cpu.mjs: a missed target is a finding, printed above; only failed probes make the run invalid.
if (whole.failed > 0) {
  console.log("some probes failed (overloaded machine?): the figures are not representative");
  process.exitCode = 1;
}
