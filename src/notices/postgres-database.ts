import { PostgresConnection, type PostgresSessionSettings } from "./postgres-connection.js";
import type { SqlDatabase, SqlStatement } from "./sql-database.js";

/**
 * The notice store's SQL on PostgreSQL (sql-database.ts): the store's `?` and `@name` parameters
 * become `$1…`, and every write transaction first takes one transaction-level advisory lock, the
 * store's write lock, so the writers of every notifier replica sharing the database take turns:
 * the lifecycle reads (is there an open incident? which series ids are taken today?) and writes in
 * one transaction, and no other replica's transaction can slip between the read and the write.
 * Unique keys (an outage per service, start and alert; a series id; a notice id) are the second
 * line: a write that would duplicate one fails and its transaction rolls back whole.
 *
 * READ COMMITTED: each statement after the lock sees everything committed before it was taken.
 */

/** The advisory-lock keys of the notice store (the first half: "SMT"). */
export const STORE_LOCKS = { namespace: 0x534d54, writes: 1, migrations: 2 } as const;

export class PostgresDatabase implements SqlDatabase {
  readonly dialect = "postgres";
  private readonly statements = new Map<string, SqlStatement>();
  private depth = 0;

  constructor(readonly connection: PostgresConnection) {}

  static connect(url: string, settings?: PostgresSessionSettings): PostgresDatabase {
    return new PostgresDatabase(new PostgresConnection(url, settings));
  }

  prepare(sql: string): SqlStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      const { text, names } = numberedParameters(sql);
      const values = (params: unknown[]): unknown[] => {
        const given = names.length > 0 ? names.map((name) => (params[0] as Record<string, unknown>)[name]) : params;
        return given.map((v) => (v === undefined ? null : v));
      };
      const query = (params: unknown[]) => this.connection.query(text, values(params));
      statement = {
        run: (...params) => ({ changes: query(params).rowCount }),
        get: (...params) => query(params).rows[0],
        all: (...params) => query(params).rows,
      };
      this.statements.set(sql, statement);
    }
    return statement;
  }

  exec(sql: string): void {
    this.connection.query(sql);
  }

  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return this.savepoint(fn);
    this.connection.query("BEGIN");
    this.depth = 1;
    try {
      this.connection.query("SELECT pg_advisory_xact_lock($1, $2)", [STORE_LOCKS.namespace, STORE_LOCKS.writes]);
      const result = fn();
      this.connection.query("COMMIT");
      return result;
    } catch (err) {
      try {
        this.connection.query("ROLLBACK");
      } catch {
        // the session is gone: the server rolled the transaction back with it
      }
      throw err;
    } finally {
      this.depth = 0;
    }
  }

  private savepoint<T>(fn: () => T): T {
    const name = `nested_${this.depth}`;
    this.connection.query(`SAVEPOINT ${name}`);
    this.depth++;
    try {
      const result = fn();
      this.connection.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      this.connection.query(`ROLLBACK TO SAVEPOINT ${name}`);
      this.connection.query(`RELEASE SAVEPOINT ${name}`);
      throw err;
    } finally {
      this.depth--;
    }
  }

  deferForeignKeys(): void {
    this.connection.query("SET CONSTRAINTS ALL DEFERRED");
  }

  close(): void {
    this.connection.close();
  }
}

/**
 * `?` (in order) and `@name` (each name one number) as PostgreSQL's `$1, $2…`, outside quoted
 * text and identifiers; `names` is the order of the named parameters (empty when positional).
 */
export function numberedParameters(sql: string): { text: string; names: string[] } {
  const names: string[] = [];
  let positional = 0;
  let text = "";
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      text += c;
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      text += c;
      continue;
    }
    if (c === "?") {
      text += `$${++positional}`;
      continue;
    }
    const name = c === "@" ? /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))?.[0] : undefined;
    if (name) {
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      text += `$${index + 1}`;
      i += name.length;
      continue;
    }
    text += c;
  }
  if (positional > 0 && names.length > 0) throw new Error(`an SQL statement mixes ? and @name parameters: ${sql}`);
  return { text, names };
}
