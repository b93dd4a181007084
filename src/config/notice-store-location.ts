import { secretRedactor } from "../secrets/redactor.js";
import type { NotifierConfigFile } from "./notifier-schema.js";

/**
 * Where the notifier keeps its notices (docs/configuration.md, "store"): the SQLite file of
 * storage.path (the default), or a PostgreSQL database whose URL, password included, comes from the
 * environment variable `store.url_env`. The URL is a secret: errors say what is wrong with it, never
 * what it is, and it is registered for redaction.
 */
export type NoticeStoreLocation = { kind: "sqlite" } | { kind: "postgres"; url: string; urlEnv: string };

const POSTGRES_PROTOCOLS = new Set(["postgres:", "postgresql:"]);

/** The store the config names; a problem (on store.url_env) when its variable is unset or not a PostgreSQL URL. */
export function noticeStoreLocation(
  store: NotifierConfigFile["store"],
  env: NodeJS.ProcessEnv,
  problem: (path: (string | number)[], message: string) => void,
): NoticeStoreLocation | undefined {
  if (store.kind === "sqlite") return { kind: "sqlite" };
  const url = env[store.url_env]?.trim();
  const path = ["store", "url_env"];
  if (url === undefined || url === "") {
    problem(path, `environment variable ${store.url_env} is not set or empty: expected a PostgreSQL URL (postgresql://user:password@host:5432/database)`);
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    problem(path, `environment variable ${store.url_env} is not a URL: expected postgresql://user:password@host:5432/database`);
    return undefined;
  }
  if (!POSTGRES_PROTOCOLS.has(parsed.protocol)) {
    problem(path, `environment variable ${store.url_env} is a ${parsed.protocol} URL: expected postgresql://user:password@host:5432/database`);
    return undefined;
  }
  if (parsed.pathname.replace(/^\//, "") === "") {
    problem(path, `environment variable ${store.url_env} names no database: expected postgresql://user:password@host:5432/database`);
    return undefined;
  }
  return { kind: "postgres", url, urlEnv: store.url_env };
}

/** The URL and its password are never logged, put in metrics, notices or errors. */
export function registerPostgresSecrets(url: string): void {
  secretRedactor.add(url);
  const password = new URL(url).password;
  if (password !== "") {
    secretRedactor.add(password);
    secretRedactor.add(decodeURIComponent(password));
  }
}

/** How logs and errors name a PostgreSQL store: the variable that holds its URL, never the URL. */
export function postgresStoreName(urlEnv: string): string {
  return `PostgreSQL database ($${urlEnv})`;
}
