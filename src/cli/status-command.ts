import type { Command } from "commander";
import { reportCommandFailure } from "./command-failure.js";
import { addConfigFileOption, configFileOf } from "./config-file-option.js";
import { createLogger } from "../log/logger.js";
import { listenAddressOption } from "./listen-address-option.js";
import { NoticeStoreError } from "../notices/store-failure.js";
import { DEFAULT_STATUS_PORT } from "../status/status-defaults.js";
import { addLogOptions, type LogFlags } from "./log-options.js";

type StatusFlags = {
  prometheus: string;
  notices: string;
  "web.listenAddress"?: string;
  "web.externalUrl"?: string;
  timeout: string;
  "config.file"?: string;
  config?: string;
} & LogFlags;

export function registerStatus(program: Command): void {
  const cmd = program
    .command("status")
    .description(
      "Serve the public status page (/status), its JSON (/status.json) and the Atom feed of sent market notices (/status.atom): " +
        "per service the state as announced, the month to date and the last 90 days, from Prometheus through the report's code (docs/status.md).",
    )
    .requiredOption("--prometheus <url>", "the Prometheus base URL, e.g. http://127.0.0.1:9090")
    .requiredOption("--notices <file>", "the notifier's store (its SQLite file), read-only: only sent notices are shown")
    .option("--web.listen-address <address>", "address to listen on", `:${DEFAULT_STATUS_PORT}`)
    .option("--web.external-url <url>", "the URL the public reaches the page at (the feed's links); default: http://host:port of the listener")
    .option("--timeout <seconds>", "how long one query to Prometheus may take in all", "10");
  addConfigFileOption(cmd, "an exporter config whose objectives: judge the month to date (default: the SLO document's 99 %)");
  addLogOptions(cmd);
  cmd.action(async (opts: StatusFlags) => {
    const logger = createLogger({ level: opts["log.level"], format: opts["log.format"], name: "status" });
    const listenAddress = listenAddressOption(opts);
    if (listenAddress === "invalid") return;
    const timeoutSeconds = Number(opts.timeout);
    if (!(timeoutSeconds > 0)) {
      process.stderr.write(`smt-monitor status: --timeout: expected a number of seconds, got "${opts.timeout}"\n`);
      process.exitCode = 2;
      return;
    }
    const externalUrl = opts["web.externalUrl"];
    if (externalUrl !== undefined && !/^https?:\/\/[^/]/.test(externalUrl)) {
      process.stderr.write(`smt-monitor status: --web.external-url: expected an http:// or https:// URL, got "${externalUrl}"\n`);
      process.exitCode = 2;
      return;
    }
    // Loaded here: SQLite and express would slow every other command.
    const { StatusServer } = await import("../status/status-server.js");
    const { PromqlError } = await import("../report/promql-client.js");
    const configFile = configFileOf(cmd, opts, undefined, false);
    let server: Awaited<ReturnType<typeof StatusServer.start>>;
    try {
      const objectives = configFile ? (await import("../report/report-config.js")).loadReportSettings(configFile).objectives : undefined;
      server = await StatusServer.start({
        prometheusUrl: opts.prometheus,
        noticesPath: opts.notices,
        listenAddress: listenAddress ?? { port: DEFAULT_STATUS_PORT },
        externalUrl,
        objectives,
        logger,
        timeoutMs: timeoutSeconds * 1000,
      });
    } catch (err) {
      if (err instanceof PromqlError) {
        process.stderr.write(`smt-monitor status: --prometheus: ${err.message}\n`);
        process.exitCode = 2;
        return;
      }
      reportCommandFailure(err, err instanceof NoticeStoreError ? "smt-monitor status: --notices: " : "smt-monitor status: ");
      return;
    }
    const shutdown = async (signal: string) => {
      logger.info({ signal }, "shutting down");
      await server.stop();
      logger.flush();
      process.exit(0);
    };
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
    process.once("SIGINT", () => void shutdown("SIGINT"));
  });
}
