import { execFile, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { SIMULATOR_PACKAGES } from "../src/simulator/simulator-packages.js";

/**
 * Issue 14 item 9: the simulator's packages (ftp-srv, node-forge) are development dependencies. The
 * production tree (what `npm prune --omit=dev` keeps in the Docker image) has neither; a clone after
 * `npm ci` runs the simulator; an installation without them says so in one line, exit 1.
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const CLI = join(root, "dist", "cli", "main.js");
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A production installation: the built dist/ and package.json, node_modules without the simulator's packages. */
function productionInstall(): string {
  const dir = mkdtempSync(join(tmpdir(), "smt-prod-install-"));
  dirs.push(dir);
  cpSync(join(root, "dist"), join(dir, "dist"), { recursive: true });
  cpSync(join(root, "package.json"), join(dir, "package.json"));
  mkdirSync(join(dir, "node_modules"));
  for (const entry of readdirSync(join(root, "node_modules"))) {
    if ((SIMULATOR_PACKAGES as readonly string[]).includes(entry)) continue;
    symlinkSync(join(root, "node_modules", entry), join(dir, "node_modules", entry));
  }
  return dir;
}

const PORT_OPTIONS = ["--admin-port", "0", "--gui-port", "0", "--api-port", "0", "--han-port", "0", "--ftps-port", "0", "--sftp-port", "0"];

describe("simulator-only packages", () => {
  it("are not in the production dependency tree (npm ls --omit=dev)", async () => {
    const { stdout } = await run("npm", ["ls", "--omit=dev", "--all", "--parseable"], { cwd: root, maxBuffer: 16 << 20 });
    const production = stdout.split("\n").filter(Boolean);
    expect(production.length).toBeGreaterThan(10);
    for (const pkg of SIMULATOR_PACKAGES)
      expect(
        production.filter((p) => p.endsWith(`/node_modules/${pkg}`)),
        pkg,
      ).toEqual([]);
  });

  it("smt-monitor simulate without them: one line naming the dev dependencies, exit 1, no stack trace", async () => {
    const dir = productionInstall();
    const result = await run(process.execPath, [join(dir, "dist", "cli", "main.js"), "simulate", "--state-dir", join(dir, "state"), ...PORT_OPTIONS], {
      cwd: dir,
      timeout: 20_000,
    }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code?: number; stderr?: string }) => ({ code: err.code, stderr: err.stderr ?? "" }),
    );
    expect(result.code, result.stderr).toBe(1);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines, result.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^smt-monitor simulate: the simulator needs the development dependencies \(ftp-srv, node-forge\); (ftp-srv|node-forge) is not installed/,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("smt-monitor simulate with them (a clone after npm ci) listens and stops on SIGTERM", async () => {
    const state = mkdtempSync(join(tmpdir(), "smt-sim-state-"));
    dirs.push(state);
    const child = spawn(process.execPath, [CLI, "simulate", "--state-dir", state, ...PORT_OPTIONS], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("simulator listening")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`simulate exited with ${code} before listening: ${out}`)));
    });
    const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  });
});
