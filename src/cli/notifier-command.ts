import type { Command } from "commander";
import { reportCommandFailure } from "./command-failure.js";
import { createLogger } from "../log/logger.js";
import type { Notifier } from "../notices/notifier.js";
import { listenAddressOption } from "./listen-address-option.js";

export function registerNotifier(program: Command): void {
  program
    .command("notifier")
    .description("Run the market-notice service: Alertmanager webhook in, ERCOT-format drafts out, review pages at /notices (docs/notices.md).")
    .requiredOption("-c, --config <file>", "the notifier's YAML config file")
    .option("--web.listen-address <address>", "override listen_address from the config, e.g. 127.0.0.1:9911")
    .option("--check-config", "validate the config file and exit (1 when it has problems)")
    .option("--log.level <level>", "log level: debug, info, warn, error", "info")
    .action(async (opts: { config: string; "web.listenAddress"?: string; checkConfig?: boolean; "log.level": string }) => {
      // Loaded here, not at the top: SQLite, nodemailer and express would slow every other command.
      const { loadNotifierConfig } = await import("../config/notifier-load.js");
      const { Notifier } = await import("../notices/notifier.js");
      const logger = createLogger({ level: opts["log.level"], name: "notifier" });
      const listenAddress = listenAddressOption(opts);
      if (listenAddress === "invalid") return;
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
        reportCommandFailure(err, "smt-monitor notifier: ");
        // --check-config answers like check-config: 1 when the file has problems.
        if (opts.checkConfig && process.exitCode === 2) process.exitCode = 1;
        return;
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
