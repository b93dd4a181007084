import { createHash } from "node:crypto";
import ssh2, { type ParsedKey } from "ssh2";

const { utils } = ssh2;
import { ProbeFailure } from "./probe.js";

/** How many decrypted keys are kept (one per distinct key and passphrase of the config's sftp checks). */
const MAX_CACHED_KEYS = 64;
const cache = new Map<string, ParsedKey>();

/**
 * A private key, decrypted once: opening a passphrase-protected OpenSSH key runs bcrypt-pbkdf
 * (16 rounds by default, over a second of CPU in pure JavaScript), far too dear for every probe.
 * The config loader has already checked that key and passphrase open (src/config/load.ts).
 */
export function sshPrivateKey(text: string, passphrase: string | undefined): ParsedKey {
  const digest = createHash("sha256")
    .update(text)
    .update("\0")
    .update(passphrase ?? "")
    .digest("hex");
  const cached = cache.get(digest);
  if (cached) return cached;
  const key = utils.parseKey(text, passphrase);
  if (key instanceof Error) throw new ProbeFailure("sftp_auth", `cannot open the private key: ${key.message}`);
  if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value!);
  cache.set(digest, key);
  return key;
}
