import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load.js";
import { runCheck } from "../src/probes/run.js";
import { generateSshKeyPair } from "../src/simulator/sftp-site.js";
import { startSimulatorFixture, type SimulatorFixture } from "./support/simulator-fixture.js";

let fx: SimulatorFixture;
let dir: string;

beforeAll(async () => {
  fx = await startSimulatorFixture();
  dir = mkdtempSync(join(tmpdir(), "smt-sftp-"));
});

afterAll(async () => {
  await fx?.stop();
});

const PATTERN = String.raw`'^IntervalMeterUsage(?<ts>\d{14})_\d+\.CSV\.\d+\.asc$'`;

/** One sftp check against the simulator; `auth` and `hostKey` are YAML lines of the sftp: block. */
function sftpCheck(options: { auth?: string; hostKey?: string; extra?: string; timeout?: string } = {}) {
  const sim = fx.sim;
  const yaml = `checks:
  - name: files
    service: ftps
    kind: sftp
    timeout: ${options.timeout ?? "5s"}
    sftp:
      host: 127.0.0.1
      port: ${sim.ports.sftp}
      username: ${sim.credentials.ftpsUsername}
      ${options.auth ?? `password_file: ${sim.files.ftpsPassword}`}
      ${options.hostKey ?? `host_key_sha256: "${sim.sftpHostKeySha256}"`}
      file_pattern: ${PATTERN}
      file_time: name
      max_file_age: 26h
      ${options.extra ?? "download: { max_bytes: 100 }"}
`;
  return parseConfig(yaml, join(dir, "c.yaml"), {}).checks[0]!;
}

describe("kind: sftp against the simulator", () => {
  it("logs in with a password, lists, finds the newest file and downloads up to max_bytes, timing every phase", async () => {
    const result = await runCheck(sftpCheck());
    expect(result.failure).toBeUndefined();
    expect(result.success).toBe(true);
    expect(Object.keys(result.phases).sort()).toEqual(["auth", "connect", "handshake", "list", "transfer"]);
    expect(result.newestFileTime).toBeGreaterThan(Date.now() / 1000 - 26 * 3600);
    expect(result.log.join("\n")).toMatch(/downloaded 100 bytes of IntervalMeterUsage\d{14}_\d+\.CSV\.\d+\.asc \(stopped at max_bytes\)/);
  });

  it("logs in with a passphrase-protected private key and a known_hosts file", async () => {
    const sim = fx.sim;
    const result = await runCheck(
      sftpCheck({
        auth: `private_key_file: ${sim.files.sftpPrivateKey}\n      passphrase_file: ${sim.files.sftpPassphrase}`,
        hostKey: `known_hosts: ${sim.files.sftpKnownHosts}`,
        extra: "",
      }),
    );
    expect(result.failure).toBeUndefined();
    expect(Object.keys(result.phases).sort()).toEqual(["auth", "connect", "handshake", "list"]);
  });

  it("finds the newest file by mtime too", async () => {
    const result = await runCheck(sftpMtime());
    expect(result.failure).toBeUndefined();
    expect(result.newestFileTime).toBeGreaterThan(Date.now() / 1000 - 26 * 3600);
  });

  it("refuses a host key that is not pinned, with reason ssh_host_key, and never tries to log in", async () => {
    const other = generateSshKeyPair("someone-else");
    const result = await runCheck(sftpCheck({ hostKey: `host_key_sha256: "${other.fingerprint}"` }));
    expect(result.failure?.reason).toBe("ssh_host_key");
    expect(result.failure?.message).toContain(fx.sim.sftpHostKeySha256);
    expect(result.phases.auth).toBeUndefined();
    expect(result.failure?.message).not.toContain(fx.sim.credentials.ftpsPassword);
  });

  it("refuses a changed key listed in known_hosts for the host", async () => {
    const other = generateSshKeyPair("old-key");
    const file = join(dir, "known_hosts_changed");
    const [type, blob] = other.public.trim().split(/\s+/);
    writeFileSync(file, `# the key SMT had before\n[127.0.0.1]:${fx.sim.ports.sftp} ${type} ${blob}\n`);
    const result = await runCheck(sftpCheck({ hostKey: `known_hosts: ${file}` }));
    expect(result.failure?.reason).toBe("ssh_host_key");
  });

  it("reports a refused login as sftp_auth, without the password", async () => {
    const pw = join(dir, "wrong-pw");
    writeFileSync(pw, "not-the-password");
    const result = await runCheck(sftpCheck({ auth: `password_file: ${pw}` }));
    expect(result.failure?.reason).toBe("sftp_auth");
    expect(result.failure?.message).not.toContain("not-the-password");
  });

  it("reports a directory that cannot be listed as sftp_list", async () => {
    const result = await runCheck(sftpCheck({ extra: "directory: /no-such-dir" }));
    expect(result.failure?.reason).toBe("sftp_list");
    expect(result.failure?.message).toContain("list");
  });

  it("fails as timeout when the server hangs after its banner, and closes the connection", async () => {
    expect(await fx.sim.setFault("ftps", "hang_after_banner")).toBeUndefined();
    try {
      const before = process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
      const start = performance.now();
      const result = await runCheck(sftpCheck({ timeout: "500ms" }));
      expect(result.failure?.reason).toBe("timeout");
      expect(performance.now() - start).toBeLessThan(1500);
      const deadline = Date.now() + 1000;
      while (process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length > before && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length).toBeLessThanOrEqual(before);
    } finally {
      await fx.sim.clearFaults();
    }
  });
});

