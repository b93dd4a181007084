import { checkServerIdentity, type DetailedPeerCertificate, type TLSSocket } from "node:tls";
import { ProbeFailure } from "./probe.js";
import type { ResolvedTls } from "../config/load.js";

/**
 * The peer's chain as Node parses it, once per socket. Node rebuilds the chain as JavaScript objects
 * (subjects, keys, three fingerprints per certificate) on every getPeerCertificate() call; with
 * OpenSSL 3.0 a detailed call costs about 0.47 ms, so reading it once each for the handshake's
 * host-name check, earliestNotAfter and verifyPeer was about an eighth of an HTTPS probe's CPU
 * (docs/performance.md).
 */
const chains = new WeakMap<TLSSocket, DetailedPeerCertificate>();

/**
 * Keeps the chain Node already parsed during the handshake (handed to a `checkServerIdentity`
 * option) for the later reads on this socket. When the chain fails verification Node parses none
 * there, and the first read below does.
 */
export function rememberPeerChain(socket: TLSSocket, chain: DetailedPeerCertificate): void {
  chains.set(socket, chain);
}

function peerChain(socket: TLSSocket): DetailedPeerCertificate {
  let chain = chains.get(socket);
  if (!chain) {
    chain = socket.getPeerCertificate(true);
    chains.set(socket, chain);
  }
  return chain;
}

/** Earliest notAfter (Unix seconds) over the chain the peer presented, or undefined without one. */
export function earliestNotAfter(socket: TLSSocket): number | undefined {
  const leaf = peerChain(socket);
  if (!leaf.valid_to) return undefined;
  let earliest = Infinity;
  const seen = new Set<string>();
  for (let cert: DetailedPeerCertificate | undefined = leaf; cert && cert.valid_to; cert = cert.issuerCertificate) {
    if (seen.has(cert.fingerprint256)) break;
    seen.add(cert.fingerprint256);
    const notAfter = Date.parse(cert.valid_to) / 1000;
    if (Number.isFinite(notAfter) && notAfter < earliest) earliest = notAfter;
  }
  return Number.isFinite(earliest) ? earliest : undefined;
}

/**
 * Verifies the peer the way a browser would (chain, expiry, host name), unless the check says
 * insecure_skip_verify. Handshakes run with rejectUnauthorized off so that the certificate's
 * expiry is recorded even when it is what makes the check fail.
 */
export function verifyPeer(socket: TLSSocket, host: string, tls: ResolvedTls): void {
  if (tls.insecureSkipVerify) return;
  if (!socket.authorized) {
    // Node folds the host-name check into authorizationError when a server name was sent.
    if (socket.authorizationError?.toString().includes("ALTNAME")) {
      const identity = checkServerIdentity(tls.serverName ?? host, peerChain(socket));
      throw new ProbeFailure("tls", `certificate does not match host: ${identity?.message ?? String(socket.authorizationError)}`);
    }
    throw new ProbeFailure("tls", `certificate verification failed: ${String(socket.authorizationError ?? "unknown error")}`);
  }
  const identityError = checkServerIdentity(tls.serverName ?? host, peerChain(socket));
  if (identityError) throw new ProbeFailure("tls", `certificate does not match host: ${identityError.message}`);
}
