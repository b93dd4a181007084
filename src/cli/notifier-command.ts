import type { Command } from "commander";
import { reportCommandFailure } from "./command-failure.js";
import { addConfigFileOption, configFileOf } from "./config-file-option.js";
import { createLogger } from "../log/logger.js";
import type { Notifier } from "../notices/notifier.js";
import { listenAddressOption } from "./listen-address-option.js";
import { addLogOptions, type LogFlags } from "./log-options.js";
import { addWebConfigOption, type WebFlags } from "./web-options.js";

type NotifierFlags = { "config.file"?: string; config?: string; "web.listenAddress"?: string; checkConfig?: boolean } & LogFlags & WebFlags;

export function registerNotifier(program: Command): void {
  const cmd = program
    .command("notifier")
    .description(
      "Run the market-notice service: Alertmanager webhook in, ERCOT-format drafts out, review pages at /notices (docs/notices.md). SIGHUP re-reads --web.config.file.",
    );
  addConfigFileOption(cmd, "the notifier's YAML config file");
  cmd.option("--web.listen-address <address>", "override listen_address from the config, e.g. 127.0.0.1:9911");
  addWebConfigOption(cmd);
  cmd.option("--check-config", "validate the config file and exit (1 when it has problems)");
  addLogOptions(cmd);
  cmd.action(async (opts: NotifierFlags) => {
    const configFile = configFileOf(cmd, opts);
    // Loaded here, not at the top: SQLite, nodemailer and express would slow every other command.
    const { loadNotifierConfig } = await import("../config/notifier-load.js");
    const { Notifier } = await import("../notices/notifier.js");
    const logger = createLogger({ level: opts["log.level"], format: opts["log.format"], name: "notifier" });
    const listenAddress = listenAddressOption(opts);
    if (listenAddress === "invalid") return;
    let notifier: Notifier;
    try {
      const config = loadNotifierConfig(configFile);
      if (opts.checkConfig) {
        if (opts["web.config.file"] !== undefined) (await import("../web/web-config.js")).loadWebConfig(opts["web.config.file"]);
        process.stdout.write(
          `${configFile}: OK (${config.reviewers.size} reviewer(s); ${config.raw.channels.length} channel(s); store ${config.storagePath})\n`,
        );
        return;
      }
      notifier = new Notifier({ config, logger, listenAddress, webConfigFile: opts["web.config.file"] });
      await notifier.start();
    } catch (err) {
      reportCommandFailure(err, "smt-monitor notifier: ");
      // --check-config answers like check-config: 1 when the file has problems.
      if (opts.checkConfig && process.exitCode === 2) process.exitCode = 1;
      return;
    }
    process.on("SIGHUP", () => notifier.reloadWebConfig());
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
