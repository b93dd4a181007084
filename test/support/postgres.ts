import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { findPostgresBinDir, initPostgresCluster, runAsServerUser } from "../../src/demo/demo-postgres.js";
import { freePort } from "./notifier-fixture.js";

/**
 * A real PostgreSQL for tests (Debian's postgresql package): initdb in a temporary folder, a free
 * port on 127.0.0.1 and the unix socket in the same folder, password authentication over TCP. Start
 * it once per test file (initdb takes seconds) and give each test its own database. initdb refuses
 * to run as root (CI runs as root): the server then runs as the user nobody, owner of the folder.
 */
export interface PostgresServer {
  port: number;
  /** The superuser's password (URLs carry it; tests check that nothing logs it). */
  password: string;
  /** A URL of a database of this server, with the password. */
  url(database: string): string;
  /** Creates an empty database; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs one statement as the superuser on a database. */
  query<T extends Record<string, unknown>>(database: string, sql: string, params?: unknown[]): Promise<T[]>;
  /** Stops the server (fast shutdown: sessions are ended), keeping its data; `resume` starts it again on the same port. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** The newest PostgreSQL server binaries installed (findPostgresBinDir: /usr/lib/postgresql/<major>/bin, or SMT_POSTGRES_BIN). */
export function postgresBinDir(): string {
  const bin = findPostgresBinDir();
  if (!bin) throw new Error(`no PostgreSQL server under /usr/lib/postgresql: install Debian's postgresql package (scripts/setup.sh does)`);
  return bin;
}

const SUPERUSER = "smt";

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), "smt-postgres-"));
  const data = join(dir, "data");
  const password = randomBytes(12).toString("hex");
  writeFileSync(join(dir, "pwfile"), `${password}\n`);
  // As root, everything runs as nobody (runAsServerUser), who owns the folder.
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "nobody"]).toString());
    const gid = Number(execFileSync("id", ["-g", "nobody"]).toString());
    chownSync(dir, uid, gid);
    chownSync(join(dir, "pwfile"), uid, gid);
  }
  const port = await freePort();
  let options = "";
  const start = () => runAsServerUser(join(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"]);
  try {
    await initPostgresCluster({ binDir: bin, data, superuser: SUPERUSER, pwfile: join(dir, "pwfile") });
    // fsync off: the tests kill notifiers, never this server; its durability is PostgreSQL's own.
    options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=50`;
    await start();
  } catch (err) {
    const log = existsSync(join(dir, "server.log")) ? readFileSync(join(dir, "server.log"), "utf8") : "";
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${log}`);
  }
  const url = (database: string) => `postgresql://${SUPERUSER}:${password}@127.0.0.1:${port}/${database}`;
  const query = async <T extends Record<string, unknown>>(database: string, sql: string, params?: unknown[]): Promise<T[]> => {
    const client = new pg.Client({ connectionString: url(database) });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    port,
    password,
    url,
    query,
    async createDatabase(name) {
      await query("postgres", `CREATE DATABASE ${name}`);
      return url(name);
    },
    async pause() {
      await runAsServerUser(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
    },
    async resume() {
      await start();
    },
    async stop() {
      await runAsServerUser(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
