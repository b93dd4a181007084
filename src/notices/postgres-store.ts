import { NoticeStore } from "./notice-store.js";
import { PostgresError, type PostgresSessionSettings } from "./postgres-connection.js";
import { PostgresDatabase } from "./postgres-database.js";
import { migratePostgresStore } from "./postgres-migrations.js";
import { NoticeStoreError } from "./store-failure.js";

/**
 * Opens the notice store on PostgreSQL (store.kind postgres, docs/notices.md "Several notifiers on
 * PostgreSQL"): connects, applies the schema steps it lacks (one replica at a time), and proves it
 * can write (the heartbeat row). `name` is how errors name the database: the environment variable
 * that holds its URL, never the URL. Errors are NoticeStoreError (exit code 1).
 */
export function openPostgresNoticeStore(url: string, name: string, now: number, settings?: PostgresSessionSettings): NoticeStore {
  const db = PostgresDatabase.connect(url, settings);
  try {
    migratePostgresStore(db, now, name);
    const store = NoticeStore.onDatabase(db, name);
    store.heartbeat(now);
    return store;
  } catch (err) {
    db.close();
    throw describePostgresFailure(name, err);
  }
}

/**
 * Why the PostgreSQL store cannot be used, as one line naming the database and what to do.
 * `running`: met by a notifier that is up (ready again with the next write that commits).
 */
export function describePostgresFailure(name: string, err: unknown, running = false): NoticeStoreError {
  if (err instanceof NoticeStoreError) return err;
  const again = running ? "; ready again with the next write that commits" : " and start again";
  const code = err instanceof PostgresError ? err.code : (err as { code?: string } | null)?.code;
  const reason = (err as Error)?.message ?? String(err);
  const fail = (text: string) => new NoticeStoreError(name, `the notice store ${name} ${text}`, 1, code);
  if (code === "28P01" || code === "28000") return fail(`refused the login (${reason}): check the user and password in the URL${again}`);
  if (code === "3D000") return fail(`does not exist (${reason}): create the database (createdb) or fix the URL${again}`);
  if (code === "42501") return fail(`refused a statement (${reason}): the user needs to own the database or its schema${again}`);
  if (code === "55P03") return fail(`is locked by another session for too long (${reason}): find the session that holds it (pg_stat_activity)${again}`);
  if (
    code === "ETIMEDOUT" ||
    code?.startsWith("ECONN") ||
    code === "ENOTFOUND" ||
    code === "EAI_AGAIN" ||
    code === "ENOENT" ||
    code?.startsWith("08") ||
    code?.startsWith("57")
  ) {
    return fail(`cannot be reached (${code}: ${reason}): check that PostgreSQL runs and that the URL names it${again}`);
  }
  return fail(`cannot be used (${code ?? "error"}: ${reason})`);
}