function sftpMtime() {
  const sim = fx.sim;
  const yaml = `checks:
  - name: files
    service: ftps
    kind: sftp
    sftp:
      host: 127.0.0.1
      port: ${sim.ports.sftp}
      username: ${sim.credentials.ftpsUsername}
      password_file: ${sim.files.ftpsPassword}
      host_key_sha256: "${sim.sftpHostKeySha256}"
      file_pattern: '^IntervalMeterUsage'
      file_time: mtime
`;
  return parseConfig(yaml, join(dir, "m.yaml"), {}).checks[0]!;
}

describe("kind: sftp config", () => {
  const base = (lines: string) => `checks:
  - name: files
    service: ftps
    kind: sftp
    sftp:
      host: ftp.smartmetertexas.biz
      username: rep
${lines}
      file_pattern: x
`;
  const problems = (yaml: string, env: NodeJS.ProcessEnv = {}) => {
    try {
      parseConfig(yaml, join(dir, "smt.yaml"), env);
      return [];
    } catch (err) {
      return (err as Error).message.split("\n");
    }
  };

  it("requires the host key pinned, naming the file, line and field", () => {
    expect(problems(base("      password_env: PW"), { PW: "x" })).toEqual([
      expect.stringMatching(/smt\.yaml:6:7: checks\[0\]\.sftp: expected exactly one of host_key_sha256 or known_hosts/),
    ]);
  });

  it("refuses a fingerprint not in OpenSSH's SHA256: form", () => {
    const out = problems(base('      password_env: PW\n      host_key_sha256: "MD5:aa:bb"'), { PW: "x" });
    expect(out).toEqual([expect.stringMatching(/smt\.yaml:9:24: checks\[0\]\.sftp\.host_key_sha256: .*expected an OpenSSH fingerprint "SHA256:"/)]);
  });

  it("says when known_hosts has no key for the host and port", () => {
    const file = join(dir, "kh-empty");
    writeFileSync(file, "other.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJe9lKsc+BzIqX+zZeGjnHB3GZ5wr/+zIVKQ8LuM4Q8M\n");
    expect(problems(base(`      password_env: PW\n      known_hosts: ${file}`), { PW: "x" })).toEqual([
      expect.stringMatching(/checks\[0\]\.sftp\.known_hosts: known_hosts file .* has no key for ftp\.smartmetertexas\.biz: expected a line naming it/),
    ]);
  });

  it("wants exactly one way to log in, and a passphrase only with a key", () => {
    const kh = 'host_key_sha256: "SHA256:' + "A".repeat(43) + '"';
    expect(problems(base(`      ${kh}`))).toEqual([expect.stringMatching(/checks\[0\]\.sftp: expected exactly one way to log in/)]);
    expect(problems(base(`      ${kh}\n      password_env: PW\n      passphrase_env: PP`), { PW: "x", PP: "y" })).toEqual([
      expect.stringMatching(/checks\[0\]\.sftp: expected passphrase_env or passphrase_file only with a private key/),
    ]);
  });

  it("names a private key it cannot open with the passphrase given, without the key or the passphrase", () => {
    const key = generateSshKeyPair("k", "right-passphrase");
    const file = join(dir, "key");
    writeFileSync(file, key.private);
    const kh = 'host_key_sha256: "SHA256:' + "A".repeat(43) + '"';
    const out = problems(base(`      ${kh}\n      private_key_file: ${file}\n      passphrase_env: PP`), { PP: "wrong-passphrase" });
    expect(out).toEqual([expect.stringMatching(/checks\[0\]\.sftp\.private_key_file: expected an OpenSSH or PEM private key .*bad passphrase/)]);
    expect(out.join("\n")).not.toContain("wrong-passphrase");
    expect(out.join("\n")).not.toContain(readFileSync(file, "utf8").split("\n")[1]!);
  });
});
