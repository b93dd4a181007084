import { CommanderError } from "commander";
import { ConfigError } from "../config/errors.js";
import { NoticeStoreError } from "../notices/store-failure.js";
import { ListenError } from "../web/listen.js";

/** Exit codes of every command: 0 ok, 1 runtime failure, 2 usage or config error. */
export const EXIT_RUNTIME = 1;
export const EXIT_CONFIG = 2;

/**
 * The one place that maps an error a user can cause to its exit code and its text on stderr
 * (no stack trace). Returns undefined for anything else: a bug, which keeps its stack trace.
 */
export function commandFailure(err: unknown): { exitCode: 1 | 2; message: string } | undefined {
  if (err instanceof ConfigError) return { exitCode: EXIT_CONFIG, message: err.message };
  if (err instanceof NoticeStoreError) return { exitCode: err.exitCode, message: err.message };
  if (err instanceof ListenError) return { exitCode: EXIT_RUNTIME, message: err.message };
  return undefined;
}

/**
 * The exit code of what commander refused before a command ran (unknown or missing flag, a value
 * outside --log.level's choices): 2, a usage error; 0 for --help and --version, which are not
 * failures. Commander has already written its one line. undefined for anything else.
 */
export function usageExitCode(err: unknown): 0 | 2 | undefined {
  if (!(err instanceof CommanderError)) return undefined;
  return ["commander.helpDisplayed", "commander.help", "commander.version"].includes(err.code) ? 0 : EXIT_CONFIG;
}

/** Prints the failure and sets the exit code when err is one a user can cause; rethrows a bug. */
export function reportCommandFailure(err: unknown, prefix = ""): void {
  const failure = commandFailure(err);
  if (!failure) throw err;
  process.stderr.write(`${prefix}${failure.message}\n`);
  process.exitCode = failure.exitCode;
}
