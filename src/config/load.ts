import { createHash } from "node:crypto";
import { readConfigFile } from "./config-file.js";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createSecureContext, type SecureContext } from "node:tls";
import { ConfigError, type ConfigProblem } from "./errors.js";
import { toProblem } from "./schema-problem.js";
import { freshnessWarnings } from "./availability-freshness.js";
import { SOURCE_ADDRESS_KINDS, sourceAddressProblem } from "./source-address.js";
import type { ResolvedCheck, ResolvedTls, TlsMaterial } from "./resolved-check.js";
import { parseListenAddress } from "./listen-address.js";

export { parseListenAddress };
import { YamlSource } from "./yaml-source.js";
import { exporterConfig, type CheckConfig, type ExporterConfig, type SecretSource, type SftpProbeSettings, type TlsSettings } from "./schema.js";
import { knownHostFingerprints } from "./known-hosts.js";
import ssh2 from "ssh2";
// ssh2 is CommonJS: Node gives an ES module its module.exports as the default export only.
const sshUtils = ssh2.utils;
import { secretRedactor } from "../secrets/redactor.js";
import { resolveMarketData, type MarketData } from "./market-data-load.js";

/** The checks as the probes get them (resolved-check.ts, a module the market-data sections share). */
export type { ResolvedCheck, ResolvedTls, TlsMaterial };

export interface LoadedConfig {
  file: string;
  raw: ExporterConfig;
  listen: { host?: string; port: number };
  location: string;
  maxConcurrency: number;
  checks: ResolvedCheck[];
  /** The energy_data: and market_figures: sections, resolved (src/config/market-data-load.ts). */
  marketData: MarketData;
  /** What the file allows but probably does not mean (check-config prints them, the exporter logs them): file, line, field. */
  warnings: ConfigProblem[];
}

/** Reads, validates and resolves a config file; throws ConfigError naming every problem found. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const config = resolveConfigFile(file, env);
  registerConfigSecrets(config);
  return config;
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const config = resolveConfig(text, file, env);
  registerConfigSecrets(config);
  return config;
}

/** Reads, validates and resolves a config file without registering its secrets (see registerConfigSecrets). */
export function resolveConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  return resolveConfig(readConfigFile(file), file, env);
}

/** Only a config that is wholly valid registers its secrets for redaction (in the thread that logs). */
export function registerConfigSecrets(config: LoadedConfig): void {
  for (const check of config.checks) for (const value of Object.values(check.secrets)) secretRedactor.add(value);
  for (const c of config.marketData.energyData?.checks ?? []) for (const value of Object.values(c.connection.secrets)) secretRedactor.add(value);
  for (const s of config.marketData.marketFigures?.sources ?? []) for (const value of Object.values(s.http?.secrets ?? {})) secretRedactor.add(value);
}

/** Every resolved TLS setting of a config: the checks', the energy-data checks' and the figure sources'. */
export function everyTls(config: LoadedConfig): ResolvedTls[] {
  return [
    ...config.checks.map((c) => c.tls),
    ...(config.marketData.energyData?.checks ?? []).map((c) => c.connection.tls),
    ...(config.marketData.marketFigures?.sources ?? []).flatMap((s) => (s.http ? [s.http.tls] : [])),
  ];
}

function resolveConfig(text: string, file: string, env: NodeJS.ProcessEnv): LoadedConfig {
  const { source, problems } = YamlSource.parse(text);
  if (!source) throw new ConfigError(file, problems);
  const parsed = exporterConfig.safeParse(source.value(), { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => toProblem(issue, source)),
    );
  }
  const raw = parsed.data;
  const resolver = new Resolver(dirname(resolve(file)), env, source, raw.source_address);
  if (raw.source_address !== undefined) {
    const problem = sourceAddressProblem(raw.source_address);
    if (problem) resolver.problem(["source_address"], problem);
  }
  const checks = raw.checks.map((check, i) => resolver.check(check, ["checks", i], raw.defaults));
  const marketData = resolveMarketData(raw, {
    baseDir: dirname(resolve(file)),
    resolveCheck: (check, path) => resolver.check(check, path, raw.defaults),
  });
  const listen = parseListenAddress(raw.listen_address);
  if (!listen) resolver.problem(["listen_address"], `expected "host:port" or ":port", got "${raw.listen_address}"`);
  if (resolver.problems.length > 0) throw new ConfigError(file, resolver.problems);
  const warnings = [...freshnessWarnings(raw), ...sourceAddressWarnings(raw)].map((w) => ({ ...w, ...source.locate(w.path) }));
  return { file, raw, listen: listen!, location: raw.location, maxConcurrency: raw.max_concurrency, checks, marketData, warnings };
}

