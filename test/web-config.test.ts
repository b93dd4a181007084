import { mkdtempSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { Exporter } from "../src/exporter/exporter.js";
import { generateCertificates, type SimulatorCertificates } from "../src/simulator/certificates.js";
import { loadWebConfig } from "../src/web/web-config.js";
import { captureLogger } from "./support/capture-logger.js";
import { sample } from "./support/http.js";
import { REVIEWER, startNotifier } from "./support/notifier-fixture.js";

/**
 * Issue 14 item 1: --web.config.file (exporter-toolkit format) puts TLS, client certificates and
 * basic auth with bcrypt hashes in front of the exporter and the notifier's /metrics.
 */

const dir = mkdtempSync(join(tmpdir(), "smt-web-config-"));
let certs: SimulatorCertificates;
const PROM = { user: "prometheus", password: "scrape-password-0123" };
let promHash: string;

beforeAll(() => {
  certs = generateCertificates();
  writeFileSync(join(dir, "ca.pem"), certs.ca.cert);
  writeFileSync(join(dir, "server.pem"), certs.server.cert);
  writeFileSync(join(dir, "server.key"), certs.server.key);
  promHash = bcrypt.hashSync(PROM.password, 10);
  writeFileSync(join(dir, "exporter.yaml"), 'listen_address: "127.0.0.1:0"\nlocation: test\n');
});

function webConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTPS request over a real socket, trusting the test CA (and presenting a client certificate when given). */
function httpsGet(url: string, o: { auth?: { user: string; password: string }; cert?: string; key?: string; method?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (o.auth) headers.authorization = `Basic ${Buffer.from(`${o.auth.user}:${o.auth.password}`).toString("base64")}`;
    const req = httpsRequest(url, { method: o.method ?? "GET", ca: certs.ca.cert, cert: o.cert, key: o.key, headers, agent: false }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("exporter behind a web config with TLS and basic auth", () => {
  let exporter: Exporter;
  let port: number;
  let file: string;

  beforeAll(async () => {
    file = webConfig(
      "web-tls-auth.yaml",
      `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\nhttp_server_config:\n  headers:\n    Strict-Transport-Security: max-age=31536000\nbasic_auth_users:\n  ${PROM.user}: ${promHash}\n`,
    );
    exporter = new Exporter({
      configFile: join(dir, "exporter.yaml"),
      logger: captureLogger().logger,
      webConfigFile: file,
      listenAddress: { host: "127.0.0.1", port: 0 },
    });
    ({ port } = await exporter.start());
  });
  afterAll(async () => {
    await exporter?.stop();
  });

  it("serves /metrics over TLS to a client that trusts the CA and has the credentials", async () => {
    const res = await httpsGet(`https://localhost:${port}/metrics`, { auth: PROM });
    expect(res.status).toBe(200);
    expect(sample(res.body, "smt_exporter_build_info")).toBe(1);
    expect(res.headers["strict-transport-security"]).toBe("max-age=31536000");
  });

  it("does not answer plain HTTP on the TLS port", async () => {
    const outcome = await fetch(`http://127.0.0.1:${port}/metrics`).then(
      (res) => res.status,
      () => "refused",
    );
    expect(outcome).not.toBe(200);
  });

  it("answers 401 without or with wrong credentials, on every endpoint", async () => {
    for (const path of ["/metrics", "/", "/-/healthy", "/-/ready", "/-/reload"]) {
      const none = await httpsGet(`https://localhost:${port}${path}`);
      expect(none.status, path).toBe(401);
      expect(none.headers["www-authenticate"]).toMatch(/^Basic /);
      expect((await httpsGet(`https://localhost:${port}${path}`, { auth: { user: PROM.user, password: "wrong" } })).status, path).toBe(401);
      expect((await httpsGet(`https://localhost:${port}${path}`, { auth: { user: "nobody", password: PROM.password } })).status, path).toBe(401);
    }
  });

  it("verifies the same credentials with bcrypt once, not at every scrape", async () => {
    const slowHash = bcrypt.hashSync("cost-twelve-password", 12);
    const cached = webConfig(
      "web-cost12.yaml",
      `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\nbasic_auth_users:\n  slow: ${slowHash}\n`,
    );
    const other = new Exporter({
      configFile: join(dir, "exporter.yaml"),
      logger: captureLogger().logger,
      webConfigFile: cached,
      listenAddress: { host: "127.0.0.1", port: 0 },
    });
    const { port: otherPort } = await other.start();
    try {
      const auth = { user: "slow", password: "cost-twelve-password" };
      const t0 = performance.now();
      expect((await httpsGet(`https://localhost:${otherPort}/metrics`, { auth })).status).toBe(200);
      const first = performance.now() - t0;
      const t1 = performance.now();
      for (let i = 0; i < 5; i++) expect((await httpsGet(`https://localhost:${otherPort}/-/healthy`, { auth })).status).toBe(200);
      const fiveMore = performance.now() - t1;
      // Cost 12 takes a few hundred ms in bcryptjs; five cached checks take a few ms each.
      expect(fiveMore).toBeLessThan(first);
    } finally {
      await other.stop();
    }
  });

  it("re-reads the web config at reload: a new hash replaces the old one", async () => {
    const rotated = { user: PROM.user, password: "rotated-password-4567" };
    writeFileSync(
      file,
      `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\nbasic_auth_users:\n  ${PROM.user}: ${bcrypt.hashSync(rotated.password, 4)}\n`,
    );
    expect(await exporter.reload()).toEqual({ ok: true });
    expect((await httpsGet(`https://localhost:${port}/metrics`, { auth: PROM })).status).toBe(401);
    expect((await httpsGet(`https://localhost:${port}/metrics`, { auth: rotated })).status).toBe(200);
    // A bad web config at reload keeps the one in force.
    writeFileSync(file, `basic_auth_users:\n  ${PROM.user}: plaintext\n`);
    const bad = await exporter.reload();
    expect(bad.ok).toBe(false);
    expect((await httpsGet(`https://localhost:${port}/metrics`, { auth: rotated })).status).toBe(200);
  });
});

describe("exporter with mutual TLS", () => {
  it("requires a client certificate signed by client_ca_file", async () => {
    const file = webConfig("web-mtls.yaml", "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_ca_file: ca.pem\n");
    const exporter = new Exporter({
      configFile: join(dir, "exporter.yaml"),
      logger: captureLogger().logger,
      webConfigFile: file,
      listenAddress: { host: "127.0.0.1", port: 0 },
    });
    const { port } = await exporter.start();
    try {
      await expect(httpsGet(`https://localhost:${port}/metrics`)).rejects.toThrow();
      const res = await httpsGet(`https://localhost:${port}/metrics`, { cert: certs.client.cert, key: certs.client.key });
      expect(res.status).toBe(200);
    } finally {
      await exporter.stop();
    }
  });
});

describe("client_auth_type that ask for a certificate without always verifying it", () => {
  async function exporterWith(type: string) {
    const file = webConfig(
      `web-${type}.yaml`,
      `tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_ca_file: ca.pem\n  client_auth_type: ${type}\n`,
    );
    const exporter = new Exporter({
      configFile: join(dir, "exporter.yaml"),
      logger: captureLogger().logger,
      webConfigFile: file,
      listenAddress: { host: "127.0.0.1", port: 0 },
    });
    const { port } = await exporter.start();
    return { exporter, url: `https://localhost:${port}/metrics` };
  }
  const status = (p: Promise<Answer>) =>
    p.then(
      (r) => r.status,
      () => "refused",
    );

  it("VerifyClientCertIfGiven: none is fine, one from the CA is fine, one from another CA is refused", async () => {
    const stranger = generateCertificates().client;
    const { exporter, url } = await exporterWith("VerifyClientCertIfGiven");
    try {
      expect(await status(httpsGet(url))).toBe(200);
      expect(await status(httpsGet(url, { cert: certs.client.cert, key: certs.client.key }))).toBe(200);
      expect(await status(httpsGet(url, { cert: stranger.cert, key: stranger.key }))).toBe("refused");
    } finally {
      await exporter.stop();
    }
  });

  it("RequireAnyClientCert: none is refused, any certificate is accepted", async () => {
    const stranger = generateCertificates().client;
    const { exporter, url } = await exporterWith("RequireAnyClientCert");
    try {
      expect(await status(httpsGet(url))).toBe("refused");
      expect(await status(httpsGet(url, { cert: stranger.cert, key: stranger.key }))).toBe(200);
    } finally {
      await exporter.stop();
    }
  });
});

describe("notifier behind a web config", () => {
  it("serves TLS on the whole listener; basic_auth_users guard /metrics and health, reviewers keep their own auth", async () => {
    const file = webConfig(
      "web-notifier.yaml",
      `tls_server_config:\n  cert_file: ${join(dir, "server.pem")}\n  key_file: ${join(dir, "server.key")}\nbasic_auth_users:\n  ${PROM.user}: ${promHash}\n`,
    );
    const n = await startNotifier({ webConfigFile: file });
    const base = n.url.replace("http://127.0.0.1", "https://localhost");
    try {
      expect((await httpsGet(`${base}/metrics`)).status).toBe(401);
      expect((await httpsGet(`${base}/-/ready`)).status).toBe(401);
      expect((await httpsGet(`${base}/metrics`, { auth: { user: PROM.user, password: "wrong" } })).status).toBe(401);
      const metrics = await httpsGet(`${base}/metrics`, { auth: PROM });
      expect(metrics.status).toBe(200);
      // Default process metrics without a prefix, and build info.
      expect(metrics.body).toMatch(/^process_cpu_user_seconds_total /m);
      expect(metrics.body).toMatch(/^nodejs_heap_size_total_bytes /m);
      expect(metrics.body).not.toContain("smt_notifier_process_");
      expect(sample(metrics.body, "smt_notifier_build_info")).toBe(1);
      // The review pages: the reviewers' credentials, not the web config's users.
      expect((await httpsGet(`${base}/notices`, { auth: { user: REVIEWER.name, password: REVIEWER.password } })).status).toBe(200);
      expect((await httpsGet(`${base}/notices`, { auth: PROM })).status).toBe(401);
    } finally {
      await n.stop();
    }
  });
});

describe("web config validation", () => {
  const problems = (name: string, text: string): string => {
    try {
      loadWebConfig(webConfig(name, text));
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error("expected a ConfigError");
  };

  it("refuses a plaintext password without echoing it, naming file, line and field", () => {
    const message = problems("plain.yaml", "basic_auth_users:\n  alice: hunter2-plaintext\n");
    expect(message).toContain(`${join(dir, "plain.yaml")}:2:10: basic_auth_users.alice: expected a bcrypt hash`);
    expect(message).toContain("plaintext passwords are refused");
    expect(message).not.toContain("hunter2");
  });

  it("names unknown fields, wrong client_auth_type, missing files and a CA-less verification", () => {
    expect(problems("unknown.yaml", "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  cipher_suites: [x]\n")).toContain(
      ":4:18: tls_server_config.cipher_suites: unknown field",
    );
    expect(problems("type.yaml", "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: Sometimes\n")).toMatch(
      /:4:21: tls_server_config\.client_auth_type: expected one of "NoClientCert"/,
    );
    expect(problems("missing.yaml", "tls_server_config:\n  cert_file: nope.pem\n  key_file: server.key\n")).toMatch(
      /:2:14: tls_server_config\.cert_file: cannot read .*nope\.pem: ENOENT/,
    );
    expect(
      problems("noca.yaml", "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n"),
    ).toContain("needs client_ca_file");
    expect(problems("pair.yaml", "tls_server_config:\n  cert_file: ca.pem\n  key_file: server.key\n")).toContain("not a usable TLS pair");
  });
});
