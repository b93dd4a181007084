import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { readConfigFile } from "./config-file.js";
import { ConfigError, type ConfigProblem } from "./errors.js";
import { parseListenAddress } from "./listen-address.js";
import { loadMaintenanceConfig } from "./maintenance-load.js";
import { noticeStoreLocation, registerPostgresSecrets, type NoticeStoreLocation } from "./notice-store-location.js";
import { maintenanceConfig, type MaintenanceConfig } from "./maintenance-schema.js";
import { httpUrl, notifierConfigSchema, type NotifierConfigFile } from "./notifier-schema.js";
import { toProblem } from "./schema-problem.js";
import { YamlSource } from "./yaml-source.js";
import { bearerTokenProblem, trimLikeAlertmanager } from "../secrets/bearer-token.js";
import { secretRedactor } from "../secrets/redactor.js";

/**
 * Loading the notifier's config file (schema: notifier-schema.ts): validated, defaults applied,
 * secrets read from their files or environment variables and registered for redaction.
 */

/** The webhook's bearer token is at least this long (after trimming). */
export const MIN_WEBHOOK_TOKEN_LENGTH = 16;

/** A loaded config: validated, defaults applied, secrets read (and registered for redaction). */
export interface NotifierConfig {
  file: string;
  raw: NotifierConfigFile;
  listen: { host?: string; port: number };
  storagePath: string;
  /** Where the notices are kept: the SQLite file storagePath, or a PostgreSQL database (its URL is a secret). */
  store: NoticeStoreLocation;
  webhookToken: string;
  /** Reviewer name -> password. */
  reviewers: Map<string, string>;
  /** Channel name -> its secret (bearer token or SMTP password), when it has one. */
  channelSecrets: Map<string, string>;
  /** Webhook channel name -> its URL (from url, url_file or url_env). */
  channelUrls: Map<string, string>;
  /** Channel name -> CA certificate bytes for SMTP TLS, when configured. */
  channelCa: Map<string, Buffer>;
  /** The maintenance section (inline, from maintenance_file, or empty). */
  maintenance: MaintenanceConfig;
}

export function loadNotifierConfig(file: string, env: NodeJS.ProcessEnv = process.env): NotifierConfig {
  const text = readConfigFile(file);
  return parseNotifierConfig(text, file, env);
}

