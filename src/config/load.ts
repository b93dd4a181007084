import { createHash } from "node:crypto";
import { readConfigFile } from "./config-file.js";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createSecureContext, type SecureContext } from "node:tls";
import type { z } from "zod";
import { ConfigError, type ConfigProblem } from "./errors.js";
import { parseListenAddress } from "./listen-address.js";

export { parseListenAddress };
import { YamlSource } from "./yaml-source.js";
import {
  exporterConfig,
  type CheckConfig,
  type ExporterConfig,
  type SecretSource,
  type Service,
  type TlsSettings,
} from "./schema.js";
import { secretRedactor } from "../secrets/redactor.js";
import { resolveMarketData, type MarketData } from "./market-data-load.js";

/** The bytes a TLS context is built from; one object per distinct material, shared by the checks that use it. */
export interface TlsMaterial {
  /** A digest of the material: equal digests, equal material. */
  digest: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  minVersion?: "TLSv1.2" | "TLSv1.3";
}

/** TLS settings turned into a reusable context (built once per check, not per probe). */
export interface ResolvedTls {
  secureContext: SecureContext;
  /** What secureContext was built from (to rebuild it where a context cannot be sent: off-thread loading). */
  material: TlsMaterial;
  serverName?: string;
  insecureSkipVerify: boolean;
}

type Settings<K extends CheckConfig["kind"]> = Extract<CheckConfig, { kind: K }>;

interface ResolvedBase {
  name: string;
  service: Service;
  intervalMs: number;
  timeoutMs: number;
  /** Secret values by name, for templates ({{ secret.name }}) and passwords. */
  secrets: Record<string, string>;
  tls: ResolvedTls;
}

export type ResolvedCheck =
  | (ResolvedBase & { kind: "http"; http: Settings<"http">["http"] })
  | (ResolvedBase & { kind: "api"; api: Settings<"api">["api"] })
  | (ResolvedBase & { kind: "ftps"; ftps: Settings<"ftps">["ftps"] });

export interface LoadedConfig {
  file: string;
  raw: ExporterConfig;
  listen: { host?: string; port: number };
  location: string;
  maxConcurrency: number;
  checks: ResolvedCheck[];
  /** The energy_data: and market_figures: sections, resolved (src/config/market-data-load.ts). */
  marketData: MarketData;
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
  const resolver = new Resolver(dirname(resolve(file)), env, source);
  const checks = raw.checks.map((check, i) => resolver.check(check, ["checks", i], raw.defaults));
  const marketData = resolveMarketData(raw, {
    baseDir: dirname(resolve(file)),
    resolveCheck: (check, path) => resolver.check(check, path, raw.defaults),
  });
  const listen = parseListenAddress(raw.listen_address);
  if (!listen) resolver.problem(["listen_address"], `expected "host:port" or ":port", got "${raw.listen_address}"`);
  if (resolver.problems.length > 0) throw new ConfigError(file, resolver.problems);
  return { file, raw, listen: listen!, location: raw.location, maxConcurrency: raw.max_concurrency, checks, marketData };
}


/** The TLS context of some material (throws on bad material). */
export function secureContextOf(material: TlsMaterial): SecureContext {
  return createSecureContext({ ca: material.ca, cert: material.cert, key: material.key, minVersion: material.minVersion });
}

/** A zod issue as a problem naming the field, its line and what was expected. */
export function toProblem(issue: z.core.$ZodIssue, source: YamlSource): ConfigProblem {
  let path = [...issue.path] as (string | number)[];
  let message = issue.message;
  const last = path[path.length - 1];
  if (last === "password") {
    // Never echo what was written there: it is a secret.
    return { path, message: "inline secrets are not accepted: use password_env or password_file", ...source.locate(path) };
  }
  switch (issue.code) {
    case "invalid_type": {
      const got = describeInput(issue.input);
      message = got === "nothing" ? `required field is missing; expected ${expectedType(issue.expected)}` : `expected ${expectedType(issue.expected)}, got ${describeType(issue.input)}`;
      break;
    }
    case "unrecognized_keys":
      path = [...path, issue.keys[0]!];
      message = `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
      break;
    case "invalid_value":
      message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeInput(issue.input)}`;
      break;
    case "invalid_union":
      if (issue.discriminator) {
        if (last !== issue.discriminator) path = [...path, issue.discriminator];
        message = `expected ${issue.discriminator} to be one of ${("options" in issue && issue.options ? issue.options : []).map((o) => JSON.stringify(o)).join(", ")}`;
      }
      break;
    case "too_small":
    case "too_big":
      message = `expected ${boundText(issue)}, got ${describeSize(issue.origin, issue.input)}`;
      break;
    default:
      break;
  }
  return { path, message, ...source.locate(path) };
}