/** Checks that connect from the system's address although the config sets `source_address` (ftps, browser). */
function sourceAddressWarnings(raw: ExporterConfig): { path: (string | number)[]; message: string }[] {
  if (raw.source_address === undefined) return [];
  return raw.checks.flatMap((check, i) =>
    (SOURCE_ADDRESS_KINDS as readonly string[]).includes(check.kind)
      ? []
      : [
          {
            path: ["checks", i, "kind"],
            message: `check "${check.name}" (kind ${check.kind}) connects from the address the system picks, not from source_address ${raw.source_address}: only ${SOURCE_ADDRESS_KINDS.join(", ")} checks bind it`,
          },
        ],
  );
}

/** The TLS context of some material (throws on bad material). */
export function secureContextOf(material: TlsMaterial): SecureContext {
  return createSecureContext({ ca: material.ca, cert: material.cert, key: material.key, minVersion: material.minVersion });
}

class Resolver {
  readonly problems: ConfigProblem[] = [];
  private readonly files = new Map<string, Buffer>();
  private readonly contexts = new Map<string, { context: SecureContext; material: TlsMaterial; error?: string }>();

  constructor(
    private readonly baseDir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly source: YamlSource,
    private readonly sourceAddress?: string,
  ) {}

  problem(path: (string | number)[], message: string): void {
    this.problems.push({ path, message, ...this.source.locate(path) });
  }