export function parseNotifierConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): NotifierConfig {
  const { source, problems } = YamlSource.parse(text);
  if (!source) throw new ConfigError(file, problems);
  const parsed = notifierConfigSchema.safeParse(source.value(), { reportInput: true });
  if (!parsed.success)
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => toProblem(issue, source)),
    );
  const raw = parsed.data;
  const baseDir = dirname(resolve(file));
  const found: ConfigProblem[] = [];
  const problem = (path: (string | number)[], message: string) => found.push({ path, message, ...source.locate(path) });
  const secret = (holder: Record<string, unknown>, key: string, path: (string | number)[]): string | undefined => {
    const fileName = holder[`${key}_file`] as string | undefined;
    const envName = holder[`${key}_env`] as string | undefined;
    // Bearer tokens are read as Alertmanager reads credentials_file (surrounding whitespace trimmed).
    const read = key === "bearer_token" ? trimLikeAlertmanager : (text: string) => text.replace(/\r?\n$/, "");
    if (envName !== undefined) {
      const value = env[envName] === undefined ? undefined : read(env[envName]);
      if (value === undefined || value === "") problem([...path, `${key}_env`], `environment variable ${envName} is not set or empty`);
      return value;
    }
    if (fileName === undefined) return undefined;
    const full = resolve(baseDir, fileName);
    try {
      const value = read(readFileSync(full, "utf8"));
      if (value === "") problem([...path, `${key}_file`], `secret file ${full} is empty`);
      return value;
    } catch (err) {
      problem([...path, `${key}_file`], `cannot read secret file ${full}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
      return undefined;
    }
  };
  /** A bearer token that a request header cannot carry is refused here, not by a 401 on every delivery. */
  const checkBearerToken = (holder: Record<string, unknown>, path: (string | number)[], token: string | undefined, minLength: number): void => {
    if (!token) return;
    const field = holder.bearer_token_env !== undefined ? "bearer_token_env" : "bearer_token_file";
    const from =
      field === "bearer_token_env"
        ? `environment variable ${String(holder.bearer_token_env)}`
        : `secret file ${resolve(baseDir, String(holder.bearer_token_file))}`;
    const wrong = bearerTokenProblem(token);
    if (wrong) problem([...path, field], `the token in ${from} (surrounding whitespace trimmed, as Alertmanager does) has ${wrong}`);
    else if (token.length < minLength)
      problem([...path, field], `the token in ${from} has ${token.length} characters; expected a bearer token of at least ${minLength} characters`);
  };

  const listen = parseListenAddress(raw.listen_address);
  if (!listen) problem(["listen_address"], `expected "host:port" or ":port", got "${raw.listen_address}"`);
  const webhookToken = secret(raw.webhook, "bearer_token", ["webhook"]) ?? "";
  checkBearerToken(raw.webhook, ["webhook"], webhookToken, MIN_WEBHOOK_TOKEN_LENGTH);
  const reviewers = new Map<string, string>();
  raw.reviewers.forEach((r, i) => {
    const pw = secret(r, "password", ["reviewers", i]);
    if (pw !== undefined && pw !== "" && pw.length < 12) problem(["reviewers", i], `expected a password of at least 12 characters for reviewer "${r.name}"`);
    if (pw) reviewers.set(r.name, pw);
  });
  const channelSecrets = new Map<string, string>();
  const channelCa = new Map<string, Buffer>();
  const channelUrls = new Map<string, string>();
  const secretUrls: string[] = [];
  raw.channels.forEach((c, i) => {
    const value = c.kind === "webhook" ? secret(c, "bearer_token", ["channels", i]) : secret(c, "password", ["channels", i]);
    if (c.kind === "webhook") checkBearerToken(c, ["channels", i], value, 1);
    if (value) channelSecrets.set(c.name, value);
    if (c.kind === "webhook") {
      const url = c.url ?? secret(c, "url", ["channels", i]);
      if (url !== undefined && url !== "") {
        const check = httpUrl.safeParse(url);
        // A URL from a file or the environment is a secret: say what is wrong, never what it is.
        if (!check.success)
          problem(
            ["channels", i, c.url !== undefined ? "url" : c.url_file !== undefined ? "url_file" : "url_env"],
            "expected an absolute http:// or https:// URL without credentials",
          );
        else channelUrls.set(c.name, url);
        if (c.url === undefined) secretUrls.push(url);
      }
    }
    if (c.kind === "smtp" && c.tls.ca_file) {
      const full = resolve(baseDir, c.tls.ca_file);
      try {
        channelCa.set(c.name, readFileSync(full));
      } catch (err) {
        problem(["channels", i, "tls", "ca_file"], `cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? "error"}`);
      }
    }
  });
  const store = noticeStoreLocation(raw.store, env, problem);
  if (found.length > 0) throw new ConfigError(file, found);
  // Read after the rest, so its own errors (naming its own file and line) come alone.
  const maintenance = raw.maintenance ?? (raw.maintenance_file ? loadMaintenanceConfig(resolve(baseDir, raw.maintenance_file)) : maintenanceConfig.parse({}));
  // Only a config that is wholly valid registers its secrets for redaction.
  secretRedactor.add(webhookToken);
  for (const pw of reviewers.values()) secretRedactor.add(pw);
  for (const s of channelSecrets.values()) secretRedactor.add(s);
  for (const u of secretUrls) secretRedactor.add(u);
  if (store?.kind === "postgres") registerPostgresSecrets(store.url);
  return {
    file,
    raw,
    listen: listen!,
    storagePath: raw.storage.path === ":memory:" ? ":memory:" : resolve(baseDir, raw.storage.path),
    store: store!,
    webhookToken,
    reviewers,
    channelSecrets,
    channelUrls,
    channelCa,
    maintenance,
  };
}
