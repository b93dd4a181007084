import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TLSSocket } from "node:tls";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.js";
import { runCheck } from "../src/probes/run.js";

// What an HTTPS probe reads of the peer's certificates: the leaf for the host-name check and the
// presented chain's expiry, never Node's detailed chain (docs/performance.md, "CPU per probe").

const DAY = 86_400_000;
const now = Date.now();
/** Whole seconds: X.509 times carry no fraction. */
const at = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

interface Issued {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  pem: string;
  keyPem: string;
}

function issue(commonName: string, notAfter: Date, issuer: Issued | undefined, kind: "ca" | "server"): Issued {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const serial = randomBytes(12);
  serial[0]! &= 0x7f;
  cert.serialNumber = serial.toString("hex");
  cert.validity.notBefore = new Date(now - DAY);
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: "commonName", value: commonName }]);
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : [{ name: "commonName", value: commonName }]);
  cert.setExtensions(
    kind === "ca"
      ? [
          { name: "basicConstraints", cA: true, critical: true },
          { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
        ]
      : [
          { name: "basicConstraints", cA: false },
          { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
          { name: "extKeyUsage", serverAuth: true },
          { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
        ],
  );
  cert.sign(issuer?.key ?? key, forge.md.sha256.create());
  return { cert, key, pem: forge.pki.certificateToPem(cert), keyPem };
}

// Root (ten years) -> intermediate (expires in 30 days) -> leaf for 127.0.0.1 (a year).
const root = issue("Test root", at(now + 3650 * DAY), undefined, "ca");
const intermediateNotAfter = at(now + 30 * DAY);
const intermediate = issue("Test intermediate", intermediateNotAfter, root, "ca");
const leaf = issue("127.0.0.1", at(now + 365 * DAY), intermediate, "server");

const dir = mkdtempSync(join(tmpdir(), "smt-tls-peer-"));
let server: Server;
let port = 0;

beforeAll(async () => {
  // The server presents its leaf and the intermediate; the root is only in the checker's ca_file.
  server = createServer({ key: leaf.keyPem, cert: `${leaf.pem}${intermediate.pem}` }, (_req, res) => res.end("Smart Meter Texas"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
  writeFileSync(join(dir, "root.pem"), root.pem);
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function check(name: string, tls: string) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `listen_address: "127.0.0.1:0"
location: test
checks:
  - name: ${name}
    service: gui
    kind: http
    http:
      url: https://127.0.0.1:${port}/
      body_must_match: ["Smart Meter Texas"]
      tls: { ${tls} }
`,
  );
  return loadConfig(file).checks[0]!;
}

/** Runs the check and records every getPeerCertificate call made meanwhile (Node's own and ours), by its `detailed` argument. */
async function runRecordingReads(name: string, tls: string) {
  const original = TLSSocket.prototype.getPeerCertificate;
  const reads: boolean[] = [];
  TLSSocket.prototype.getPeerCertificate = function (this: TLSSocket, detailed?: boolean) {
    reads.push(detailed === true);
    return original.call(this, detailed as true);
  } as TLSSocket["getPeerCertificate"];
  try {
    return { result: await runCheck(check(name, tls)), reads };
  } finally {
    TLSSocket.prototype.getPeerCertificate = original;
  }
}

describe("HTTPS probe: what it reads of the peer's certificates", () => {
  it("a verified chain: success, the earliest notAfter of the presented chain, and no detailed chain read", async () => {
    const { result, reads } = await runRecordingReads("verified", `ca_file: ${join(dir, "root.pem")}`);
    expect(result.failure).toBeUndefined();
    expect(result.certNotAfter).toBe(intermediateNotAfter.getTime() / 1000);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((detailed) => detailed)).toEqual([]);
  });

  it("a host name the leaf does not carry: tls failure naming it, expiry still read, no detailed chain read", async () => {
    const { result, reads } = await runRecordingReads("wrong_name", `ca_file: ${join(dir, "root.pem")}, server_name: portal.example.com`);
    expect(result.failure?.reason).toBe("tls");
    expect(result.failure?.message).toMatch(/certificate does not match host: .*portal\.example\.com/);
    expect(result.certNotAfter).toBe(intermediateNotAfter.getTime() / 1000);
    expect(reads.filter((detailed) => detailed)).toEqual([]);
  });

  it("an untrusted chain: tls failure, expiry still read; insecure_skip_verify accepts it", async () => {
    const untrusted = await runRecordingReads("untrusted", "min_version: TLSv1.2");
    expect(untrusted.result.failure?.reason).toBe("tls");
    expect(untrusted.result.failure?.message).toMatch(/certificate verification failed/);
    expect(untrusted.result.certNotAfter).toBe(intermediateNotAfter.getTime() / 1000);
    const insecure = await runRecordingReads("insecure", "insecure_skip_verify: true");
    expect(insecure.result.failure).toBeUndefined();
    expect(insecure.result.certNotAfter).toBe(intermediateNotAfter.getTime() / 1000);
    expect([...untrusted.reads, ...insecure.reads].filter((detailed) => detailed)).toEqual([]);
  });
});