  check(check: CheckConfig, path: (string | number)[], defaults: { interval: number; timeout: number }): ResolvedCheck {
    const base = {
      name: check.name,
      service: check.service,
      intervalMs: check.interval ?? defaults.interval,
      timeoutMs: check.timeout ?? defaults.timeout,
      countsForAvailability: check.counts_for_availability ?? true,
      secrets: {} as Record<string, string>,
      ...(this.sourceAddress !== undefined ? { sourceAddress: this.sourceAddress } : {}),
    };
    switch (check.kind) {
      case "http": {
        const http = check.http;
        if (http.basic_auth) base.secrets.basic_auth_password = this.password(http.basic_auth, [...path, "http", "basic_auth"]);
        return { ...base, kind: "http", http, tls: this.tls(http.tls, [...path, "http", "tls"]) };
      }
      case "api": {
        const api = check.api;
        for (const [key, src] of Object.entries(api.secrets)) {
          base.secrets[key] = this.secret(src, [...path, "api", "secrets", key]);
        }
        if (api.basic_auth) base.secrets.basic_auth_password = this.password(api.basic_auth, [...path, "api", "basic_auth"]);
        api.steps.forEach((step, i) => this.templates(step, Object.keys(api.secrets), api.steps.slice(0, i), [...path, "api", "steps", i]));
        return { ...base, kind: "api", api, tls: this.tls(api.tls, [...path, "api", "tls"]) };
      }
      case "ftps": {
        const ftps = check.ftps;
        base.secrets.password = this.password(ftps, [...path, "ftps"]);
        return { ...base, kind: "ftps", ftps, tls: this.tls(ftps.tls, [...path, "ftps", "tls"]) };
      }
      case "browser": {
        const browser = check.browser;
        for (const [key, src] of Object.entries(browser.secrets)) {
          base.secrets[key] = this.secret(src, [...path, "browser", "secrets", key]);
        }
        browser.steps.forEach((step, i) => {
          if ("fill" in step)
            this.templates({ url: "", headers: {}, body: step.value }, Object.keys(browser.secrets), [], [...path, "browser", "steps", i, "value"]);
        });
        return { ...base, kind: "browser", browser, tls: this.tls({ insecure_skip_verify: browser.insecure_skip_verify }, [...path, "browser"]) };
      }
      case "sftp": {
        const sftp = check.sftp;
        const at = [...path, "sftp"];
        if (sftp.private_key_env !== undefined || sftp.private_key_file !== undefined) {
          base.secrets.private_key = this.secret(sftp.private_key_env !== undefined ? { env: sftp.private_key_env } : { file: sftp.private_key_file }, [
            ...at,
            sftp.private_key_env !== undefined ? "private_key_env" : "private_key_file",
          ]);
          if (sftp.passphrase_env !== undefined) base.secrets.passphrase = this.secret({ env: sftp.passphrase_env }, [...at, "passphrase_env"]);
          if (sftp.passphrase_file !== undefined) base.secrets.passphrase = this.secret({ file: sftp.passphrase_file }, [...at, "passphrase_file"]);
          const keyField = sftp.private_key_env !== undefined ? "private_key_env" : "private_key_file";
          if (base.secrets.private_key !== "") {
            // A key that cannot be read (or a wrong passphrase) is the config's error, not an outage of SMT.
            const parsed = sshUtils.parseKey(base.secrets.private_key, base.secrets.passphrase);
            if (parsed instanceof Error)
              this.problem([...at, keyField], `expected an OpenSSH or PEM private key (with its passphrase if it has one): ${parsed.message}`);
          }
        } else base.secrets.password = this.password(sftp, at);
        const hostKeys = this.hostKeys(sftp, at);
        return { ...base, kind: "sftp", sftp, hostKeys, tls: this.tls({ insecure_skip_verify: false }, at) };
      }
      case "status_feed": {
        const feed = check.status_feed;
        if (feed.basic_auth) base.secrets.basic_auth_password = this.password(feed.basic_auth, [...path, "status_feed", "basic_auth"]);
        return { ...base, kind: "status_feed", status_feed: feed, tls: this.tls(feed.tls, [...path, "status_feed", "tls"]) };
      }
    }
  }

