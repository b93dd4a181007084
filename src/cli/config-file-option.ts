import { Option, type Command } from "commander";

/**
 * `--config.file <file>`, the canonical flag of every command that reads a config (as Prometheus,
 * Alertmanager and blackbox_exporter spell it), with `-c, --config` kept as its alias. Commander
 * cannot require "one of two flags", so a required one is checked by configFileOf.
 */
export function addConfigFileOption(cmd: Command, description: string, defaultFile?: string): Command {
  return cmd
    .addOption(new Option("--config.file <file>", description + (defaultFile ? ` (default: ${defaultFile})` : "")))
    .addOption(new Option("-c, --config <file>", "alias of --config.file"));
}

/** The file given with --config.file or its alias (or the default); a usage error (exit 2) when required and absent. */
export function configFileOf(cmd: Command, opts: { "config.file"?: string; config?: string }, defaultFile?: string): string;
export function configFileOf(cmd: Command, opts: { "config.file"?: string; config?: string }, defaultFile: undefined, required: false): string | undefined;
export function configFileOf(cmd: Command, opts: { "config.file"?: string; config?: string }, defaultFile?: string, required = true): string | undefined {
  const given = opts["config.file"] ?? opts.config ?? defaultFile;
  if (opts["config.file"] !== undefined && opts.config !== undefined && opts["config.file"] !== opts.config) {
    cmd.error("error: --config.file and its alias --config name different files: give one", { exitCode: 2, code: "smt.configFileTwice" });
  }
  if (given === undefined && required)
    cmd.error("error: required option '--config.file <file>' not specified", { exitCode: 2, code: "commander.missingMandatoryOptionValue" });
  return given;
}
