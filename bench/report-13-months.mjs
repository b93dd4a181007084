#!/usr/bin/env node
// How long `smt-monitor report` takes over 13 months of recorded minute series (the annual review
// plus one). Targets (issue 15, item 3), through the CLI with the outage lists: `report --year`
// under 2 s, `report --month` under 1 s.
//
//   npx tsc -p . && node bench/report-13-months.mjs [--last 2026-12] [--months 13] [--offset 37]
//        [--data DIR]   keep the backfilled TSDB in DIR and reuse it on the next run (backfilling
//                       13 months takes minutes; the report takes about a second)
//        [--runs 3]     CLI runs of the year and of each timed month (the median is judged)
//        [--baseline DIR]  also time another build's CLI (DIR/cli/main.js, e.g. an earlier commit
//                       compiled with `tsc --outDir DIR`) in the same run, against the same Prometheus
//
// It backfills the 16 minute-state series (4 services x 4 states, one sample a minute, as the rules
// in prometheus/rules/ record them at a group offset of --offset seconds) for the months with
// `promtool tsdb create-blocks-from openmetrics`, starts a real Prometheus on them (own port, own
// temp storage), then times the report for every month: in-process (one query per month), all
// months at once, and through the CLI. Every figure is checked against the counts the generator
// kept. Nothing is mocked.
import { execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { DateTime } from "luxon";
import { monthlyReport } from "../dist/report/monthly-report.js";
import { PromqlClient } from "../dist/report/promql-client.js";
import { reportMonth } from "../dist/report/report-month.js";
import { MINUTE_STATE_SERIES } from "../dist/rules/availability-rules.js";
import { recordedMinuteStart } from "../dist/rules/minute-timing.js";
import { CLI, freePort } from "./lib.mjs";

const run = promisify(execFile);
const SERVICES = ["gui", "api", "ftps", "han"];
const STATES = ["maintenance", "unmeasured", "unavailable", "available"];
const MINUTE = 60_000;

const { values: args } = parseArgs({
  options: {
    last: { type: "string", default: "2026-12" },
    months: { type: "string", default: "13" },
    offset: { type: "string", default: "37" },
    data: { type: "string" },
    runs: { type: "string", default: "3" },
    baseline: { type: "string" },
  },
});
const monthCount = Number(args.months);
const offsetMs = Number(args.offset) * 1000;
const last = DateTime.fromFormat(args.last, "yyyy-MM", { zone: "America/Chicago" });
const labels = Array.from({ length: monthCount }, (_, i) => last.minus({ months: monthCount - 1 - i }).toFormat("yyyy-MM"));
const months = labels.map((l) => reportMonth(l));

const dir = mkdtempSync(join(tmpdir(), "smt-bench-report-"));
let prometheus;
const cleanup = () => {
  if (prometheus && prometheus.exitCode === null) prometheus.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
};
process.once("exit", cleanup);
for (const s of ["SIGINT", "SIGTERM"]) process.once(s, () => process.exit(130));

const t = async (f) => {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
};

// ------------------------------------------------------------------ generate
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** One state per service and minute: Saturday 02:00-12:00 Central maintenance, random outages and gaps. */
function generate(path /* undefined: only count */) {
  const rnd = prng(1);
  const from = months[0].fromMs - 2 * 3_600_000;
  const to = months.at(-1).toMs + 2 * 3_600_000;
  const expected = new Map(
    labels.map((l) => [l, Object.fromEntries(SERVICES.map((s) => [s, { maintenance: 0, unmeasured: 0, unavailable: 0, available: 0 }]))]),
  );
  const run = Object.fromEntries(SERVICES.map((s) => [s, { state: "available", left: 0 }]));
  const fd = path ? openSync(path, "w") : undefined;
  let buffer = "";
  let samples = 0;
  let monthIndex = 0;
  for (let m = from; m < to; m += MINUTE) {
    const local = DateTime.fromMillis(m, { zone: "America/Chicago" });
    const maintenance = local.weekday === 6 && local.hour >= 2 && local.hour < 12;
    const evalAt = m + 70_000 + ((((offsetMs - 10_000) % MINUTE) + MINUTE) % MINUTE);
    if (recordedMinuteStart(evalAt) !== m) throw new Error("bad evaluation instant");
    while (monthIndex < months.length && m >= months[monthIndex].toMs) monthIndex++;
    const inMonth = monthIndex < months.length && m >= months[monthIndex].fromMs ? labels[monthIndex] : undefined;
    const ts = (evalAt / 1000).toFixed(3);
    for (const service of SERVICES) {
      const r = run[service];
      if (r.left <= 0) {
        const x = rnd();
        r.state = x < 0.0003 ? "unavailable" : x < 0.0004 ? "unmeasured" : "available";
        r.left = r.state === "available" ? 1 : 1 + Math.floor(rnd() * 40);
      }
      r.left--;
      const state = maintenance ? "maintenance" : r.state;
      if (fd !== undefined) for (const s of STATES) buffer += `${MINUTE_STATE_SERIES[s]}{service="${service}"} ${s === state ? 1 : 0} ${ts}\n`;
      samples += 4;
      if (inMonth) expected.get(inMonth)[service][state]++;
    }
    if (fd !== undefined && buffer.length > 1 << 20) {
      writeSync(fd, buffer);
      buffer = "";
    }
  }
  if (fd !== undefined) {
    writeSync(fd, `${buffer}# EOF\n`);
    closeSync(fd);
  }
  return { samples, expected };
}

async function startPrometheus(dataDir) {
  const port = await freePort();
  const child = spawn(
    "/usr/bin/prometheus",
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=100y",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${log}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return { child, url };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus not ready: ${log}`);
}

// ------------------------------------------------------------------ run
console.log(`report benchmark: ${labels[0]} .. ${labels.at(-1)} (${monthCount} months), group offset ${offsetMs / 1000} s`);
console.log(
  `machine: ${cpus().length} x ${cpus()[0]?.model}, load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
const data = args.data ? resolve(args.data) : join(dir, "data");
const reuse = args.data !== undefined && existsSync(join(data, "backfill-done"));
const input = join(dir, "minutes.om.txt");
const gen = await t(() => generate(reuse ? undefined : input));
if (reuse) {
  console.log(`reusing the backfilled data in ${data}`);
} else {
  console.log(`generated ${gen.value.samples.toLocaleString("en-US")} samples in ${(gen.ms / 1000).toFixed(1)} s`);
  const blocks = await t(() =>
    run("promtool", ["tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=486h", input, data], { maxBuffer: 64 << 20 }),
  );
  console.log(`promtool create-blocks-from openmetrics: ${(blocks.ms / 1000).toFixed(1)} s`);
  rmSync(input);
  writeFileSync(join(data, "backfill-done"), `${labels[0]}..${labels.at(-1)} offset ${offsetMs}\n`);
}
writeFileSync(join(dir, "prometheus.yml"), "global: {}\n");
const started = await t(() => startPrometheus(data));
prometheus = started.value.child;
const url = started.value.url;
console.log(`prometheus ready in ${(started.ms / 1000).toFixed(1)} s at ${url}`);

const check = (label, report) => {
  const want = gen.value.expected.get(label);
  for (const line of report.services) {
    const w = want[line.service];
    if (!w) continue; // a service the generator does not record (the call center)
    const got = {
      maintenance: line.maintenance_minutes,
      unmeasured: line.unmeasured_minutes,
      unavailable: line.unavailable_minutes,
      available: line.available_minutes,
    };
    if (JSON.stringify(got) !== JSON.stringify(w)) throw new Error(`${label} ${line.service}: report ${JSON.stringify(got)} != generated ${JSON.stringify(w)}`);
  }
};

/** CPU seconds (user + system) a process has used so far, from /proc. */
const cpuSeconds = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const measured = async (f) => {
  const cpu0 = cpuSeconds(prometheus.pid);
  const r = await t(f);
  return { ...r, prometheusCpu: cpuSeconds(prometheus.pid) - cpu0 };
};

const client = new PromqlClient(url);
const sequential = async () => {
  const reports = [];
  for (const month of months) reports.push(await monthlyReport(client, month));
  return reports;
};
const cold = await measured(sequential);
cold.value.forEach((r, i) => check(labels[i], r));
const warm = await measured(sequential);
const parallel = await measured(() => Promise.all(months.map((month) => monthlyReport(client, month))));
parallel.value.forEach((r, i) => check(labels[i], r));
const viaCli = await t(async () => {
  for (const l of labels) await run(process.execPath, [CLI, "report", "--prometheus", url, "--month", l, "--format", "json"]);
});

// ------------------------------------------------------------------ the committee report through the CLI
// `report --year` of the last month's year and `report --month` of three months, with the outage
// lists (the JSON has them), as an operator runs it: a Node process each, "now" just after the last
// month. Wall time, the CPU of the CLI process (its children's CPU as /proc/self/stat counts it once
// waited for) and of Prometheus, and the requests.
const runs = Number(args.runs);
const year = labels.at(-1).slice(0, 4);
const at = new Date(months.at(-1).toMs + 600_000).toISOString();
const childCpu = () => {
  const f = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(f[13]) + Number(f[14])) / 100;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timeCli(cli, cliArgs) {
  const samples = [];
  let output;
  for (let i = 0; i < runs; i++) {
    const cpu0 = childCpu();
    const r = await measured(() =>
      run(process.execPath, [cli, "report", "--prometheus", url, ...cliArgs, "--format", "json", "--at", at], { maxBuffer: 256 << 20 }),
    );
    samples.push({ ms: r.ms, cliCpu: childCpu() - cpu0, prometheusCpu: r.prometheusCpu });
    output = r.value.stdout;
  }
  return { samples, output, ms: median(samples.map((s) => s.ms)) };
}
const timedMonths = [labels.at(-1), labels[Math.floor(labels.length / 2)], labels[0]];
const builds = [
  { name: "this build", cli: CLI },
  ...(args.baseline ? [{ name: `baseline ${args.baseline}`, cli: join(resolve(args.baseline), "cli", "main.js") }] : []),
];
const committee = [];
for (const build of builds) {
  const yearRun = await timeCli(build.cli, ["--year", year]);
  const yearReport = JSON.parse(yearRun.output);
  const outages = yearReport.months.reduce((n, m) => n + m.outages.length, 0);
  const monthRuns = [];
  for (const label of timedMonths) monthRuns.push({ label, ...(await timeCli(build.cli, ["--month", label])) });
  committee.push({ build, yearRun, months: yearReport.months.length, outages, monthRuns, output: yearRun.output });
}
if (committee.length > 1 && committee[0].output !== committee[1].output) console.log("WARNING: the baseline's year report differs from this build's");

console.log("");
console.log("month     service  total  maint  unmeas  unavail  available  availability  met");
for (const [i, r] of cold.value.entries()) {
  for (const s of r.services) {
    console.log(
      `${labels[i]}   ${s.service.padEnd(7)} ${String(s.total_minutes).padStart(6)} ${String(s.maintenance_minutes).padStart(6)} ${String(s.unmeasured_minutes).padStart(7)} ${String(s.unavailable_minutes).padStart(8)} ${String(s.available_minutes).padStart(10)}  ${(s.availability * 100).toFixed(3).padStart(11)} %  ${s.met}`,
    );
  }
}
console.log("");
console.log(`figures equal the generated minutes for all ${monthCount} months x ${SERVICES.length} services`);
const fmt = (ms) => `${(ms / 1000).toFixed(3)} s`;
const cpu = (r) => `(Prometheus CPU ${r.prometheusCpu.toFixed(2)} s)`;
console.log(`${monthCount}-month report, in-process, one query per month, sequential, first run: ${fmt(cold.ms)} ${cpu(cold)}`);
console.log(`${monthCount}-month report, in-process, sequential, second run:                   ${fmt(warm.ms)} ${cpu(warm)}`);
console.log(`${monthCount}-month report, in-process, all months in parallel:                   ${fmt(parallel.ms)} ${cpu(parallel)}`);
console.log(
  `${monthCount} x \`smt-monitor report --format json\` (a node process each):         ${fmt(viaCli.ms)} (${fmt(viaCli.ms / monthCount)} each, mostly Node starting the CLI)`,
);
const fmtRun = (s) => `${fmt(s.ms)} (CLI CPU ${s.cliCpu.toFixed(2)} s, Prometheus CPU ${s.prometheusCpu.toFixed(2)} s)`;
for (const c of committee) {
  console.log("");
  console.log(`committee report through the CLI, ${c.build.name}, --format json with the outage lists, ${runs} run(s) each, --at ${at}:`);
  console.log(`  report --year ${year} (${c.months} months, ${c.outages} outages listed):`);
  for (const s of c.yearRun.samples) console.log(`    ${fmtRun(s)}`);
  console.log(`    median ${fmt(c.yearRun.ms)}: target under 2 s -> ${c.yearRun.ms < 2000 ? "met" : "MISSED"}`);
  for (const m of c.monthRuns) {
    console.log(`  report --month ${m.label}:`);
    for (const s of m.samples) console.log(`    ${fmtRun(s)}`);
    console.log(`    median ${fmt(m.ms)}: target under 1 s -> ${m.ms < 1000 ? "met" : "MISSED"}`);
  }
}
console.log("");
console.log(
  `load average now ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")} on ${cpus().length} CPUs`,
);
prometheus.kill("SIGTERM");
await new Promise((r) => prometheus.once("exit", r));
