import { createServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { TLSSocket } from "node:tls";
import type { WebTls } from "./web-config.js";
import type { WebSecurity } from "./web-security.js";

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
export function listenOn(app: RequestListener, listenAddress: { host?: string; port: number }, tls?: WebTls): Promise<Server> {
  const server = tls ? createTlsServer(app, tls) : createServer(app);
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

/**
 * Serves `app` with the web config's TLS, when there is one, and hands the server to the web security
 * so a reload can swap its certificate. Resolves with the server and the port it got (port 0 asks the
 * system for one); rejects with a ListenError.
 */
export async function serveWeb(
  app: RequestListener,
  listenAddress: { host?: string; port: number },
  security?: WebSecurity,
): Promise<{ server: Server; port: number }> {
  const server = await listenOn(app, listenAddress, security?.config.tls);
  security?.attach(server);
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : listenAddress.port };
}

/**
 * An HTTPS server for a web config's tls_server_config. Node checks RequireAndVerifyClientCert
 * itself (rejectUnauthorized); the two types that ask for a certificate without always verifying it
 * are enforced here, when the handshake is done.
 */
function createTlsServer(app: RequestListener, tls: WebTls): Server {
  const server = createHttpsServer({ ...tls.options }, app);
  if (tls.clientAuthType === "RequireAnyClientCert" || tls.clientAuthType === "VerifyClientCertIfGiven") {
    server.on("secureConnection", (socket: TLSSocket) => {
      const given = Object.keys(socket.getPeerCertificate() ?? {}).length > 0;
      if (tls.clientAuthType === "RequireAnyClientCert" ? !given : given && !socket.authorized) socket.destroy();
    });
  }
  // A client speaking plain HTTP to the TLS port is dropped; nothing to log per connection.
  server.on("tlsClientError", () => undefined);
  return server;
}
