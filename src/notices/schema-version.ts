import { NoticeStoreError } from "./store-failure.js";

/**
 * Versioned schema steps, one list per engine (store-migrations.ts for SQLite, postgres-migrations.ts
 * for PostgreSQL): each step has a number, says what it changes, and runs once, in its own
 * transaction, when the store is opened by a notifier whose list goes further than the store's
 * recorded version. A store whose version is newer than the last step this code knows was written by
 * a newer release: it is refused (the notifier does not start) rather than used half-understood.
 */
export interface SchemaStep<Db> {
  version: number;
  description: string;
  apply(db: Db, now: number): void;
}

/** The last version of a list of steps (they are in increasing order). */
export function latestVersion(steps: readonly SchemaStep<unknown>[]): number {
  return steps.at(-1)?.version ?? 0;
}

/**
 * The steps still to run on a store at `current`; a NoticeStoreError (exit code 1) when the store
 * is newer than this code. `location` names the store (a file, or a database without its password).
 */
export function pendingSteps<Db>(steps: readonly SchemaStep<Db>[], current: number, location: string): SchemaStep<Db>[] {
  const latest = latestVersion(steps);
  if (current > latest) {
    throw new NoticeStoreError(
      location,
      `the notice store ${location} has schema version ${current}, newer than this smt-monitor knows (up to ${latest}): it was written by a newer release; run that release (or a newer one), or restore a backup taken before the upgrade`,
      1,
      "SCHEMA_TOO_NEW",
    );
  }
  return steps.filter((s) => s.version > current);
}