/** zod's type names as the config speaks of them. */
const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  null: "null",
  undefined: "nothing (remove the field)",
};

function expectedType(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

/** What was written, by type: "a number (30)", "a list", "a string ("x")". */
function describeType(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  const value = JSON.stringify(input) ?? String(input);
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  if (typeof input === "string") return `a string (${shown})`;
  if (typeof input === "number") return `a number (${shown})`;
  if (typeof input === "boolean") return shown;
  return typeof input;
}

/** The limit a too_small / too_big issue enforces, in the words of its origin. */
function boundText(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === "too_small";
  const bound = Number(small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum);
  const inclusive = issue.inclusive !== false;
  const unit = issue.origin === "array" || issue.origin === "set" ? "item" : issue.origin === "string" ? "character" : "";
  if (unit) {
    // Lengths are whole: "more than 0" is "at least 1".
    const n = inclusive ? bound : small ? bound + 1 : bound - 1;
    if (small && n === 1 && unit === "character") return "a non-empty string";
    const noun = `${unit}${n === 1 ? "" : "s"}`;
    return `${issue.origin === "string" ? "a string of" : "a list of"} ${small ? "at least" : "at most"} ${n} ${noun}`;
  }
  const what = issue.origin === "int" ? "a whole number" : "a number";
  if (small) return inclusive ? `${what} of at least ${bound}` : `${what} greater than ${bound}`;
  return inclusive ? `${what} of at most ${bound}` : `${what} less than ${bound}`;
}

/** The size of what was written: the number, or the length of a string or list. */
function describeSize(origin: string, input: unknown): string {
  if (Array.isArray(input)) return `${input.length} item${input.length === 1 ? "" : "s"}`;
  if (typeof input === "string") return origin === "string" ? `${input.length} character${input.length === 1 ? "" : "s"}` : describeType(input);
  if (typeof input === "number") return String(input);
  return describeType(input);
}

function describeInput(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  return `${typeof input} ${JSON.stringify(input)}`;
}

class Resolver {
  readonly problems: ConfigProblem[] = [];
  private readonly files = new Map<string, Buffer>();
  private readonly contexts = new Map<string, { context: SecureContext; material: TlsMaterial; error?: string }>();

  constructor(
    private readonly baseDir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly source: YamlSource,
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
      secrets: {} as Record<string, string>,
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
    }
  }

  /** Template references must name a declared secret or a value extracted by an earlier step. */
  private templates(step: { url: string; headers: Record<string, string>; json?: unknown; body?: string }, secrets: string[], earlier: { extract: Record<string, string> }[], path: (string | number)[]): void {
    const vars = new Set(earlier.flatMap((s) => Object.keys(s.extract)));
    const text = JSON.stringify([step.url, step.headers, step.json ?? null, step.body ?? null]);
    for (const match of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      const ref = match[1]!;
      const [scope, key] = ref.split(".", 2);
      if (scope === "secret" && key && secrets.includes(key)) continue;
      if (scope === "vars" && key && vars.has(key)) continue;
      if (/^date\(\s*-?\d+\s*,\s*'[^']+'\s*\)$/.test(ref) || ref === "uuid" || ref === "now_unix") continue;
      this.problem(path, `unknown template reference {{ ${ref} }}: expected secret.<name> (declared under secrets), vars.<name> (extracted by an earlier step), date(<days>, '<format>'), uuid or now_unix`);
    }
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

