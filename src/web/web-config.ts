import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createSecureContext, type SecureContextOptions, type SecureVersion } from "node:tls";
import { z } from "zod";
import { readConfigFile } from "../config/config-file.js";
import { ConfigError, type ConfigProblem } from "../config/errors.js";
import { toProblem } from "../config/schema-problem.js";
import { YamlSource } from "../config/yaml-source.js";

/**
 * The web config of `--web.config.file`, in the Prometheus exporter-toolkit format
 * (https://prometheus.io/docs/prometheus/latest/configuration/https/): TLS for the listener,
 * optional client certificates, response headers, and basic-auth users with bcrypt hashes.
 * Fields of the toolkit this service does not implement (cipher_suites, curve_preferences,
 * prefer_server_cipher_suites, http2) are refused rather than silently ignored.
 */

/** How a client certificate is asked for and checked; the names are Go's tls.ClientAuthType. */
export const CLIENT_AUTH_TYPES = [
  "NoClientCert",
  "RequestClientCert",
  "RequireAnyClientCert",
  "VerifyClientCertIfGiven",
  "RequireAndVerifyClientCert",
] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

/** TLS versions as the toolkit names them; Node (OpenSSL 3) serves TLS 1.2 and 1.3 only. */
const TLS_VERSIONS = { TLS12: "TLSv1.2", TLS13: "TLSv1.3" } as const satisfies Record<string, SecureVersion>;

/** Response headers a web config may set (the toolkit's list). */
export const WEB_CONFIG_HEADERS = [
  "Content-Security-Policy",
  "X-Frame-Options",
  "X-Content-Type-Options",
  "X-XSS-Protection",
  "Strict-Transport-Security",
] as const;

/** A bcrypt hash as htpasswd -B and Go's bcrypt write it: $2a$, $2b$ or $2y$, cost, 53 characters. */
const BCRYPT_HASH = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** At most this many basic-auth users (a web config lists a handful: Prometheus, an operator). */
export const MAX_BASIC_AUTH_USERS = 100;

const tlsServerConfig = z
  .object({
    cert_file: z.string().min(1),
    key_file: z.string().min(1),
    client_auth_type: z.enum(CLIENT_AUTH_TYPES).optional(),
    client_ca_file: z.string().min(1).optional(),
    min_version: z.enum(["TLS12", "TLS13"]).default("TLS12"),
    max_version: z.enum(["TLS12", "TLS13"]).default("TLS13"),
  })
  .strict();

const webConfigSchema = z
  .object({
    tls_server_config: tlsServerConfig.optional(),
    http_server_config: z
      .object({ headers: z.partialRecord(z.enum(WEB_CONFIG_HEADERS), z.string().max(4096)).optional() })
      .strict()
      .optional(),
    basic_auth_users: z.record(z.string().min(1).max(256), z.string()).optional(),
  })
  .strict();

export interface WebTls {
  /** Options for https.createServer / server.setSecureContext. */
  options: SecureContextOptions & { requestCert: boolean; rejectUnauthorized: boolean };
  clientAuthType: ClientAuthType;
}

/** A validated web config: TLS material read, users with their hashes. */
export interface WebConfig {
  file: string;
  tls?: WebTls;
  headers: Record<string, string>;
  /** user -> bcrypt hash; empty: no basic auth. */
  users: ReadonlyMap<string, string>;
}

/** Reads and validates a web config file; throws ConfigError naming file, line, field and what was expected. */
export function loadWebConfig(file: string): WebConfig {
  return parseWebConfig(readConfigFile(file), file);
}

export function parseWebConfig(text: string, file: string): WebConfig {
  const { source, problems } = YamlSource.parse(text);
  if (!source) throw new ConfigError(file, problems);
  const parsed = webConfigSchema.safeParse(source.value(), { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => {
        // Never echo what was written as a password hash: it may be a plaintext password.
        if (issue.path[0] === "basic_auth_users" && issue.path.length === 2 && issue.code === "invalid_type") {
          return { path: issue.path as (string | number)[], message: "expected a bcrypt hash (a string)", ...source.locate(issue.path) };
        }
        return toProblem(issue, source);
      }),
    );
  }
  const raw = parsed.data;
  const found: ConfigProblem[] = [];
  const problem = (path: (string | number)[], message: string) => found.push({ path, message, ...source.locate(path) });

  const users = new Map<string, string>();
  const entries = Object.entries(raw.basic_auth_users ?? {});
  if (entries.length > MAX_BASIC_AUTH_USERS) problem(["basic_auth_users"], `expected at most ${MAX_BASIC_AUTH_USERS} users, got ${entries.length}`);
  for (const [user, hash] of entries) {
    if (user.includes(":")) problem(["basic_auth_users", user], 'a user name cannot contain ":" (HTTP basic auth splits on it)');
    const match = BCRYPT_HASH.exec(hash);
    if (!match) {
      problem(
        ["basic_auth_users", user],
        'expected a bcrypt hash ("$2y$10$" and 53 characters, e.g. from `htpasswd -nBC 10 USER`); plaintext passwords are refused',
      );
    } else if (Number(match[1]) < 4 || Number(match[1]) > 31) {
      problem(["basic_auth_users", user], `expected a bcrypt cost from 4 to 31, got ${Number(match[1])}`);
    } else {
      users.set(user, hash);
    }
  }

  let tls: WebTls | undefined;
  const t = raw.tls_server_config;
  if (t) {
    const base = dirname(resolve(file));
    const read = (field: string, path: string): string | undefined => {
      try {
        return readFileSync(resolve(base, path), "utf8");
      } catch (err) {
        problem(["tls_server_config", field], `cannot read ${resolve(base, path)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        return undefined;
      }
    };
    const cert = read("cert_file", t.cert_file);
    const key = read("key_file", t.key_file);
    const ca = t.client_ca_file === undefined ? undefined : read("client_ca_file", t.client_ca_file);
    // As the toolkit: a client CA without a type means certificates are required and verified.
    const clientAuthType: ClientAuthType = t.client_auth_type ?? (t.client_ca_file ? "RequireAndVerifyClientCert" : "NoClientCert");
    if ((clientAuthType === "VerifyClientCertIfGiven" || clientAuthType === "RequireAndVerifyClientCert") && t.client_ca_file === undefined) {
      problem(["tls_server_config", "client_auth_type"], `${clientAuthType} needs client_ca_file (the CA that signs the client certificates)`);
    }
    if (t.min_version === "TLS13" && t.max_version === "TLS12") problem(["tls_server_config", "max_version"], "expected max_version not below min_version");
    if (cert !== undefined && key !== undefined) {
      const options = {
        cert,
        key,
        ca,
        minVersion: TLS_VERSIONS[t.min_version],
        maxVersion: TLS_VERSIONS[t.max_version],
        requestCert: clientAuthType !== "NoClientCert",
        rejectUnauthorized: clientAuthType === "RequireAndVerifyClientCert",
      };
      const bad = tlsProblem(options);
      if (bad) problem(["tls_server_config", "key_file"], bad);
      tls = { options, clientAuthType };
    }
  }
  if (found.length > 0) throw new ConfigError(file, found);
  return { file, tls, headers: { ...(raw.http_server_config?.headers ?? {}) }, users };
}

/** Whether Node accepts the certificate and key (and CA) as a TLS server context; the reason if not. */
function tlsProblem(options: SecureContextOptions): string | undefined {
  try {
    createSecureContext(options);
    return undefined;
  } catch (err) {
    return `the certificate and key are not a usable TLS pair: ${(err as Error).message}`;
  }
}
