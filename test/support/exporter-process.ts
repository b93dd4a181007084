import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { waitFor } from "./http.js";

/** The built CLI (npm test builds it first). */
export const CLI = join(__dirname, "..", "..", "dist", "cli", "main.js");

export interface ExporterProcess {
  child: ChildProcess;
  /** http://127.0.0.1:PORT, from its "exporter listening" log line. */
  base: string;
  stdout(): string;
  stderr(): string;
}

/**
 * Starts `smt-monitor exporter` (JSON logs) with the given arguments on 127.0.0.1:0 and waits for its
 * "exporter listening" line; fails at once, with its stderr, when it exits instead. `ceilingMs` is a
 * ceiling, not a wait: a loaded machine starts a process slowly.
 */
export async function startExporterProcess(args: string[], ceilingMs = 20_000): Promise<ExporterProcess> {
  const child = spawn(process.execPath, [CLI, "exporter", ...args, "--web.listen-address", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const port = await waitFor(
    "listening log line",
    async () => {
      if (child.exitCode !== null) throw new Error(`exporter exited ${child.exitCode}: ${stderr}`);
      const line = stdout.split("\n").find((l) => l.includes('"exporter listening"'));
      return line ? Number((JSON.parse(line) as { address: string }).address.split(":").pop()) : undefined;
    },
    ceilingMs,
  );
  return { child, base: `http://127.0.0.1:${port}`, stdout: () => stdout, stderr: () => stderr };
}
