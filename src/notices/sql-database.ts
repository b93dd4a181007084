import type Database from "better-sqlite3";

/**
 * The SQL the notice store runs, behind one small synchronous interface with two engines: SQLite
 * (better-sqlite3, the default: one file on this machine) and PostgreSQL (postgres-database.ts:
 * several notifier replicas sharing one database). The store's statements are written once in the
 * SQL both understand (`?` or `@name` parameters, `INSERT … ON CONFLICT`, `RETURNING`); the few
 * places where they differ ask `dialect`.
 *
 * The interface is synchronous on purpose: the notice lifecycle reads and writes the store inside
 * one transaction per webhook delivery, and a transaction runs whole before any other request of
 * this process is handled (better-sqlite3's model). On PostgreSQL each statement is one round trip
 * that blocks this thread (bounded by statement and lock timeouts), and the replicas' writers take
 * turns on a database lock, so the lifecycle's read-then-write steps stay correct across processes.
 */
export type SqlDialect = "sqlite" | "postgres";

export interface SqlStatement {
  /** Runs a statement that returns no rows (or whose rows are not needed): how many rows it changed. */
  run(...params: unknown[]): { changes: number };
  /** The first row, or undefined. */
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqlDatabase {
  readonly dialect: SqlDialect;
  /** A statement, prepared once per SQL text. Parameters: `?` (positional) or `@name` (one object). */
  prepare(sql: string): SqlStatement;
  /** Runs one or more statements without parameters. */
  exec(sql: string): void;
  /**
   * Runs fn in one write transaction: all of it is committed (and durable) when this returns, or
   * none of it. Nested calls are savepoints: a nested failure rolls back alone.
   */
  transaction<T>(fn: () => T): T;
  /** Foreign keys are checked at commit for the rest of the current transaction (a key that is renamed). */
  deferForeignKeys(): void;
  close(): void;
}

/** The SQLite engine: better-sqlite3, IMMEDIATE transactions (the write lock is taken at BEGIN). */
export class SqliteDatabase implements SqlDatabase {
  readonly dialect = "sqlite";
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  prepare(sql: string): SqlStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  deferForeignKeys(): void {
    this.db.pragma("defer_foreign_keys = ON");
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
