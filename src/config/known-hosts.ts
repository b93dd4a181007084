import { createHash, createHmac } from "node:crypto";

/** The OpenSSH fingerprint of a host key blob: "SHA256:" and the unpadded base64 of its SHA-256. */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** The name a known_hosts line gives a host: "host" on port 22, "[host]:port" otherwise (sshd(8), SSH_KNOWN_HOSTS FILE FORMAT). */
function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatch(glob: string, name: string): boolean {
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return re.test(name);
}

function hostMatches(field: string, name: string): boolean {
  if (field.startsWith("|1|")) {
    // Hashed entry: |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
    const [, , salt, hash] = field.split("|");
    if (!salt || !hash) return false;
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  let matched = false;
  for (const pattern of field.split(",")) {
    if (pattern.startsWith("!")) {
      if (globMatch(pattern.slice(1), name)) return false;
    } else if (globMatch(pattern, name)) matched = true;
  }
  return matched;
}

/**
 * The fingerprints a known_hosts text pins for host:port: plain, wildcard and hashed host names.
 * `@cert-authority` lines are skipped (host certificates are not supported) and a key marked
 * `@revoked` is never returned, even when another line lists it.
 */
export function knownHostFingerprints(text: string, host: string, port: number): string[] {
  const name = knownHostName(host, port);
  const pinned = new Set<string>();
  const revoked = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]!.startsWith("@") ? fields.shift() : undefined;
    const [hosts, , key] = fields;
    if (hosts === undefined || key === undefined || marker === "@cert-authority") continue;
    if (!hostMatches(hosts, name)) continue;
    const fingerprint = sshFingerprint(Buffer.from(key, "base64"));
    (marker === "@revoked" ? revoked : pinned).add(fingerprint);
  }
  return [...pinned].filter((f) => !revoked.has(f));
}
