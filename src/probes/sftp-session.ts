import type { EventEmitter } from "node:events";
import { connect as netConnect, type Socket } from "node:net";
import ssh2, { type FileEntry, type SFTPWrapper } from "ssh2";
import { DateTime } from "luxon";
import type { SftpProbeSettings } from "../config/schema.js";
import { compilePattern } from "../config/pattern.js";
import { sshFingerprint } from "../config/known-hosts.js";
import { formatByteLimit } from "../config/byte-count.js";
import { MAX_FTPS_LISTING_BYTES } from "./ftps-listing.js";
import { sshPrivateKey } from "./ssh-private-key.js";
import { phase, ProbeFailure, type FailureReason, type ProbeContext } from "./probe.js";

// ssh2 is CommonJS: Node gives an ES module its module.exports as the default export only.
const { Client } = ssh2;
type Client = InstanceType<typeof Client>;

/** The most directory entries an SFTP listing reads (as many as MAX_SFTP_LISTING_BYTES of an FTPS LIST holds). */
export const MAX_SFTP_LISTING_ENTRIES = 200_000;
/** The most bytes of file names an SFTP listing reads: the FTPS listing's cap. */
export const MAX_SFTP_LISTING_BYTES = MAX_FTPS_LISTING_BYTES;

/** SFTP status codes (draft-ietf-secsh-filexfer-02) the session tells apart. */
const SFTP_EOF = 1;

/** What an SFTP session needs of a resolved check (a probe check, or an energy-data check's connection). */
export interface SftpConnection {
  sftp: SftpProbeSettings;
  secrets: Record<string, string>;
  hostKeys: string[];
  /** The local address to connect from (the config's source_address); absent: the system's choice. */
  sourceAddress?: string;
}

/** A step of the session: timed as a phase, its errors turned into a ProbeFailure with `reason`. */
export type SftpStep = <T>(name: string, reason: FailureReason, work: () => Promise<T>) => Promise<T>;

export interface SftpSession {
  sftp: SFTPWrapper;
  step: SftpStep;
  /** Ends the session and destroys its socket (also done when ctx.signal aborts). */
  close(): void;
}

/**
 * Connects, runs the SSH handshake with the host key pinned and logs in, then opens the SFTP
 * subsystem: phases connect, handshake, auth and list. A host key that is not pinned ends the
 * connection before the login is sent (reason ssh_host_key). Every socket is destroyed when
 * ctx.signal aborts, and by close().
 */
export async function openSftpSession(c: SftpConnection, ctx: ProbeContext): Promise<SftpSession> {
  const s = c.sftp;
  const client = new Client();
  let socket: Socket | undefined;
  const close = () => {
    ctx.signal.removeEventListener("abort", onAbort);
    client.end();
    socket?.destroy();
  };
  const onAbort = () => {
    client.end();
    socket?.destroy();
  };
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  // Errors are taken by whichever step waits; one arriving between steps must not crash the process.
  client.on("error", () => {});
  let presentedKey: string | undefined;
  const step: SftpStep = (name, reason, work) =>
    phase(ctx, name, () =>
      work().catch((err: unknown) => {
        throw classify(err, reason, name, ctx, c, presentedKey);
      }),
    );
  try {
    socket = await step("connect", "connect", () => openSocket(s.host, s.port, ctx.signal, c.sourceAddress));
    const sock = socket;
    const login =
      c.secrets.private_key !== undefined
        ? { type: "publickey" as const, username: s.username, key: sshPrivateKey(c.secrets.private_key, c.secrets.passphrase) }
        : { type: "password" as const, username: s.username, password: c.secrets.password ?? "" };
    await step("handshake", "protocol", () => {
      const handshake = untilEvent(client, "handshake");
      client.connect({
        sock,
        username: s.username,
        authHandler: [login],
        // The run's hard timeout bounds the handshake; ssh2's own timer would race it.
        readyTimeout: 0,
        tryKeyboard: false,
        hostVerifier: (key: Buffer) => {
          presentedKey = sshFingerprint(key);
          return c.hostKeys.includes(presentedKey);
        },
      });
      return handshake;
    });
    ctx.note(`host key ${presentedKey ?? "?"} is pinned`);
    await step("auth", "sftp_auth", () => untilEvent(client, "ready"));
    const sftp = await step("list", "sftp_list", () => openSftp(client));
    return { sftp, step, close };
  } catch (err) {
    close();
    throw err;
  }
}

/** A TCP connection to host:port; the signal destroys it while it connects. */
function openSocket(host: string, port: number, signal: AbortSignal, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, ...(localAddress !== undefined ? { localAddress } : {}) });
    const onAbort = () => socket.destroy(new Error("aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => {
      signal.removeEventListener("abort", onAbort);
      socket.removeListener("error", reject);
      socket.on("error", () => {});
      resolve(socket);
    });
    socket.once("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      reject(err);
    });
  });
}

/** Resolves on the client's `event`; rejects on its first error or when the connection closes first. */
function untilEvent(sshClient: Client, event: "handshake" | "ready"): Promise<void> {
  const client: EventEmitter = sshClient;
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      client.removeListener(event, onEvent);
      client.removeListener("error", onError);
      client.removeListener("close", onClose);
      if (err) reject(err);
      else resolve();
    };
    const onEvent = () => done();
    const onError = (err: Error) => done(err);
    const onClose = () => done(new Error(`connection closed before ${event}`));
    client.on(event, onEvent);
    client.on("error", onError);
    client.on("close", onClose);
  });
}

