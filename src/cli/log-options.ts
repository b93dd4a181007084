import { Option, type Command } from "commander";
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "../log/logger.js";

export interface LogFlags {
  "log.level": LogLevel;
  "log.format": LogFormat;
}

/**
 * `--log.level` and `--log.format` of the long-running commands. A value outside the list is a
 * usage error: one line on stderr and exit 2 (commander checks the choices before the command runs).
 */
export function addLogOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--log.level <level>", "only log messages with the given severity or above").choices([...LOG_LEVELS]).default("info"))
    .addOption(new Option("--log.format <format>", "output format of log messages").choices([...LOG_FORMATS]).default("json"));
}
