import type { Command } from "commander";
import { ConfigError } from "../config/errors.js";
import { parseListenAddress } from "../config/load.js";
import { createLogger } from "../log/logger.js";
import { loadNotifierConfig } from "../notices/notifier-config.js";
import { Notifier } from "../notices/notifier.js";

export function registerNotifier(program: Command): void {
  program
    .command("notifier")
    .description("Run the market-notice service: Alertmanager webhook in, ERCOT-format drafts out, review pages at /notices (docs/notices.md).")
    .requiredOption("-c, --config <file>", "the notifier's YAML config file")
    .option("--web.listen-address <address>", "override listen_address from the config, e.g. 127.0.0.1:9911")
    .option("--check-config", "validate the config file and exit (1 when it has problems)")
    .option("--log.level <level>", "log level: debug, info, warn, error", "info")
    .action(async (opts: { config: string; "web.listen-address"?: string; checkConfig?: boolean; "log.level": string }) => {
      const logger = createLogger({ level: opts["log.level"], name: "notifier" });
      let listenAddress;
      if (opts["web.listen-address"]) {
        listenAddress = parseListenAddress(opts["web.listen-address"]);
        if (!listenAddress) {
          process.stderr.write(`--web.listen-address: expected "host:port" or ":port", got "${opts["web.listen-address"]}"\n`);
          process.exitCode = 2;
          return;
        }
      }
      let notifier: Notifier;
      try {
        const config = loadNotifierConfig(opts.config);
        if (opts.checkConfig) {
          process.stdout.write(`${opts.config}: OK (${config.reviewers.size} reviewer(s); ${config.raw.channels.length} channel(s); store ${config.storagePath})\n`);
          return;
        }
        notifier = new Notifier({ config, logger, listenAddress });
        await notifier.start();
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
      const shutdown = async (signal: string) => {
        logger.info({ signal }, "shutting down");
        await notifier.stop();
        logger.flush();
        process.exit(0);
      };
      process.once("SIGTERM", () => void shutdown("SIGTERM"));
      process.once("SIGINT", () => void shutdown("SIGINT"));
    });
}
