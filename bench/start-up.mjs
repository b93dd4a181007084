#!/usr/bin/env node
// The CPU a process spends starting up and refusing a config, smt-monitor's exporter beside
// blackbox_exporter in the same run: the exporter is started many times by the test suite, the demo
// and every deployment's restarts, and its start-up used to load the browser engines whether or not a
// browser check was configured (src/probes/lazy-browser-driver.ts). Each run is a child of bash,
// whose `times` reports its children's user and system CPU.
// Usage: npm run build && node bench/start-up.mjs [--runs 7] [--baseline DIR]
//   --baseline DIR  also time the exporter of another built checkout (DIR/dist), e.g. an older commit
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BLACKBOX, CLI, machineDescription, median, parseArgs, table, tempDir } from "./lib.mjs";

const opts = parseArgs({ runs: 7, baseline: "" });
const dir = tempDir("smt-bench-start-up-");
const notAMapping = join(dir, "not-a-mapping.yml");
writeFileSync(notAMapping, "just a string\n");

/** CPU seconds (user + system) of one run of the command, from bash's `times`. */
function cpuOfRun(command, args) {
  const quoted = [command, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const out = execFileSync("bash", ["-c", `${quoted} >/dev/null 2>&1; times`], { encoding: "utf8" });
  const children = out.trim().split("\n")[1] ?? "";
  const [user, system] = children.split(/\s+/).map((t) => {
    const m = /(\d+)m([\d.]+)s/.exec(t);
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  });
  return user + system;
}

const cases = [
  ["smt-monitor exporter, a config that is not a mapping (exit 2)", process.execPath, [CLI, "exporter", "--config", notAMapping]],
  ["smt-monitor --version", process.execPath, [CLI, "--version"]],
  // start-up of the report (src/cli/lazy-commands.ts loads only its command): Prometheus refuses the connection
  ["smt-monitor report, Prometheus unreachable (exit 1)", process.execPath, [CLI, "report", "--prometheus", "http://127.0.0.1:1", "--month", "2026-03"]],
  ["blackbox_exporter, a config that is not a mapping (exit 1)", BLACKBOX, [`--config.file=${notAMapping}`, "--web.listen-address=127.0.0.1:0"]],
  ["blackbox_exporter --version", BLACKBOX, ["--version"]],
];
if (opts.baseline) {
  const baselineCli = join(opts.baseline, "dist", "cli", "main.js");
  cases.splice(
    1,
    0,
    [`baseline ${opts.baseline}: exporter, a config that is not a mapping`, process.execPath, [baselineCli, "exporter", "--config", notAMapping]],
    [`baseline ${opts.baseline}: --version`, process.execPath, [baselineCli, "--version"]],
    [
      `baseline ${opts.baseline}: report, Prometheus unreachable`,
      process.execPath,
      [baselineCli, "report", "--prometheus", "http://127.0.0.1:1", "--month", "2026-03"],
    ],
  );
}
console.log(`start-up CPU, median of ${opts.runs} runs; ${machineDescription()}`);
const rows = [["case", "CPU s (median)", "min", "max"]];
for (const [name, command, args] of cases) {
  const runs = Array.from({ length: opts.runs }, () => cpuOfRun(command, args));
  rows.push([name, median(runs).toFixed(2), Math.min(...runs).toFixed(2), Math.max(...runs).toFixed(2)]);
}
console.log(table(rows));
