import type { Command } from "commander";
import { reportCommandFailure } from "./command-failure.js";
import { listenAddressOption } from "./listen-address-option.js";
import { createLogger } from "../log/logger.js";

export function registerExporter(program: Command): void {
  program
    .command("exporter")
    .description("Run the configured checks on their schedule and serve /metrics, /-/healthy, /-/ready and /-/reload (also on SIGHUP).")
    .requiredOption("-c, --config <file>", "the YAML config file")
    .option("--web.listen-address <address>", "override listen_address from the config, e.g. 127.0.0.1:9910")
    .option("--log.level <level>", "log level: debug, info, warn, error", "info")
    .action(async (opts: { config: string; "web.listenAddress"?: string; "log.level": string }) => {
      const { tuneExporterHeap } = await import("../exporter/heap-tuning.js");
      const heapFlags = tuneExporterHeap();
      const { Exporter } = await import("../exporter/exporter.js");
      const logger = createLogger({ level: opts["log.level"], name: "exporter" });
      logger.debug({ v8_flags: heapFlags }, "heap tuning applied");
      const listenAddress = listenAddressOption(opts);
      if (listenAddress === "invalid") return;
      const exporter = new Exporter({ configFile: opts.config, logger, listenAddress });
      try {
        await exporter.start();
      } catch (err) {
        reportCommandFailure(err, "smt-monitor exporter: ");
        return;
      }
      process.on("SIGHUP", () => void exporter.reload());
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
