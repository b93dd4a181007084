import { createServer, type RequestListener, type Server } from "node:http";

/** A listen address that cannot be bound: a runtime failure (exit 1), said in one line. */
export class ListenError extends Error {
  constructor(
    readonly address: string,
    readonly code: string | undefined,
  ) {
    super(`cannot listen on ${address}: ${describe(code)}`);
    this.name = "ListenError";
  }
}

function describe(code: string | undefined): string {
  switch (code) {
    case "EADDRINUSE":
      return "the address is already in use (EADDRINUSE): stop the other process or choose another --web.listen-address";
    case "EACCES":
      return "permission denied (EACCES): ports below 1024 need privileges; choose another --web.listen-address";
    case "EADDRNOTAVAIL":
      return "no such address on this machine (EADDRNOTAVAIL): choose another --web.listen-address";
    default:
      return `${code ?? "unknown error"}: choose another --web.listen-address`;
  }
}

/**
 * Serves `app` on host:port and resolves once the socket is bound; rejects with a ListenError when it
 * cannot be (Express 5's `app.listen` hands that error to its callback, which is easy to mistake for
 * success: the process then said "listening" and served nothing).
 */
export function listenOn(app: RequestListener, listenAddress: { host?: string; port: number }): Promise<Server> {
  const server = createServer(app);
  const shown = `${listenAddress.host ?? "0.0.0.0"}:${listenAddress.port}`;
  return new Promise<Server>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new ListenError(shown, err.code));
    server.once("error", onError);
    server.listen(listenAddress.port, listenAddress.host ?? "", () => {
      server.off("error", onError);
      resolve(server);
    });
  });
}
