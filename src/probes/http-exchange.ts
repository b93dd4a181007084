import { lookup } from "node:dns/promises";
import type { IncomingHttpHeaders } from "node:http";
import { connect as netConnect, isIP, type Socket } from "node:net";
import { checkServerIdentity as nodeCheckServerIdentity, connect as tlsConnect, type PeerCertificate, type TLSSocket } from "node:tls";
import { Http1Exchange } from "./http1-exchange.js";
import { ProbeFailure, type ProbeContext } from "./probe.js";
import { earliestNotAfter, endHandshakeRead, readLeafOnlyDuringHandshake, verifyPeer } from "./tls-peer.js";
import type { ResolvedTls } from "../config/load.js";
import { VERSION } from "../version.js";

export interface ExchangeRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  tls: ResolvedTls;
  maxBodyBytes: number;
  /** The local address to connect from (the config's source_address); absent: the system's choice. */
  sourceAddress?: string;
}

export interface ExchangeResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const USER_AGENT = `smt-monitor/${VERSION}`;

/**
 * One HTTP(S) request over a fresh connection, timed phase by phase (dns, connect, tls,
 * processing, transfer), because connection set-up is part of availability. Aborting the
 * context's signal destroys the sockets at once and fails with reason "timeout".
 */
export async function exchange(req: ExchangeRequest, ctx: ProbeContext): Promise<ExchangeResponse> {
  // The connection's sockets, innermost first. Only the outermost is destroyed: destroying a TCP
  // socket under a live TLS socket makes Node crash (use after free in the TLS wrap).
  const sockets: Socket[] = [];
  const destroy = () => sockets[sockets.length - 1]?.destroy();
  let current = "dns";
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      destroy();
      reject(new ProbeFailure("timeout", `timed out during ${current} (${req.url.host})`));
    };
  });
  aborted.catch(() => {});
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener("abort", onAbort, { once: true });

  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    current = name;
    const start = performance.now();
    try {
      return await Promise.race([work(), aborted]);
    } finally {
      ctx.phases[name] = (ctx.phases[name] ?? 0) + (performance.now() - start) / 1000;
    }
  };

  try {
    const host = req.url.hostname.replace(/^\[(.*)\]$/, "$1");
    const https = req.url.protocol === "https:";
    const port = Number(req.url.port || (https ? 443 : 80));

    const address = await step("dns", async () => {
      if (isIP(host)) return host;
      try {
        return (await lookup(host)).address;
      } catch (err) {
        throw new ProbeFailure("dns", `cannot resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    });

    const tcp = await step("connect", () => connectTcp(address, port, sockets, req.sourceAddress));
    let conn: Socket = tcp;
    if (https) {
      const secure = await step("tls", () => handshake(tcp, host, req.tls, sockets));
      ctx.facts.certNotAfter = earliestNotAfter(secure);
      verifyPeer(secure, host, req.tls);
      conn = secure;
    }

    let http1: Http1Exchange | undefined;
    const head = await step("processing", () => {
      http1 = new Http1Exchange(conn, {
        method: req.method,
        target: `${req.url.pathname}${req.url.search}`,
        headers: requestHeaders(req),
        body: req.body,
        maxBodyBytes: req.maxBodyBytes,
      });
      return http1.head;
    });
    const body = await step("transfer", () => http1!.body());
    return { status: head.status, headers: head.headers, body };
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    destroy();
  }
}

function connectTcp(address: string, port: number, sockets: Socket[], localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: address, port, noDelay: true, ...(localAddress !== undefined ? { localAddress } : {}) });
    sockets.push(socket);
    socket.once("connect", () => {
      socket.removeAllListeners("error");
      socket.on("error", () => {});
      resolve(socket);
    });
    socket.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new ProbeFailure(
          "connect",
          `connect to ${address}:${port}${localAddress !== undefined ? ` from ${localAddress}` : ""} failed: ${err.code ?? err.message}`,
        ),
      ),
    );
  });
}

function handshake(socket: Socket, host: string, tls: ResolvedTls, sockets: Socket[]): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const servername = tls.serverName ?? (isIP(host) ? undefined : host);
    const identity = tls.serverName ?? host;
    let leaf: PeerCertificate | undefined;
    const secure = tlsConnect({
      socket,
      servername,
      secureContext: tls.secureContext,
      rejectUnauthorized: false,
      ALPNProtocols: ["http/1.1"],
      // Node's own host-name check, on the name the probe verifies (for an IP address without
      // server_name Node would check "localhost"); the leaf it is handed is kept.
      checkServerIdentity: (_hostname, cert) => {
        leaf = cert;
        return nodeCheckServerIdentity(identity, cert);
      },
    });
    readLeafOnlyDuringHandshake(secure);
    sockets.push(secure);
    // Not a once() that outlives the handshake: it would build a ProbeFailure (and its stack) at every close.
    const onClose = () => reject(new ProbeFailure("tls", "connection closed during the TLS handshake"));
    secure.once("secureConnect", () => {
      secure.removeAllListeners("error");
      secure.removeListener("close", onClose);
      secure.on("error", () => {});
      endHandshakeRead(secure, leaf);
      resolve(secure);
    });
    secure.once("error", (err: NodeJS.ErrnoException) => reject(new ProbeFailure("tls", `TLS handshake failed: ${err.code ?? ""} ${err.message}`.trim())));
    secure.once("close", onClose);
  });
}

/** The request's headers: ours first, then the check's (which may replace them). */
function requestHeaders(req: ExchangeRequest): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    Host: req.url.host,
    "User-Agent": USER_AGENT,
    Accept: "*/*",
    Connection: "close",
    ...req.headers,
  };
  if (req.body) headers["Content-Length"] = req.body.length;
  return headers;
}
