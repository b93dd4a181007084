import { resolve } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../config/errors.js";
import { createLogger } from "../log/logger.js";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("The local demo on built-in defaults: the simulator plus the exporter on config/demo.yaml (npm start).")
    .option("--config <file>", "exporter config", "config/demo.yaml")
    .option("--data-dir <dir>", "where every component keeps its state", ".smt-demo")
    .action(async (opts: { config: string; dataDir: string }) => {
      const { Exporter } = await import("../exporter/exporter.js");
      const { startSimulator } = await import("../simulator/simulator.js");
      const logger = createLogger({ name: "demo" });
      const sim = await startSimulator({ stateDir: resolve(opts.dataDir, "simulator") });
      const exporter = new Exporter({ configFile: opts.config, logger: logger.child({ component: "exporter" }) });
      let listen;
      try {
        listen = await exporter.start();
      } catch (err) {
        await sim.stop();
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n`);
          process.exitCode = 1;
          return;
        }
        throw err;
      }
      const host = listen.host ?? "127.0.0.1";
      process.stdout.write(
        [
          "",
          "SMT monitor demo is running:",
          `  exporter      http://${host}:${listen.port}/  (metrics: http://${host}:${listen.port}/metrics)`,
          `  simulator     admin http://127.0.0.1:${sim.ports.admin}/  gui https://127.0.0.1:${sim.ports.gui}/  api :${sim.ports.api}  han :${sim.ports.han}  ftps :${sim.ports.ftps}`,
          `  inject fault  curl -XPOST http://127.0.0.1:${sim.ports.admin}/faults -H 'content-type: application/json' -d '{"service":"gui","fault":"http_503"}'`,
          `  clear faults  curl -XDELETE http://127.0.0.1:${sim.ports.admin}/faults`,
          "Press Ctrl-C to stop.",
          "",
        ].join("\n"),
      );
      process.on("SIGHUP", () => exporter.reload());
      const stop = async () => {
        await exporter.stop();
        await sim.stop();
        logger.flush();
        process.exit(0);
      };
      process.once("SIGINT", () => void stop());
      process.once("SIGTERM", () => void stop());
    });
}
