import { execFile as execFileCallback, execFileSync } from "node:child_process";
import { accessSync, chownSync, constants, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { delay } from "../scheduler/timer.js";

/**
 * The PostgreSQL of `smt-monitor demo --ha` (docs/ha.md): a throwaway cluster in the demo's data
 * directory, made with Debian's server binaries (`initdb`, then `postgres` in the foreground under the
 * demo's process supervisor), listening on 127.0.0.1 with password authentication, one database for
 * the notifiers' shared store. PostgreSQL refuses to run as root: when the demo runs as root the
 * cluster belongs to, and the server runs as, the user nobody.
 */

const execFile = promisify(execFileCallback);

/** The cluster's superuser, who owns the notices database. */
export const DEMO_POSTGRES_USER = "smt";
/** The database both notifiers share. */
export const DEMO_NOTICES_DATABASE = "notices";
/** The unprivileged user the server runs as when the demo runs as root. */
const UNPRIVILEGED_USER = "nobody";

/** The newest installed server binaries (/usr/lib/postgresql/<major>/bin, Debian's layout), or SMT_POSTGRES_BIN. */
export function findPostgresBinDir(env: NodeJS.ProcessEnv = process.env, root = "/usr/lib/postgresql"): string | undefined {
  const candidates = env.SMT_POSTGRES_BIN
    ? [env.SMT_POSTGRES_BIN]
    : (existsSync(root) ? readdirSync(root) : [])
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => Number(b) - Number(a))
        .map((major) => join(root, major, "bin"));
  return candidates.find((dir) => ["initdb", "postgres"].every((name) => executable(join(dir, name))));
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const asRoot = () => process.getuid?.() === 0;

/** A command line, run as nobody when the demo runs as root. */
function asServerUser(command: string, args: string[]): { command: string; args: string[] } {
  return asRoot() ? { command: "runuser", args: ["-u", UNPRIVILEGED_USER, "--", command, ...args] } : { command, args };
}

/** Runs a PostgreSQL program (initdb, pg_ctl) to its end as the server's user: nobody when we run as root. */
export function runAsServerUser(command: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const run = asServerUser(command, args);
  return execFile(run.command, run.args);
}

/**
 * initdb of a new cluster in `data`, as the server's user: the superuser `superuser` with the password in
 * `pwfile` (a file the server's user can read), trust on the unix socket, scram-sha-256 over TCP, UTF-8, C locale.
 */
export async function initPostgresCluster(o: { binDir: string; data: string; superuser: string; pwfile: string }): Promise<void> {
  await runAsServerUser(join(o.binDir, "initdb"), [
    "-D",
    o.data,
    "-U",
    o.superuser,
    `--pwfile=${o.pwfile}`,
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
    "--no-instructions",
  ]);
}

export interface DemoPostgresCluster {
  /** The folder of the cluster (data/ inside) and of its unix socket. */
  dir: string;
  port: number;
  /** The notifiers' database URL, with the password (for their environment only, never printed). */
  url: string;
  /** The same URL without the password, to print. */
  displayUrl: string;
  /** The server's command line, for the supervisor. */
  command: string;
  args: string[];
}

/**
 * Makes the cluster in `dir` unless one is there (kept with --keep-state). Throws with what to do
 * when the server's user cannot write the folder (as root: nobody must be able to reach it).
 */
export async function prepareDemoPostgres(o: { binDir: string; dir: string; port: number; password: string }): Promise<DemoPostgresCluster> {
  mkdirSync(o.dir, { recursive: true });
  const data = join(o.dir, "data");
  if (asRoot()) {
    const uid = Number(execFileSync("id", ["-u", UNPRIVILEGED_USER]).toString());
    const gid = Number(execFileSync("id", ["-g", UNPRIVILEGED_USER]).toString());
    chownSync(o.dir, uid, gid);
    try {
      execFileSync("runuser", ["-u", UNPRIVILEGED_USER, "--", "test", "-w", o.dir]);
    } catch {
      throw new Error(
        `PostgreSQL runs as ${UNPRIVILEGED_USER} when the demo runs as root, and ${UNPRIVILEGED_USER} cannot reach ${o.dir}: ` +
          `give the demo a --data-dir whose parent folders every user may enter (chmod o+x), or run it as an ordinary user`,
      );
    }
  }
  if (!existsSync(join(data, "PG_VERSION"))) {
    rmSync(data, { recursive: true, force: true });
    // initdb reads the password from a file the server's user can read; removed at once.
    const pwfile = join(o.dir, "initdb-password");
    writeFileSync(pwfile, `${o.password}\n`, { mode: 0o600 });
    if (asRoot()) chownSync(pwfile, Number(execFileSync("id", ["-u", UNPRIVILEGED_USER]).toString()), -1);
    try {
      await initPostgresCluster({ binDir: o.binDir, data, superuser: DEMO_POSTGRES_USER, pwfile });
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new Error(`initdb failed in ${data}: ${(e.stderr ?? e.message).trim()}`);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const server = asServerUser(join(o.binDir, "postgres"), ["-D", data, "-p", String(o.port), "-k", o.dir, "-c", "listen_addresses=127.0.0.1"]);
  const where = `127.0.0.1:${o.port}/${DEMO_NOTICES_DATABASE}`;
  return {
    dir: o.dir,
    port: o.port,
    url: `postgresql://${DEMO_POSTGRES_USER}:${encodeURIComponent(o.password)}@${where}`,
    displayUrl: `postgresql://${DEMO_POSTGRES_USER}@${where}`,
    ...server,
  };
}

/**
 * Waits until the server accepts connections (or `exited` says it stopped, or timeoutMs), then creates
 * the notices database unless it exists.
 */
export async function createDemoNoticesDatabase(cluster: DemoPostgresCluster, exited: () => boolean, timeoutMs = 60_000): Promise<void> {
  const { default: pg } = await import("pg");
  const adminUrl = cluster.url.replace(new RegExp(`/${DEMO_NOTICES_DATABASE}$`), "/postgres");
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`PostgreSQL exited before it accepted connections`);
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DEMO_NOTICES_DATABASE]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DEMO_NOTICES_DATABASE}`);
      return;
    } catch (err) {
      last = (err as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
    await delay(200);
  }
  throw new Error(`PostgreSQL did not accept connections on 127.0.0.1:${cluster.port} within ${timeoutMs / 1000} s (${last})`);
}
