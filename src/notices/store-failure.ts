import { accessSync, constants } from "node:fs";
import { dirname } from "node:path";
/**
 * Why the notice store (its SQLite file) cannot be used, as one line that names the file and what
 * to do, and the exit code it ends the command with: 2 when the path itself is wrong (not an SQLite
 * file: fix storage.path or --notices), 1 when the file is right but the machine or the data is not
 * (corrupt, locked, read-only, disk full). Stack traces stay for bugs.
 */
export class NoticeStoreError extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly exitCode: 1 | 2,
    readonly sqliteCode?: string,
  ) {
    super(message);
    this.name = "NoticeStoreError";
  }
}

/** How long a start-up waits for another process's lock on the store (SQLite busy_timeout). */
export const STORE_BUSY_TIMEOUT_MS = 5_000;

/** The error code of an SQLite (better-sqlite3) or file-system error, e.g. "SQLITE_NOTADB", "EROFS". */
export function storeErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Whether an error came from the store's file or SQLite's storage layer (disk full, read-only,
 * I/O, corruption, lock) rather than from a bug or a constraint: those make the notifier not ready.
 */
export function isStorageFailure(err: unknown): boolean {
  const code = storeErrorCode(err) ?? "";
  if (/^SQLITE_(FULL|READONLY|IOERR|CORRUPT|NOTADB|CANTOPEN|BUSY|LOCKED|PERM|NOMEM)/.test(code)) return true;
  // PostgreSQL's SQLSTATE classes of a connection, the server or its resources (and a lock waited for too long).
  if (/^(08|53|57|58|XX)[0-9A-Z]{3}$/.test(code) || code === "55P03") return true;
  return /^E[A-Z]+$/.test(code) && code !== "ERR";
}

/**
 * Turns an error met opening, checking or writing the store into a NoticeStoreError. `running`:
 * met by a notifier that is up (it is ready again with the next write that commits), not at start-up.
 */
export function describeStoreFailure(path: string, err: unknown, running = false): NoticeStoreError {
  const what = "the notice store";
  const again = running ? "; ready again with the next write that commits" : " and start again";
  if (err instanceof NoticeStoreError) return err;
  let code = storeErrorCode(err) ?? "";
  let reason = (err as Error)?.message ?? String(err);
  if (code.startsWith("SQLITE_CANTOPEN") && path !== ":memory:") {
    // SQLite says only "unable to open": a WAL store needs to create its -wal and -shm files beside it.
    const folder = folderNotWritable(dirname(path));
    if (folder) [code, reason] = [folder, `${reason}; its folder ${dirname(path)}: ${folder}`];
  }
  const fail = (text: string, exit: 1 | 2) => new NoticeStoreError(path, `${what} ${path} ${text}`, exit, code || undefined);
  if (code === "SQLITE_NOTADB") {
    return fail(
      "is not an SQLite database (file is not a database): point the path at the notifier's store file, or move this file away so the notifier creates a new store",
      2,
    );
  }
  if (code.startsWith("SQLITE_CORRUPT")) {
    return fail(
      `is corrupt (${reason}): stop the notifier, restore the store from a backup (or salvage it with: sqlite3 ${path} .recover), then start again`,
      1,
    );
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return fail(
      `is locked by another process (waited ${STORE_BUSY_TIMEOUT_MS / 1000} s: ${reason}): stop the other process that holds it (a second notifier on the same file, a backup)${again}`,
      1,
    );
  }
  if (code.startsWith("SQLITE_READONLY") || code === "EROFS" || code === "EACCES" || code === "EPERM") {
    const cause = code === "EROFS" ? "read-only file system" : code;
    return fail(
      `cannot be written (${cause}: ${reason}): the notifier needs write access to the file and its folder (read-only mount or permissions); fix that${again}`,
      1,
    );
  }
  if (code === "SQLITE_FULL" || code === "ENOSPC") {
    return fail(`cannot be written: the disk is full (${reason}): free space on its file system${again}`, 1);
  }
  if (code.startsWith("SQLITE_CANTOPEN") || code === "ENOTDIR" || code === "ENOENT") {
    return fail(`cannot be opened (${code}: ${reason}): check that its folder exists or can be created and is writable`, 1);
  }
  if (code.startsWith("SQLITE_IOERR") || code.startsWith("E")) {
    return fail(`cannot be read or written (${code}: ${reason}): check the disk and the file system it is on`, 1);
  }
  return fail(`cannot be used (${code || "error"}: ${reason})`, 1);
}

function folderNotWritable(folder: string): string | undefined {
  try {
    accessSync(folder, constants.W_OK);
    return undefined;
  } catch (err) {
    return storeErrorCode(err);
  }
}
