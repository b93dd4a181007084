import { mkdtempSync, rmSync, writeFileSync, type Stats } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import ftpSrvModule from "ftp-srv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import { runCheck } from "../src/probes/run.js";
import { generateCertificates } from "../src/simulator/certificates.js";
// Its AUTH TLS handler (TLS wrap in the same tick as the 234 reply) is installed on import.
import "../src/simulator/ftps-site.js";

const { FtpSrv, FileSystem } = ftpSrvModule;

/**
 * Issue 16, item 4: FTPS listings are read up to 16 MiB. A test-only FTPS server (ftp-srv) whose
 * directory "/huge" lists 20 MiB of entries (20,480 names of about 1 KiB) and "/few" three.
 */
const dir = mkdtempSync(join(tmpdir(), "smt-bounded-ftps-"));
let server: InstanceType<typeof FtpSrv>;
let port: number;
const ENTRY_NAME_LENGTH = 1000;
const HUGE_ENTRIES = 20_480;

function stat(name: string, directory: boolean) {
  return { name, size: 100, mtime: new Date(Date.UTC(2026, 2, 1, 11, 30)), mode: 0o644, uid: 1, gid: 1, isDirectory: () => directory };
}

class ListingSite extends FileSystem {
  override async get(fileName: string) {
    return stat(fileName, !fileName.includes("IntervalMeterUsage"));
  }
  override async list(path = ".") {
    const n = path.includes("huge") ? HUGE_ENTRIES : 3;
    return Array.from({ length: n }, (_, i) => stat(`IntervalMeterUsage${String(i).padStart(8, "0")}${"x".repeat(ENTRY_NAME_LENGTH)}.csv`, false));
  }
  override async read() {
    return { stream: Readable.from([Buffer.alloc(100, "a")]), clientPath: "/file" };
  }
}

beforeAll(async () => {
  const certs = generateCertificates();
  writeFileSync(join(dir, "ca.pem"), certs.ca.cert);
  writeFileSync(join(dir, "pw"), "secret-pw\n");
  const signals = ["SIGTERM", "SIGINT", "SIGQUIT"].map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))] as const);
  server = new FtpSrv({
    url: "ftp://127.0.0.1:0",
    pasv_url: "127.0.0.1",
    pasv_min: 47400,
    pasv_max: 47499,
    tls: { key: certs.server.key, cert: certs.server.cert },
    anonymous: false,
    // One short line per entry, as SMT's server writes them (ftp-srv's own format adds a date library call per entry).
    file_format: (f: Stats) => `-rw-r--r-- 1 1 1 ${f.size} Mar 01 05:30 ${(f as Stats & { name: string }).name}`,
    log: {
      trace() {},
      debug() {},
      info() {},
      warn() {},
      error() {},
      fatal() {},
      child() {
        return this;
      },
    } as never,
  });
  for (const [signal, keep] of signals) for (const l of process.listeners(signal as NodeJS.Signals)) if (!keep.has(l)) process.removeListener(signal, l);
  server.on("login", (_data, resolve) => resolve({ fs: new ListingSite(null as never, { root: dir, cwd: "/" }) }));
  await server.listen();
  port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function ftpsCheck(directory: string) {
  const file = join(dir, `${directory.replace(/\W/g, "")}.yaml`);
  writeFileSync(
    file,
    `checks:
  - name: files
    service: ftps
    kind: ftps
    timeout: 20s
    interval: 30s
    ftps:
      host: 127.0.0.1
      port: ${port}
      username: rep
      password_file: pw
      tls: { ca_file: ca.pem }
      directory: ${directory}
      file_pattern: '^IntervalMeterUsage'
`,
  );
  return loadConfig(file).checks[0]!;
}

describe("an FTPS listing", () => {
  it("of 20 MiB fails with ftp_list naming the 16 MiB cap", async () => {
    const result = await runCheck(ftpsCheck("/huge"));
    expect(result.failure).toEqual({ reason: "ftp_list", message: "the listing of /huge exceeded 16 MiB" });
  }, 30_000);

  it("of a few entries is read", async () => {
    const result = await runCheck(ftpsCheck("/few"));
    expect(result.failure).toBeUndefined();
  }, 30_000);
});
