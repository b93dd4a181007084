import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { armTimer } from "../scheduler/timer.js";

/**
 * Runs the demo's components as child processes, each the leader of its own process group (so a
 * component's own children go with it), logs to one file per component, and stops them all: on
 * stop(), SIGTERM to every group, SIGKILL to what is left after the grace period; on the parent's
 * exit, SIGKILL at once. The groups are also written to a pid file, so that a later start can end
 * what a killed (SIGKILL) parent left behind.
 */
export interface SupervisedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SupervisorOptions {
  logDir: string;
  /** The pid file; each line "pid name". */
  pidFile: string;
  /** Called when a process exits while the supervisor is not stopping. */
  onUnexpectedExit?: (p: SupervisedProcess, code: number | null, signal: NodeJS.Signals | null) => void;
}

export class ProcessSupervisor {
  private readonly running: SupervisedProcess[] = [];
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {}

  get processes(): readonly SupervisedProcess[] {
    return this.running;
  }

  start(name: string, command: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SupervisedProcess {
    const logFile = join(this.options.logDir, `${name}.log`);
    const fd = openSync(logFile, "a");
    let child: ChildProcess;
    try {
      child = spawn(command, args, { cwd: o.cwd, env: o.env ?? process.env, detached: true, stdio: ["ignore", fd, fd] });
    } finally {
      closeSync(fd);
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once("error", (err) => {
        writeFileSync(logFile, `\n${name}: cannot start ${command}: ${err.message}\n`, { flag: "a" });
        resolve({ code: -1, signal: null });
      });
      child.once("exit", (code, signal) => resolve({ code, signal }));
    });
    const p: SupervisedProcess = { name, child, logFile, exited };
    this.running.push(p);
    this.writePidFile();
    void exited.then(({ code, signal }) => {
      if (!this.stopping) this.options.onUnexpectedExit?.(p, code, signal);
    });
    return p;
  }

  /**
   * SIGTERM to every process group (latest started first), SIGKILL after graceMs; resolves when all have
   * exited. `stages` (names) are stopped first, one stage after the other, while the rest still runs:
   * a part whose shutdown talks to another (a Prometheus flushing its remote write, an Alertmanager
   * leaving its cluster) is not left waiting for one that is already gone.
   */
  async stop(graceMs = 10_000, stages: string[][] = []): Promise<void> {
    this.stopping = true;
    for (const names of stages) await terminate(this.running.filter((p) => names.includes(p.name)).reverse(), graceMs);
    await terminate([...this.running].reverse(), graceMs);
    // Anything a component started and left in its group.
    for (const p of this.running) signalGroup(p.child.pid, "SIGKILL");
    this.writePidFile(true);
  }

  /** Synchronous last resort (process 'exit'): SIGKILL every group. */
  killAll(): void {
    this.stopping = true;
    for (const p of this.running) if (p.child.exitCode === null && p.child.signalCode === null) signalGroup(p.child.pid, "SIGKILL");
  }

  private writePidFile(empty = false): void {
    const lines = empty ? [] : this.running.filter((p) => p.child.pid !== undefined).map((p) => `${p.child.pid} ${p.name}`);
    writeFileSync(this.options.pidFile, lines.length ? `${lines.join("\n")}\n` : "");
  }
}

/** SIGTERM to the groups of the processes still alive, SIGKILL after graceMs; resolves when they have exited. */
async function terminate(processes: SupervisedProcess[], graceMs: number): Promise<void> {
  const alive = processes.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  if (alive.length === 0) return;
  for (const p of alive) signalGroup(p.child.pid, "SIGTERM");
  const timer = armTimer(graceMs, () => {
    for (const p of alive) signalGroup(p.child.pid, "SIGKILL");
  });
  await Promise.all(alive.map((p) => p.exited));
  clearTimeout(timer);
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Ends the process groups a previous run left in the pid file, but only those whose leader still
 * runs with `marker` (the data directory) on its command line: a recycled pid is left alone.
 * Returns the names of the components it ended.
 */
export function endLeftovers(pidFile: string, marker: string): string[] {
  if (!existsSync(pidFile)) return [];
  const ended: string[] = [];
  for (const line of readFileSync(pidFile, "utf8").split("\n")) {
    const [pidText, name] = line.split(" ");
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 1) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (!cmdline.includes(marker)) continue;
    signalGroup(pid, "SIGKILL");
    ended.push(name ?? String(pid));
  }
  writeFileSync(pidFile, "");
  return ended;
}

/** The last bytes of a log file (for error messages). */
export function tailOf(file: string, bytes = 2_000): string {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, "r");
    try {
      const length = Math.min(bytes, size);
      const buf = Buffer.alloc(length);
      readSync(fd, buf, 0, length, size - length);
      return buf.toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return "";
  }
}
