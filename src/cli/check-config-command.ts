import type { Command } from "commander";
import { ConfigError } from "../config/errors.js";

export function registerCheckConfig(program: Command): void {
  program
    .command("check-config")
    .description("Validate an exporter config file; prints every problem with file, line, field and what was expected.")
    .argument("<file>", "the YAML config file")
    .action(async (file: string) => {
      const { loadConfig } = await import("../config/load.js");
      try {
        const config = loadConfig(file);
        const services = [...new Set(config.checks.map((c) => c.service))].join(", ") || "none";
        const dataChecks = config.marketData.energyData?.checks.length ?? 0;
        const sources = config.marketData.marketFigures?.sources.length ?? 0;
        const extra = `${dataChecks ? `; ${dataChecks} energy-data checks` : ""}${sources ? `; ${sources} figure sources` : ""}`;
        process.stdout.write(`${file}: OK (${config.checks.length} checks; services: ${services}; location: ${config.location}${extra})\n`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`${err.message}\n`);
        process.stderr.write(`${file}: ${err.problems.length} problem(s)\n`);
        process.exitCode = 1;
      }
    });
}
