import type { Server } from "node:http";
import type { ObjectiveEntry } from "../config/objectives-schema.js";
import type { Logger } from "../log/logger.js";
import { NoticeStoreReader } from "../notices/notice-store.js";
import { PromqlClient } from "../report/promql-client.js";
import { serveWeb } from "../web/listen.js";
import { createStatusApp } from "./status-app.js";
import { StatusBoard } from "./status-board.js";
import { StatusFigureSource } from "./status-figures.js";

/** One request to Prometheus for the status page may take this long (the page waits for it once a minute). */
export const STATUS_PROMQL_TIMEOUT_MS = 10_000;

export interface StatusServerOptions {
  /** Prometheus's base URL (the report's client reads it). */
  prometheusUrl: string;
  /** The notifier's store, opened read-only. */
  noticesPath: string;
  listenAddress: { host?: string; port: number };
  /** The address the public reaches the page at (the feed's links); default http://host:port. */
  externalUrl?: string;
  objectives?: readonly ObjectiveEntry[];
  now?: () => number;
  logger?: Logger;
  timeoutMs?: number;
  maxAgeMs?: number;
}

/**
 * `smt-monitor status`: the public status page as its own process, apart from the notifier. It holds
 * no secret (no webhook token, no reviewer password), opens the notice store read-only and reads only
 * sent notices, so the listener the public reaches can do nothing but read what is public.
 */
export class StatusServer {
  private constructor(
    readonly url: string,
    readonly port: number,
    private readonly server: Server,
    private readonly reader: NoticeStoreReader,
  ) {}

  /** Opens the store (NoticeStoreError when it is not the notifier's) and listens (ListenError). */
  static async start(o: StatusServerOptions): Promise<StatusServer> {
    const prometheus = new PromqlClient(o.prometheusUrl, { timeoutMs: o.timeoutMs ?? STATUS_PROMQL_TIMEOUT_MS });
    const reader = NoticeStoreReader.open(o.noticesPath);
    const now = o.now ?? Date.now;
    try {
      const board = new StatusBoard({
        figureSource: new StatusFigureSource(prometheus, o.objectives),
        notices: reader,
        now,
        logger: o.logger,
        maxAgeMs: o.maxAgeMs,
      });
      let externalUrl = o.externalUrl;
      const app = createStatusApp(board, { externalUrl: () => externalUrl!, now, logger: o.logger });
      const { server, port } = await serveWeb(app, o.listenAddress);
      server.keepAliveTimeout = 65_000;
      const url = `http://${o.listenAddress.host && o.listenAddress.host !== "0.0.0.0" ? o.listenAddress.host : "127.0.0.1"}:${port}`;
      externalUrl ??= url;
      o.logger?.info({ address: `${o.listenAddress.host ?? "0.0.0.0"}:${port}`, store: o.noticesPath }, "status page listening");
      return new StatusServer(url, port, server, reader);
    } catch (err) {
      reader.close();
      throw err;
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.reader.close();
  }
}