  /** Template references must name a declared secret or a value extracted by an earlier step. */
  private templates(
    step: { url: string; headers: Record<string, string>; json?: unknown; body?: string },
    secrets: string[],
    earlier: { extract: Record<string, string> }[],
    path: (string | number)[],
  ): void {
    const vars = new Set(earlier.flatMap((s) => Object.keys(s.extract)));
    const text = JSON.stringify([step.url, step.headers, step.json ?? null, step.body ?? null]);
    for (const match of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      const ref = match[1]!;
      const [scope, key] = ref.split(".", 2);
      if (scope === "secret" && key && secrets.includes(key)) continue;
      if (scope === "vars" && key && vars.has(key)) continue;
      if (/^date\(\s*-?\d+\s*,\s*'[^']+'\s*\)$/.test(ref) || ref === "uuid" || ref === "now_unix") continue;
      this.problem(
        path,
        `unknown template reference {{ ${ref} }}: expected secret.<name> (declared under secrets), vars.<name> (extracted by an earlier step), date(<days>, '<format>'), uuid or now_unix`,
      );
    }
  }

  /** The pinned host keys: the fingerprints written, or those a known_hosts file lists for host:port. */
  private hostKeys(sftp: SftpProbeSettings, path: (string | number)[]): string[] {
    if (sftp.host_key_sha256 !== undefined) return typeof sftp.host_key_sha256 === "string" ? [sftp.host_key_sha256] : sftp.host_key_sha256;
    const file = resolve(this.baseDir, sftp.known_hosts!);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      this.problem([...path, "known_hosts"], `cannot read known_hosts file ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
      return [];
    }
    const keys = knownHostFingerprints(text, sftp.host, sftp.port);
    if (keys.length === 0) {
      const name = sftp.port === 22 ? sftp.host : `[${sftp.host}]:${sftp.port}`;
      this.problem(
        [...path, "known_hosts"],
        `known_hosts file ${file} has no key for ${name}: expected a line naming it (ssh-keyscan -p ${sftp.port} ${sftp.host})`,
      );
    }
    return keys;
  }

  private password(holder: { password_env?: string; password_file?: string }, path: (string | number)[]): string {
    if (holder.password_env !== undefined) return this.secret({ env: holder.password_env }, [...path, "password_env"]);
    return this.secret({ file: holder.password_file }, [...path, "password_file"]);
  }

  private secret(src: SecretSource, path: (string | number)[]): string {
    if (src.env !== undefined) {
      const value = this.env[src.env];
      if (value === undefined || value === "") {
        this.problem(path, `environment variable ${src.env} is not set or empty`);
        return "";
      }
      return value;
    }
    const file = resolve(this.baseDir, src.file!);
    try {
      const value = readFileSync(file, "utf8").replace(/\r?\n$/, "");
      if (value === "") this.problem(path, `secret file ${file} is empty`);
      return value;
    } catch (err) {
      this.problem(path, `cannot read secret file ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
      return "";
    }
  }

  private tls(settings: TlsSettings, path: (string | number)[]): ResolvedTls {
    const read = (field: "ca_file" | "cert_file" | "key_file"): Buffer | undefined => {
      const name = settings[field];
      if (name === undefined) return undefined;
      const file = resolve(this.baseDir, name);
      const cached = this.files.get(file);
      if (cached) return cached;
      try {
        const content = readFileSync(file);
        this.files.set(file, content);
        return content;
      } catch (err) {
        this.problem([...path, field], `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
        return undefined;
      }
    };
    const ca = read("ca_file");
    const cert = read("cert_file");
    const key = read("key_file");
    // Checks with the same TLS material share one context: a context holds its own copy of the
    // trust store (about 16 KiB each), and a thousand checks usually trust the same CA.
    const digest = createHash("sha256");
    for (const part of [ca, cert, key]) digest.update(part ? `${part.length}:` : "-:").update(part ?? "");
    digest.update(settings.min_version ?? "");
    const contextKey = digest.digest("hex");
    let built = this.contexts.get(contextKey);
    if (!built) {
      const material: TlsMaterial = { digest: contextKey, ca, cert, key, minVersion: settings.min_version };
      try {
        built = { context: secureContextOf(material), material };
      } catch (err) {
        built = { context: createSecureContext(), material, error: (err as Error).message };
      }
      this.contexts.set(contextKey, built);
    }
    // Every check with bad material is named, not only the first one that shares it.
    if (built.error !== undefined) this.problem(path, `invalid TLS material: ${built.error}`);
    return { secureContext: built.context, material: built.material, serverName: settings.server_name, insecureSkipVerify: settings.insecure_skip_verify };
  }
}

/**
 * Resolves one `api`-style HTTP section of a config file (secrets, TLS material, templates) that is
 * read on its own, as the report's issues feed is: only that section's secrets are read. Throws
 * ConfigError naming file, line and field.
 */
export function resolveHttpSection(file: string, source: YamlSource, api: CheckConfig & { kind: "api" }, path: (string | number)[]): ResolvedCheck {
  const resolver = new Resolver(dirname(resolve(file)), process.env, source);
  const check = resolver.check(api, path, { interval: 60_000, timeout: 60_000 });
  if (resolver.problems.length > 0) {
    // the settings sit under `http:` in such a section, not under a check's `api:`
    const fixed = resolver.problems.map((p) => {
      if (p.path[path.length] !== "api") return p;
      const at = [...path, "http", ...p.path.slice(path.length + 1)];
      return { ...p, path: at, ...source.locate(at) };
    });
    throw new ConfigError(file, fixed);
  }
  return check;
}
