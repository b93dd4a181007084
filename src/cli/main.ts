#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "../version.js";
import { registerCheckConfig } from "./check-config-command.js";
import { usageExitCode } from "./command-failure.js";
import { registerDemo } from "./demo-command.js";
import { registerExporter } from "./exporter-command.js";
import { registerMaintenance } from "./maintenance-command.js";
import { registerNotifier } from "./notifier-command.js";
import { registerProbe } from "./probe-command.js";
import { registerReport } from "./report-command.js";
import { registerSimulate } from "./simulate-command.js";
import { registerStatus } from "./status-command.js";

const EXIT_CODES_HELP = '\nExit codes (every command): 0 ok, 1 runtime failure, 2 usage or config error; see README.md "Exit codes".\n';

const program = new Command()
  .name("smt-monitor")
  .description("Service-level monitoring for Smart Meter Texas: probes, Prometheus exporter, availability and market notices.")
  .version(VERSION)
  // Usage errors throw instead of exiting with commander's 1: mapped to 2 below. Set before the
  // commands are added, so they inherit it, and the error stays one line (no help after it).
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`${text.trimEnd()} (see --help)\n`) })
  .addHelpText("after", EXIT_CODES_HELP);

registerExporter(program);
registerProbe(program);
registerCheckConfig(program);
registerMaintenance(program);
registerNotifier(program);
registerReport(program);
registerStatus(program);
registerSimulate(program);
registerDemo(program);

// `smt-monitor COMMAND --version` is answered by the program's own --version (commander reads its
// options after a subcommand too); every command's --help ends with the exit codes.
for (const command of program.commands) command.addHelpText("after", EXIT_CODES_HELP);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const exitCode = usageExitCode(err);
  if (exitCode === undefined) throw err;
  process.exitCode = exitCode;
}
