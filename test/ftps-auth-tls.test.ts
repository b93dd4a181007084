import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import { runCheck } from "../src/probes/run.js";
import { waitFor } from "./support/http.js";

const CLI = join(__dirname, "..", "dist", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "smt-ftps-race-"));
let sim: ChildProcess | undefined;

afterAll(() => {
  sim?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Regression: ftp-srv wrapped the control socket in TLS only after its "234" reply was flushed, so
 * a client's ClientHello could reach the plain-text command parser first (seen as
 * ERR_SSL_WRONG_VERSION_NUMBER, a false FTPS outage in the demo on a busy machine). The simulator
 * answers AUTH TLS and wraps the socket in one tick. Many concurrent sessions against a simulator in
 * its own process (as in the demo) must all succeed.
 */
it("many concurrent FTPS sessions against a separate simulator process all negotiate TLS", async () => {
  const state = join(dir, "sim");
  sim = spawn(
    process.execPath,
    [
      CLI,
      "simulate",
      "--state-dir",
      state,
      "--admin-port",
      "0",
      "--gui-port",
      "0",
      "--api-port",
      "0",
      "--han-port",
      "0",
      "--ftps-port",
      "0",
      "--sftp-port",
      "0",
      "--pasv-range",
      "47100-47299",
    ],
    { stdio: "ignore" },
  );
  await waitFor("simulator ports", async () => (existsSync(join(state, "ports.json")) ? true : undefined), 20_000);
  const ports = JSON.parse(readFileSync(join(state, "ports.json"), "utf8")) as { ftps: number };
  const file = join(dir, "c.yaml");
  writeFileSync(
    file,
    `checks:
  - name: files
    service: ftps
    kind: ftps
    ftps:
      host: 127.0.0.1
      port: ${ports.ftps}
      username: rep-of-record
      password_file: ${join(state, "ftps-password")}
      tls: { ca_file: ${join(state, "ca.pem")} }
      file_pattern: '^IntervalMeterUsage'
`,
  );
  const [check] = loadConfig(file).checks;
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 20; i++) {
        const result = await runCheck(check!);
        if (result.failure) failures.push(`${result.failure.reason}: ${result.failure.message}`);
      }
    }),
  );
  expect(failures).toEqual([]);
});
