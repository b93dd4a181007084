import type { Command } from "commander";
import { reportCommandFailure } from "./command-failure.js";
import { addConfigFileOption, configFileOf } from "./config-file-option.js";
import { addDataDirOption } from "./data-dir-option.js";
import { addBrowserMemoryOption, browserMemoryOption } from "./browser-memory-option.js";
import { DEFAULT_BROWSER_MEMORY_LIMIT_MIB } from "../probes/browser-memory.js";
import { listenAddressOption } from "./listen-address-option.js";
import { addLogOptions, type LogFlags } from "./log-options.js";
import { addLifecycleOption, addWebConfigOption, type WebFlags } from "./web-options.js";
import { createLogger } from "../log/logger.js";

type ExporterFlags = { "config.file"?: string; config?: string; "web.listenAddress"?: string; dataDir: string; "browser.memoryLimit"?: string } & LogFlags &
  WebFlags;

export function registerExporter(program: Command): void {
  const cmd = program
    .command("exporter")
    .description(
      "Run the configured checks on their schedule and serve /metrics, /-/healthy and /-/ready; SIGHUP reloads the config (and POST /-/reload with --web.enable-lifecycle).",
    );
  addConfigFileOption(cmd, "the YAML config file");
  cmd.option("--web.listen-address <address>", "override listen_address from the config, e.g. 127.0.0.1:9910");
  addDataDirOption(cmd);
  addBrowserMemoryOption(cmd, DEFAULT_BROWSER_MEMORY_LIMIT_MIB);
  addWebConfigOption(cmd);
  addLifecycleOption(cmd);
  addLogOptions(cmd);
  cmd.action(async (opts: ExporterFlags) => {
    const configFile = configFileOf(cmd, opts);
    const { tuneExporterHeap } = await import("../exporter/heap-tuning.js");
    const heapFlags = tuneExporterHeap();
    const { Exporter } = await import("../exporter/exporter.js");
    const logger = createLogger({ level: opts["log.level"], format: opts["log.format"], name: "exporter" });
    logger.debug({ v8_flags: heapFlags }, "heap tuning applied");
    const listenAddress = listenAddressOption(opts);
    if (listenAddress === "invalid") return;
    const memoryLimitMiB = browserMemoryOption(opts);
    if (memoryLimitMiB === "invalid") return;
    const { setBrowserMemoryLimit } = await import("../probes/browser-pool.js");
    setBrowserMemoryLimit(memoryLimitMiB, (browser, residentMiB) =>
      logger.warn({ browser, resident_mib: residentMiB, limit_mib: memoryLimitMiB }, "browser over its memory bound: restarted"),
    );
    const shutdown = async (signal: string) => {
      logger.info({ signal }, "shutting down");
      await exporter.stop();
      logger.flush();
      process.exit(0);
    };
    const exporter = new Exporter({
      configFile,
      logger,
      listenAddress,
      webConfigFile: opts["web.config.file"],
      enableLifecycle: opts["web.enableLifecycle"] === true,
      onQuit: () => void shutdown("POST /-/quit"),
      dataDir: opts.dataDir,
    });
    try {
      await exporter.start();
    } catch (err) {
      reportCommandFailure(err, "smt-monitor exporter: ");
      return;
    }
    process.on("SIGHUP", () => void exporter.reload());
    process.once("SIGTERM", () => void shutdown("SIGTERM"));
    process.once("SIGINT", () => void shutdown("SIGINT"));
  });
}