function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))));
}

/** Reads a directory batch by batch, failing with reason sftp_list past MAX_SFTP_LISTING_ENTRIES or _BYTES. */
export async function listDirectory(sftp: SFTPWrapper, directory: string): Promise<FileEntry[]> {
  const handle = await new Promise<Buffer>((resolve, reject) => sftp.opendir(directory, (err, h) => (err ? reject(err) : resolve(h))));
  const entries: FileEntry[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const batch = await new Promise<FileEntry[] | false>((resolve, reject) =>
        sftp.readdir(handle, (err, list) => {
          if (err && (err as { code?: unknown }).code === SFTP_EOF) resolve(false);
          else if (err) reject(err);
          else resolve(list);
        }),
      );
      if (batch === false) return entries;
      for (const entry of batch) {
        bytes += Buffer.byteLength(entry.filename) + Buffer.byteLength(entry.longname);
        entries.push(entry);
      }
      if (entries.length > MAX_SFTP_LISTING_ENTRIES || bytes > MAX_SFTP_LISTING_BYTES) {
        throw new ProbeFailure(
          "sftp_list",
          `the listing of ${directory} exceeded ${MAX_SFTP_LISTING_ENTRIES} entries or ${formatByteLimit(MAX_SFTP_LISTING_BYTES)}`,
        );
      }
    }
  } finally {
    sftp.close(handle, () => {});
  }
}

/** A listed file and its time (from the name's time stamp or the mtime, per file_time). */
export interface TimedFile {
  file: FileEntry;
  time: number;
}

/** The regular files whose names match file_pattern, with their times; none is reason no_file. */
export function matchingFiles(s: SftpProbeSettings, listing: FileEntry[]): TimedFile[] {
  const pattern = compilePattern(s.file_pattern);
  const matching = listing.filter((f) => isRegularFile(f) && pattern.test(f.filename));
  if (matching.length === 0) throw new ProbeFailure("no_file", `no file in ${s.directory} matches ${s.file_pattern}`);
  const out: TimedFile[] = [];
  for (const file of matching) {
    if (s.file_time === "name") {
      const stamp = pattern.exec(file.filename)?.groups?.ts ?? "";
      const parsed = DateTime.fromFormat(stamp, s.file_time_format, { zone: s.file_time_zone });
      if (parsed.isValid) out.push({ file, time: parsed.toMillis() });
    } else out.push({ file, time: file.attrs.mtime * 1000 });
  }
  if (out.length === 0) throw new ProbeFailure("no_file", `no matching file name carries a time stamp in format ${s.file_time_format}`);
  return out;
}

/** The directory's path with a trailing slash, to put a file name after. */
export function directoryPrefix(s: SftpProbeSettings): string {
  return s.directory.endsWith("/") ? s.directory : `${s.directory}/`;
}

/** S_IFREG in the mode bits (the attributes of a READDIR entry). */
function isRegularFile(entry: FileEntry): boolean {
  return (entry.attrs.mode & 0o170000) === 0o100000;
}

/**
 * Reads the file from its start: up to `limit` bytes, or the whole file failing past `limit` when
 * `whole` (the energy-data check reads files whole).
 */
export function readFileStart(sftp: SFTPWrapper, path: string, limit: number, whole = false): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    // One byte past the limit tells a file that is too large from one exactly at it.
    const stream = sftp.createReadStream(path, { start: 0, end: whole ? limit : limit - 1 });
    stream.on("data", (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    });
    stream.once("error", reject);
    stream.once("end", () => {
      if (whole && received > limit) reject(new ProbeFailure("sftp_transfer", `${path} is larger than files.max_bytes (${limit})`));
      else resolve(Buffer.concat(chunks).subarray(0, limit));
    });
  });
}

function classify(
  err: unknown,
  reason: FailureReason,
  phaseName: string,
  ctx: ProbeContext,
  c: SftpConnection,
  presentedKey: string | undefined,
): ProbeFailure {
  if (err instanceof ProbeFailure) return err;
  if (ctx.signal.aborted) return new ProbeFailure("timeout", `timed out during ${phaseName}`);
  const e = err as NodeJS.ErrnoException & { level?: string };
  if (presentedKey !== undefined && !c.hostKeys.includes(presentedKey)) {
    return new ProbeFailure("ssh_host_key", `the server presented host key ${presentedKey}, not a pinned one (${c.hostKeys.join(", ")}): refused to log in`);
  }
  if (e.level === "client-authentication")
    return new ProbeFailure("sftp_auth", `${phaseName}: the server refused the login of ${c.sftp.username} (${e.message})`);
  if (typeof e.code === "string" && /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EPIPE)$/.test(e.code) && phaseName === "connect") {
    return new ProbeFailure("connect", `connect failed: ${e.code}`);
  }
  if (typeof e.code === "string" && /^(ENOTFOUND|EAI_AGAIN)$/.test(e.code)) return new ProbeFailure("dns", `cannot resolve host: ${e.code}`);
  if (/timeout|timed out/i.test(e.message)) return new ProbeFailure("timeout", `${phaseName}: ${e.message}`);
  return new ProbeFailure(reason, `${phaseName}: ${e.code !== undefined ? `${String(e.code)} ` : ""}${e.message}`);
}
