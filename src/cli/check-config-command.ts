import type { Command } from "commander";
import { ConfigError, formatWarning } from "../config/errors.js";
import { addConfigFileOption, configFileOf } from "./config-file-option.js";

export function registerCheckConfig(program: Command): void {
  const cmd = program
    .command("check-config")
    .description(
      "Validate an exporter config file; prints every problem with file, line, field and what was expected. Exits 1 when it has problems (like promtool check config).",
    )
    .argument("[file]", "the YAML config file (or --config.file)");
  addConfigFileOption(cmd, "the YAML config file");
  cmd.action(async (fileArgument: string | undefined, opts: { "config.file"?: string; config?: string }) => {
    if (fileArgument !== undefined && (opts["config.file"] ?? opts.config) !== undefined)
      cmd.error("error: give the config file once: as an argument or with --config.file", { exitCode: 2 });
    const file = configFileOf(cmd, opts, fileArgument);
    const { loadConfig } = await import("../config/load.js");
    try {
      const config = loadConfig(file);
      const services = [...new Set(config.checks.map((c) => c.service))].join(", ") || "none";
      const dataChecks = config.marketData.energyData?.checks.length ?? 0;
      const sources = config.marketData.marketFigures?.sources.length ?? 0;
      const extra = `${dataChecks ? `; ${dataChecks} energy-data checks` : ""}${sources ? `; ${sources} figure sources` : ""}`;
      // Warnings do not fail the check (exit 0): the config means what it says, perhaps not what the SLO document measures.
      for (const warning of config.warnings) process.stderr.write(`${formatWarning(file, warning)}\n`);
      const warned = config.warnings.length ? `; ${config.warnings.length} warning(s)` : "";
      process.stdout.write(`${file}: OK (${config.checks.length} checks; services: ${services}; location: ${config.location}${extra}${warned})\n`);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      process.stderr.write(`${err.message}\n`);
      process.stderr.write(`${file}: ${err.problems.length} problem(s)\n`);
      process.exitCode = 1;
    }
  });
}
