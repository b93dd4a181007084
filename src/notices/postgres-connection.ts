import { createRequire } from "node:module";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";

/**
 * One PostgreSQL connection (node-postgres, `pg`) answered synchronously: the client lives in a
 * worker thread, and `query` posts the statement to it and waits (Atomics.wait) for the answer.
 * The notice store's interface is synchronous (sql-database.ts explains why); this is how one
 * PostgreSQL session serves it. Each wait is bounded: the session's statement_timeout and
 * lock_timeout end a statement on the server, and `waitMs` ends the wait here if the server or the
 * network does not answer at all (the worker, and with it the session, is then replaced: an open
 * transaction is rolled back by the server when its socket closes).
 *
 * A lost connection fails the statement that met it; the next statement connects again.
 */
export interface PostgresSessionSettings {
  /** The server ends a statement that runs longer (SET statement_timeout). */
  statementTimeoutMs: number;
  /** The server ends a wait for a lock that lasts longer (SET lock_timeout). */
  lockTimeoutMs: number;
  /** Connecting gives up after this long. */
  connectTimeoutMs: number;
}

export const POSTGRES_SESSION_DEFAULTS: PostgresSessionSettings = { statementTimeoutMs: 30_000, lockTimeoutMs: 20_000, connectTimeoutMs: 10_000 };

/** An error PostgreSQL or the connection reported: `code` is the SQLSTATE (e.g. "23505") or the socket's (e.g. "ECONNREFUSED"). */
export class PostgresError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "PostgresError";
  }
}

interface QueryReply {
  id: number;
  rows?: Record<string, unknown>[];
  rowCount?: number;
  error?: { message: string; code?: string };
}

/**
 * The worker's code, run from its text (so the same file serves the compiled build and the
 * TypeScript sources under test): it must not use anything from this module's scope.
 */
function postgresWorker(): void {
  /* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument */
  const { workerData } = require("node:worker_threads");
  const pg = require(workerData.pgPath);
  // Times in ms and row ids are BIGINT: numbers here (all below 2^53).
  pg.types.setTypeParser(20, (text: string) => Number(text));
  pg.types.setTypeParser(1700, (text: string) => Number(text));
  const { port, flag, url, settings } = workerData;
  let client: { query: (text: string, values?: unknown[]) => Promise<{ rows: unknown[]; rowCount: number | null }>; end: () => Promise<void> } | undefined;
  let connecting: Promise<unknown> | undefined;
  const connect = () => {
    const next = new pg.Client({
      connectionString: url,
      statement_timeout: settings.statementTimeoutMs,
      lock_timeout: settings.lockTimeoutMs,
      connectionTimeoutMillis: settings.connectTimeoutMs,
      application_name: "smt-monitor notifier",
    });
    // A connection lost between statements: the next one connects again.
    next.on("error", () => {
      if (client === next) client = undefined;
    });
    next.on("end", () => {
      if (client === next) client = undefined;
    });
    client = next;
    connecting = next.connect().catch((err: unknown) => {
      if (client === next) client = undefined;
      throw err;
    });
    return connecting;
  };
  const answer = (reply: unknown) => {
    port.postMessage(reply);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  port.on("message", async (message: { id: number; sql: string; params?: unknown[] }) => {
    try {
      if (!client) await connect();
      else await connecting;
      const result = await client!.query(message.sql, message.params);
      answer({ id: message.id, rows: result.rows, rowCount: result.rowCount ?? 0 });
    } catch (err: any) {
      const first = err?.errors?.[0] ?? err;
      const text = String(err?.message || first?.message || err);
      // node-postgres's own errors for a lost session carry no code: SQLSTATE 08006 (connection_failure).
      const code = err?.code ?? first?.code ?? (/connection|terminated|timeout|closed/i.test(text) ? "08006" : undefined);
      answer({ id: message.id, error: { message: text, code } });
    }
  });
  /* eslint-enable */
}

export class PostgresConnection {
  private worker?: Worker;
  private port?: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  private readonly pgPath = createRequire(import.meta.url).resolve("pg");

  constructor(
    private readonly url: string,
    readonly settings: PostgresSessionSettings = POSTGRES_SESSION_DEFAULTS,
  ) {}

  /** How long one statement may keep this thread waiting: the server's own limits, then a margin. */
  get waitMs(): number {
    return Math.max(this.settings.statementTimeoutMs, this.settings.lockTimeoutMs) + this.settings.connectTimeoutMs + 5_000;
  }

  private start(): MessagePort {
    if (this.port) return this.port;
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(`(${postgresWorker.toString()})()`, {
      eval: true,
      workerData: { pgPath: this.pgPath, url: this.url, settings: this.settings, port: port2, flag: this.flag },
      transferList: [port2],
    });
    this.worker.unref();
    this.port = port1;
    return port1;
  }

  /** Runs one statement and returns its rows; throws PostgresError. Blocks this thread until the answer. */
  query(sql: string, params?: readonly unknown[]): { rows: Record<string, unknown>[]; rowCount: number } {
    const port = this.start();
    const id = this.nextId++;
    Atomics.store(this.flag, 0, 0);
    port.postMessage({ id, sql, params });
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      let reply: QueryReply | undefined;
      while ((reply = receiveMessageOnPort(port)?.message as QueryReply | undefined)) {
        if (reply.id !== id) continue; // the answer to a statement given up on earlier
        if (reply.error) throw new PostgresError(reply.error.message, reply.error.code);
        return { rows: reply.rows ?? [], rowCount: reply.rowCount ?? 0 };
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.reset();
        throw new PostgresError(`PostgreSQL did not answer within ${Math.round(this.waitMs / 1000)} s`, "ETIMEDOUT");
      }
      // Not answered yet: sleep until the worker says so; answered but not yet received: a moment.
      if (Atomics.load(this.flag, 0) === 0) Atomics.wait(this.flag, 0, 0, left);
      else Atomics.wait(this.flag, 0, 1, 1);
    }
  }

  /** Ends the session (and its worker); the next query starts a new one. */
  private reset(): void {
    const worker = this.worker;
    this.port?.close();
    this.port = undefined;
    this.worker = undefined;
    if (worker) void worker.terminate();
  }

  close(): void {
    this.reset();
  }
}
