import { execFileSync } from "node:child_process";

/** Whether a process with this pid exists (signal 0 checks without sending). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every live process whose process group is one of the groups (zombies, already dead, excluded): "pid pgid stat args". */
export function processesIn(pgids: Set<number>): string[] {
  const ps = execFileSync("ps", ["-e", "-o", "pid=,pgid=,stat=,args="], { encoding: "utf8" });
  return ps
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && pgids.has(Number(f[1])) && !f[2]!.startsWith("Z"))
    .map((f) => f.join(" "));
}

/** SIGKILL to every process group (an afterAll's last word: nothing a test started outlives it). */
export function killGroups(pgids: Iterable<number>): void {
  for (const g of pgids) {
    try {
      process.kill(-g, "SIGKILL");
    } catch {
      // gone
    }
  }
}
