import type { Command } from "commander";
import { ConfigError } from "../config/errors.js";
import { parseListenAddress } from "../config/load.js";
import { createLogger } from "../log/logger.js";

export function registerExporter(program: Command): void {
  program
    .command("exporter")
    .description("Run the configured checks on their schedule and serve /metrics, /-/healthy, /-/ready and /-/reload (also on SIGHUP).")
    .requiredOption("-c, --config <file>", "the YAML config file")
    .option("--web.listen-address <address>", "override listen_address from the config, e.g. 127.0.0.1:9910")
    .option("--log.level <level>", "log level: debug, info, warn, error", "info")
    .action(async (opts: { config: string; "web.listenAddress"?: string; "log.level": string }) => {
      const { Exporter } = await import("../exporter/exporter.js");
      // commander camel-cases the part after the last dot of an option name.
      const logger = createLogger({ level: opts["log.level"], name: "exporter" });
      const address = opts["web.listenAddress"];
      let listenAddress;
      if (address) {
        listenAddress = parseListenAddress(address);
        if (!listenAddress) {
          process.stderr.write(`--web.listen-address: expected "host:port" or ":port", got "${address}"\n`);
          process.exitCode = 2;
          return;
        }
      }
      const exporter = new Exporter({ configFile: opts.config, logger, listenAddress });
      try {
        await exporter.start();
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
      process.on("SIGHUP", () => exporter.reload());
      const shutdown = async (signal: string) => {
        logger.info({ signal }, "shutting down");
        await exporter.stop();
        logger.flush();
        process.exit(0);
      };
      process.once("SIGTERM", () => void shutdown("SIGTERM"));
      process.once("SIGINT", () => void shutdown("SIGINT"));
    });
}
