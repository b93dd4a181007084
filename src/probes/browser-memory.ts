import { readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { basename } from "node:path";

/** The default bound on each browser kind's resident memory, in MiB (the exporter's --browser.memory-limit). */
export const DEFAULT_BROWSER_MEMORY_LIMIT_MIB = 1024;

/**
 * The memory of a browser's processes (proportional set size: shared pages counted once), read from Linux's /proc: every process below this one whose
 * executable has the browser binary's name (Debian's /usr/bin/chromium is a shell script that runs
 * /usr/lib/chromium/chromium, so the name, not the path), and everything below those (Chromium's renderer, GPU and utility processes,
 * Firefox's content processes). Undefined where /proc cannot be read (not Linux). No library: four small files
 * per process, read only when a browser check's page closes.
 */
export function browserMemoryBytes(executable: string): number | undefined {
  return browserProcessIds(executable)?.reduce((total, pid) => total + memoryOf(pid), 0);
}

/**
 * Kills (SIGKILL) every process of a browser below this one (the walk of browserMemoryBytes): the last resort
 * when a browser does not close in time (browser-close.ts). Returns how many were signalled.
 */
export function killBrowserProcesses(executable: string): number {
  let killed = 0;
  for (const pid of browserProcessIds(executable) ?? []) {
    try {
      process.kill(pid, "SIGKILL");
      killed++;
    } catch {
      // Gone already.
    }
  }
  return killed;
}

/** The processes of a browser below this one and everything below them; undefined where /proc cannot be read. */
export function browserProcessIds(executable: string): number[] | undefined {
  let binary: string;
  let pids: string[];
  try {
    binary = basename(realpathSync(executable));
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const ppid = parentOf(pid);
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(pid));
    children.set(ppid, list);
  }
  const found: number[] = [];
  const visit = (pid: number, inBrowser: boolean) => {
    const exe = inBrowser ? undefined : exeOf(pid);
    const mine = inBrowser || (exe !== undefined && basename(exe) === binary);
    if (mine) found.push(pid);
    for (const child of children.get(pid) ?? []) visit(child, mine);
  };
  for (const child of children.get(process.pid) ?? []) visit(child, false);
  return found;
}

function parentOf(pid: string): number | undefined {
  try {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

function exeOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return undefined;
  }
}

/**
 * The process's proportional set size in bytes (Pss from smaps_rollup: shared pages divided among the processes
 * that share them, so a browser's many processes are not counted several times over), VmRSS where smaps_rollup
 * cannot be read; 0 when the process is gone.
 */
function memoryOf(pid: number): number {
  try {
    const pss = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    if (pss) return Number(pss[1]) * 1024;
  } catch {
    // below
  }
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
