#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "../version.js";
import { usageExitCode } from "./command-failure.js";
import { registerCommands } from "./lazy-commands.js";

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

// only the module of the command that runs is loaded (src/cli/lazy-commands.ts)
await registerCommands(program, process.argv.slice(2));

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
