import type { Command } from "commander";
import { ConfigError } from "../config/errors.js";
import { addConfigFileOption, configFileOf } from "./config-file-option.js";
import { addDataDirOption } from "./data-dir-option.js";

export function registerProbe(program: Command): void {
  const cmd = program.command("probe");
  addConfigFileOption(cmd, "the YAML config file");
  addDataDirOption(cmd);
  cmd
    .description(
      "Run one configured check once and print the result, every phase and the failure reason (like blackbox_exporter's debug output). Exits 1 when the check fails.",
    )
    .requiredOption("--check <name>", "the name of the check to run")
    .option("--json", "print the result as JSON")
    .action(async (opts: { "config.file"?: string; config?: string; check: string; json?: boolean; dataDir: string }) => {
      const configFile = configFileOf(cmd, opts);
      const { loadConfig } = await import("../config/load.js");
      const { runCheck } = await import("../probes/run.js");
      const { closeBrowsers } = await import("../probes/browser-pool.js");
      const { BROWSER_CLOSE_TIMEOUT_MS } = await import("../probes/browser-close.js");
      let config;
      try {
        config = loadConfig(configFile);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      const check = config.checks.find((c) => c.name === opts.check);
      const dataCheck = config.marketData.energyData?.checks.find((c) => c.name === opts.check);
      if (!check && dataCheck) {
        // An energy-data check (energy_data.checks, docs/energy-data.md): what it read and saw.
        const { runDataCheck } = await import("../energy-data/run-data-check.js");
        const { formatCivilDate } = await import("../energy-data/delivery-deadline.js");
        const result = await runDataCheck(dataCheck, config.marketData.energyData!.canaryEsiids);
        const o = result.observation;
        if (opts.json) {
          const observation = o && {
            latest_usage_day: o.latestDay ? formatCivilDate(o.latestDay) : null,
            days_seen: o.daysSeen,
            quality: o.quality ? { usage_day: formatCivilDate(o.quality.day), ...o.quality.figures, by_esiid: Object.fromEntries(o.quality.byEsiid) } : null,
          };
          process.stdout.write(
            `${JSON.stringify({ check: dataCheck.name, service: dataCheck.service, kind: `energy_data/${dataCheck.kind}`, success: result.success, duration_seconds: result.durationSeconds, failure: result.failure, observation, log: result.log }, null, 2)}\n`,
          );
        } else {
          const out = [`check:    ${dataCheck.name} (energy data, service ${dataCheck.service}, kind ${dataCheck.kind}, location ${config.location})`];
          for (const line of result.log) out.push(`  ${line}`);
          if (o) {
            out.push(
              `latest usage day every canary has: ${o.latestDay ? formatCivilDate(o.latestDay) : "none"} (days seen: ${o.daysSeen.join(", ") || "none"})`,
            );
            if (o.quality) {
              out.push(
                `quality of ${formatCivilDate(o.quality.day)}: ${Object.entries(o.quality.figures)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(", ")}`,
              );
              for (const [esiid, q] of o.quality.byEsiid)
                out.push(
                  `  ${esiid}: ${Object.entries(q)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(", ")}`,
                );
            }
          }
          out.push(`duration: ${result.durationSeconds.toFixed(6)} s`);
          out.push(result.success ? "result:   success" : `result:   FAILURE reason=${result.failure!.reason}: ${result.failure!.message}`);
          process.stdout.write(`${out.join("\n")}\n`);
        }
        process.exitCode = result.success ? 0 : 1;
        return;
      }
      if (!check) {
        const names = [...config.checks.map((c) => c.name), ...(config.marketData.energyData?.checks.map((c) => c.name) ?? [])];
        process.stderr.write(`${configFile}: no check named "${opts.check}"; configured: ${names.join(", ") || "none"}\n`);
        process.exitCode = 2;
        return;
      }
      const started = new Date();
      const result = await runCheck(check, { dataDir: opts.dataDir });
      for (const browser of await closeBrowsers()) {
        process.stderr.write(`${browser} did not close within ${BROWSER_CLOSE_TIMEOUT_MS / 1000} s: killed\n`);
      }
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ check: check.name, service: check.service, kind: check.kind, started: started.toISOString(), ...result }, null, 2)}\n`,
        );
      } else {
        const out: string[] = [];
        out.push(`check:    ${check.name} (service ${check.service}, kind ${check.kind}, location ${config.location})`);
        out.push(`started:  ${started.toISOString()}`);
        for (const line of result.log) out.push(`  ${line}`);
        out.push("phases:");
        for (const [phase, seconds] of Object.entries(result.phases)) out.push(`  ${phase.padEnd(12)} ${seconds.toFixed(6)} s`);
        if (result.certNotAfter !== undefined) out.push(`certificate expires: ${new Date(result.certNotAfter * 1000).toISOString()}`);
        if (result.newestFileTime !== undefined) out.push(`newest file:         ${new Date(result.newestFileTime * 1000).toISOString()}`);
        if (result.outageMessageShown !== undefined) out.push(`outage message:      ${result.outageMessageShown ? "shown" : "not shown"} on the homepage`);
        if (result.browserEvidence) out.push(`screenshot:  ${result.browserEvidence.screenshot}`, `console log: ${result.browserEvidence.consoleLog}`);
        out.push(`duration: ${result.durationSeconds.toFixed(6)} s`);
        out.push(result.success ? "result:   success" : `result:   FAILURE reason=${result.failure!.reason}: ${result.failure!.message}`);
        process.stdout.write(`${out.join("\n")}\n`);
      }
      process.exitCode = result.success ? 0 : 1;
    });
}
