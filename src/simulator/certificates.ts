import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";

export interface KeyAndCert {
  key: string;
  cert: string;
}

export interface SimulatorCertificates {
  ca: KeyAndCert;
  /** Valid for a year, for localhost, 127.0.0.1 and ::1. */
  server: KeyAndCert;
  /** Same names, but expired yesterday (fault expired_cert). */
  expiredServer: KeyAndCert;
  /** A client certificate for the legacy mutual-TLS API. */
  client: KeyAndCert;
}

const DAY = 86_400_000;

function rsaKey(): { forgeKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem);
  return { forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), pem };
}

function serial(): string {
  const bytes = randomBytes(12);
  bytes[0]! &= 0x7f;
  return bytes.toString("hex");
}

/** Certificates generated at start: a private CA and leaves signed by it. */
export function generateCertificates(now: number = Date.now()): SimulatorCertificates {
  const caKey = rsaKey();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = caKey.publicKey;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = new Date(now - DAY);
  caCert.validity.notAfter = new Date(now + 5 * 365 * DAY);
  const caSubject = [
    { name: "commonName", value: "SMT simulator CA" },
    { name: "organizationName", value: "smt-monitor" },
  ];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(caKey.forgeKey, forge.md.sha256.create());

  const leaf = (commonName: string, notBefore: number, notAfter: number, usage: "server" | "client"): KeyAndCert => {
    const key = rsaKey();
    const cert = forge.pki.createCertificate();
    cert.publicKey = key.publicKey;
    cert.serialNumber = serial();
    cert.validity.notBefore = new Date(notBefore);
    cert.validity.notAfter = new Date(notAfter);
    cert.setSubject([{ name: "commonName", value: commonName }]);
    cert.setIssuer(caSubject);
    const extensions: object[] = [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: usage === "server", clientAuth: usage === "client" },
    ];
    if (usage === "server") {
      extensions.push({
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      });
    }
    cert.setExtensions(extensions);
    cert.sign(caKey.forgeKey, forge.md.sha256.create());
    return { key: key.pem, cert: forge.pki.certificateToPem(cert) };
  };

  return {
    ca: { key: caKey.pem, cert: forge.pki.certificateToPem(caCert) },
    server: leaf("localhost", now - DAY, now + 365 * DAY, "server"),
    expiredServer: leaf("localhost", now - 60 * DAY, now - DAY, "server"),
    client: leaf("smt-monitor-probe", now - DAY, now + 365 * DAY, "client"),
  };
}
