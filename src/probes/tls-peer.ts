import { checkServerIdentity, TLSSocket, type PeerCertificate } from "node:tls";
import { ProbeFailure } from "./probe.js";
import type { ResolvedTls } from "../config/load.js";

/**
 * What a probe reads of the peer's certificates, once per socket: the leaf (for the host-name
 * check) and the earliest notAfter of the chain the peer presented (the expiry metric).
 *
 * Node's detailed `getPeerCertificate(true)` rebuilds the whole chain as JavaScript objects
 * (subjects, keys, three fingerprints per certificate, plus the issuer it finds in the trust store)
 * and, left alone, Node calls it at the end of every verified handshake: about a sixth of an HTTPS
 * probe's CPU (docs/performance.md, "CPU per probe"). Nothing here needs that much:
 * - the host-name check reads the leaf's subject and subjectaltname: the leaf-only
 *   `getPeerCertificate(false)` (an eighth of the cost);
 * - the expiry reads each presented certificate's notAfter: `getPeerX509Certificate()`, which hands
 *   out OpenSSL's already-parsed certificates without converting them.
 */
interface PeerFacts {
  leaf?: PeerCertificate;
  notAfter?: number;
  notAfterRead: boolean;
}

const facts = new WeakMap<TLSSocket, PeerFacts>();

function factsOf(socket: TLSSocket): PeerFacts {
  let f = facts.get(socket);
  if (!f) {
    f = { notAfterRead: false };
    facts.set(socket, f);
  }
  return f;
}

/** The leaf-only read, whatever `detailed` says (installed on a socket during its handshake). */
function leafOnly(this: TLSSocket): PeerCertificate {
  return TLSSocket.prototype.getPeerCertificate.call(this, false);
}

/**
 * Call right after `tls.connect` (before the handshake ends): Node's own host-name check at the end
 * of the handshake then reads the leaf only instead of the detailed chain. Its verdict
 * (`authorized`, `authorizationError`) is unchanged: Node's `checkServerIdentity` reads only the
 * leaf's subject and subjectaltname. Undo with `endHandshakeRead` once the handshake is over.
 */
export function readLeafOnlyDuringHandshake(socket: TLSSocket): void {
  (socket as { getPeerCertificate: TLSSocket["getPeerCertificate"] }).getPeerCertificate = leafOnly as TLSSocket["getPeerCertificate"];
}

/** Restores the socket's own getPeerCertificate and keeps the leaf Node read during the handshake (if it read one). */
export function endHandshakeRead(socket: TLSSocket, leaf: PeerCertificate | undefined): void {
  delete (socket as Partial<Pick<TLSSocket, "getPeerCertificate">>).getPeerCertificate;
  if (leaf) factsOf(socket).leaf = leaf;
}

function peerLeaf(socket: TLSSocket): PeerCertificate {
  const f = factsOf(socket);
  f.leaf ??= socket.getPeerCertificate(false);
  return f.leaf;
}

/** Most certificates a chain is followed through (a peer may present a loop or a very long list). */
const MAX_CHAIN = 16;

/**
 * Earliest notAfter (Unix seconds) over the chain the peer presented, or undefined without one.
 * Read once per socket: in Node 20, `getPeerX509Certificate()` on a client socket takes the
 * certificates out of the connection (a second call, or a later `getPeerCertificate`, finds
 * none), so the leaf is read before it and both are kept.
 */
export function earliestNotAfter(socket: TLSSocket): number | undefined {
  const f = factsOf(socket);
  if (f.notAfterRead) return f.notAfter;
  peerLeaf(socket);
  f.notAfterRead = true;
  let earliest = Infinity;
  const seen = new Set<string>();
  let cert = socket.getPeerX509Certificate();
  for (let n = 0; cert && n < MAX_CHAIN; n++, cert = cert.issuerCertificate) {
    if (seen.has(cert.fingerprint256)) break;
    seen.add(cert.fingerprint256);
    const notAfter = Date.parse(cert.validTo) / 1000;
    if (Number.isFinite(notAfter) && notAfter < earliest) earliest = notAfter;
  }
  f.notAfter = Number.isFinite(earliest) ? earliest : undefined;
  return f.notAfter;
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
      const identity = checkServerIdentity(tls.serverName ?? host, peerLeaf(socket));
      throw new ProbeFailure("tls", `certificate does not match host: ${identity?.message ?? String(socket.authorizationError)}`);
    }
    throw new ProbeFailure("tls", `certificate verification failed: ${String(socket.authorizationError ?? "unknown error")}`);
  }
  const identityError = checkServerIdentity(tls.serverName ?? host, peerLeaf(socket));
  if (identityError) throw new ProbeFailure("tls", `certificate does not match host: ${identityError.message}`);
}
