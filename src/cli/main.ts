#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "../version.js";
import { registerCheckConfig } from "./check-config-command.js";
import { registerDemo } from "./demo-command.js";
import { registerExporter } from "./exporter-command.js";
import { registerMaintenance } from "./maintenance-command.js";
import { registerNotifier } from "./notifier-command.js";
import { registerProbe } from "./probe-command.js";
import { registerReport } from "./report-command.js";
import { registerSimulate } from "./simulate-command.js";

const program = new Command()
  .name("smt-monitor")
  .description("Service-level monitoring for Smart Meter Texas: probes, Prometheus exporter, availability and market notices.")
  .version(VERSION)
  .showHelpAfterError();

registerExporter(program);
registerProbe(program);
registerCheckConfig(program);
registerMaintenance(program);
registerNotifier(program);
registerReport(program);
registerSimulate(program);
registerDemo(program);

await program.parseAsync(process.argv);
