#!/usr/bin/env node
// The cost of one browser check (issue 12; docs/performance.md "Browser checks"): the logged-in walk of the
// simulator's portal (login, usage page, CSV download), run --runs times per browser in this process with the
// browser started once, as the exporter runs it. Per run: the CPU seconds of the browser's processes (the browser
// and everything below it, from /proc) and of this Node process, and the browser's resident memory after the run.
// At one run every 60 s, a run's CPU seconds / 60 is the share of one core the check costs.
// The HTTP checks' budget does not change: an exporter without browser checks loads neither engine nor starts a
// browser (test/browser-lazy-load.test.ts), and --also-http measures an HTTP check's CPU per run with and without
// a browser check beside it.
//   npm run bench:browser -- --runs 5 --browsers chromium,firefox
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs, DIST } from "./lib.mjs";

const { runs, browsers, "http-runs": httpRuns } = parseArgs({ runs: 5, browsers: "chromium,firefox", "http-runs": 200 });
const { startSimulator } = await import(join(DIST, "simulator", "simulator.js"));
const { loadConfig } = await import(join(DIST, "config", "load.js"));
const { runCheck } = await import(join(DIST, "probes", "run.js"));
const { startBrowsers, closeBrowsers } = await import(join(DIST, "probes", "browser-pool.js"));
const { browserMemoryBytes } = await import(join(DIST, "probes", "browser-memory.js"));
const { CHROMIUM_EXECUTABLE } = await import(join(DIST, "probes", "chromium-driver.js"));
const { FIREFOX_EXECUTABLE } = await import(join(DIST, "probes", "firefox-driver.js"));
const EXECUTABLE = { chromium: CHROMIUM_EXECUTABLE, firefox: FIREFOX_EXECUTABLE };
const CLK_TCK = 100;

/** CPU seconds (user + system) of every process below this one, and of this one. */
function cpuSeconds() {
  const stats = new Map();
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      stats.set(Number(pid), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLK_TCK });
    } catch {}
  }
  let children = 0;
  const below = (pid) => {
    for (const [child, s] of stats)
      if (s.ppid === pid) {
        children += s.cpu;
        below(child);
      }
  };
  below(process.pid);
  const self = process.cpuUsage();
  return { browser: children, node: (self.user + self.system) / 1e6 };
}

const dir = mkdtempSync(join(tmpdir(), "smt-bench-browser-"));
const sim = await startSimulator({ stateDir: join(dir, "sim"), ports: { admin: 0, gui: 0, api: 0, han: 0, ftps: 0, sftp: 0 } });
const g = `https://127.0.0.1:${sim.ports.gui}`;
const check = (browser) => `  - name: portal_${browser}
    service: gui
    kind: browser
    timeout: 30s
    browser:
      browser: ${browser}
      insecure_skip_verify: true
      step_timeout: 10s
      secrets:
        username: { file: ${sim.files.apiUsername} }
        password: { file: ${sim.files.apiPassword} }
      steps:
        - { name: login_page, goto: "${g}/login" }
        - { name: user_id, fill: "#username", value: "{{ secret.username }}" }
        - { name: password, fill: "#password", value: "{{ secret.password }}" }
        - { name: log_in, click: "#login" }
        - { name: usage_table, wait_for: { selector: "#usage-table" } }
        - { name: usage_csv, download: "#usage-csv", max_bytes: 65536 }
`;
const list = String(browsers).split(",");
writeFileSync(
  join(dir, "c.yaml"),
  `checks:\n${list.map(check).join("")}  - name: gui_home\n    service: gui\n    kind: http\n    http: { url: "${g}/", tls: { insecure_skip_verify: true } }\n`,
);
const checks = loadConfig(join(dir, "c.yaml")).checks;
const http = checks.find((c) => c.name === "gui_home");

async function httpCpuPerRun() {
  const t0 = process.cpuUsage();
  for (let i = 0; i < httpRuns; i++) await runCheck(http);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1e6 / httpRuns;
}

const out = [];
out.push(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} (figures on a busy machine are high; compare on a quiet one)`,
);
out.push(`http check gui_home, no browser running: ${(1000 * (await httpCpuPerRun())).toFixed(2)} CPU-ms per run (node)`);
for (const browser of list) {
  const c = checks.find((x) => x.name === `portal_${browser}`);
  const s0 = cpuSeconds();
  await startBrowsers([{ browser, insecure_skip_verify: true }]);
  const s1 = cpuSeconds();
  out.push(
    `${browser}: start ${(s1.browser - s0.browser + s1.node - s0.node).toFixed(2)} CPU-s, resident ${(browserMemoryBytes(EXECUTABLE[browser]) / 1048576).toFixed(0)} MiB idle`,
  );
  const cpu = [];
  const rss = [];
  const wall = [];
  for (let i = 0; i < runs; i++) {
    const a = cpuSeconds();
    const r = await runCheck(c);
    const b = cpuSeconds();
    if (r.failure) out.push(`  run ${i + 1} failed: ${r.failure.reason} ${r.failure.message}`);
    cpu.push(b.browser - a.browser + b.node - a.node);
    wall.push(r.durationSeconds);
    rss.push(browserMemoryBytes(EXECUTABLE[browser]) / 1048576);
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  out.push(
    `${browser}: ${runs} runs, median ${median(cpu).toFixed(2)} CPU-s per run (max ${Math.max(...cpu).toFixed(2)}), ${median(wall).toFixed(2)} s wall; ` +
      `every 60 s: ${((100 * median(cpu)) / 60).toFixed(1)} % of one core; resident after runs ${Math.min(...rss).toFixed(0)}-${Math.max(...rss).toFixed(0)} MiB`,
  );
  out.push(`http check gui_home beside a running ${browser}: ${(1000 * (await httpCpuPerRun())).toFixed(2)} CPU-ms per run (node)`);
  await closeBrowsers();
}
for (const line of out) console.log(line);
await sim.stop();
rmSync(dir, { recursive: true, force: true });
