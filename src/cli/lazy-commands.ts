import type { Command } from "commander";

/**
 * The CLI's commands, each behind a dynamic import: a run loads the module of the command it runs
 * and no other (`report` does not load the exporter's, pino's or the simulator's modules; `--version`
 * loads none). Node spends most of a short command's CPU loading modules (docs/performance.md,
 * "Start-up"), and the test suite spawns the CLI hundreds of times. What commander shows for the
 * whole program (`--help`, `help`, no command, an unknown command and its suggestion) needs every
 * command, so those load them all, in this order (the order of `--help`).
 */
type Registration = (program: Command) => void;

export const COMMAND_MODULES: readonly { name: string; load: () => Promise<Registration> }[] = [
  { name: "exporter", load: async () => (await import("./exporter-command.js")).registerExporter },
  { name: "probe", load: async () => (await import("./probe-command.js")).registerProbe },
  { name: "check-config", load: async () => (await import("./check-config-command.js")).registerCheckConfig },
  { name: "maintenance", load: async () => (await import("./maintenance-command.js")).registerMaintenance },
  { name: "notifier", load: async () => (await import("./notifier-command.js")).registerNotifier },
  { name: "report", load: async () => (await import("./report-command.js")).registerReport },
  { name: "status", load: async () => (await import("./status-command.js")).registerStatus },
  { name: "simulate", load: async () => (await import("./simulate-command.js")).registerSimulate },
  { name: "demo", load: async () => (await import("./demo-command.js")).registerDemo },
];

/** commander's help command: `help COMMAND` is that command's --help. */
const HELP_COMMAND = "help";
const VERSION_FLAGS = ["-V", "--version"];

/**
 * The commands a command line needs registered, from its arguments (after node and the script). The
 * program's own options (--version, --help) take no value, so its first argument not starting with
 * "-" is the command. Pure.
 * - `COMMAND ...` and `help COMMAND`: that command;
 * - `--version` without a command: none (commander answers it while reading the program's options);
 * - anything else (`--help`, `help`, nothing, an unknown command): all.
 */
export function commandsToLoad(args: readonly string[], names: readonly string[] = COMMAND_MODULES.map((c) => c.name)): readonly string[] {
  const end = args.includes("--") ? args.indexOf("--") : args.length;
  const operands = args.slice(0, end).filter((a) => !a.startsWith("-"));
  const [first, second] = operands;
  if (first === undefined) return args.slice(0, end).some((a) => VERSION_FLAGS.includes(a)) ? [] : names;
  const named = first === HELP_COMMAND ? second : first;
  return named !== undefined && names.includes(named) ? [named] : names;
}

/** Registers the commands the arguments need (commandsToLoad), loading only their modules, in COMMAND_MODULES' order. */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  const wanted = new Set(commandsToLoad(args));
  const registrations = await Promise.all(COMMAND_MODULES.filter((c) => wanted.has(c.name)).map((c) => c.load()));
  for (const register of registrations) register(program);
}
