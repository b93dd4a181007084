import type { EventEmitter } from "node:events";
import { connect as netConnect, type Socket } from "node:net";
import ssh2, { type FileEntry, type SFTPWrapper } from "ssh2";
// ssh2 is CommonJS: Node gives an ES module its module.exports as the default export only.
const { Client } = ssh2;
type Client = InstanceType<typeof Client>;
import { DateTime } from "luxon";
import type { ResolvedCheck } from "../config/load.js";
import { compilePattern } from "../config/pattern.js";
import { sshFingerprint } from "../config/known-hosts.js";
import { formatByteLimit } from "../config/byte-count.js";
import { MAX_FTPS_LISTING_BYTES } from "./ftps-listing.js";
import { sshPrivateKey } from "./ssh-private-key.js";
import { phase, ProbeFailure, type FailureReason, type Prober, type ProbeContext } from "./probe.js";

type SftpCheck = Extract<ResolvedCheck, { kind: "sftp" }>;

/** The most directory entries an SFTP listing reads (as many as MAX_SFTP_LISTING_BYTES of an FTPS LIST holds). */
export const MAX_SFTP_LISTING_ENTRIES = 200_000;
/** The most bytes of file names an SFTP listing reads: the FTPS listing's cap. */
export const MAX_SFTP_LISTING_BYTES = MAX_FTPS_LISTING_BYTES;

/** SFTP status codes (draft-ietf-secsh-filexfer-02) the probe tells apart. */
const SFTP_EOF = 1;

/**
 * The `sftp` kind (ssh2): connect, SSH handshake with the host key pinned, log in with a password
 * or a private key, list the directory, find the newest file matching the pattern, check its age,
 * and optionally download up to max_bytes of it. Phases: connect, handshake, auth, list, transfer.
 */
export const probeSftp: Prober<SftpCheck> = async (check, ctx) => {
  const s = check.sftp;
  const client = new Client();
  let socket: Socket | undefined;
  const onAbort = () => {
    client.end();
    socket?.destroy();
  };
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  // Errors are taken by whichever step waits; one arriving between steps must not crash the process.
  client.on("error", () => {});
  let presentedKey: string | undefined;
  const step = <T>(name: string, reason: FailureReason, work: () => Promise<T>) =>
    phase(ctx, name, () =>
      work().catch((err: unknown) => {
        throw classify(err, reason, name, ctx, check, presentedKey);
      }),
    );

  try {
    socket = await step("connect", "connect", () => openSocket(s.host, s.port, ctx.signal));
    const sock = socket;
    const login =
      check.secrets.private_key !== undefined
        ? { type: "publickey" as const, username: s.username, key: sshPrivateKey(check.secrets.private_key, check.secrets.passphrase) }
        : { type: "password" as const, username: s.username, password: check.secrets.password ?? "" };
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
          return check.hostKeys.includes(presentedKey);
        },
      });
      return handshake;
    });
    ctx.note(`host key ${presentedKey ?? "?"} is pinned`);
    await step("auth", "sftp_auth", () => untilEvent(client, "ready"));
    const sftp = await step("list", "sftp_list", () => openSftp(client));
    const listing = await step("list", "sftp_list", () => listDirectory(sftp, s.directory));
    const pattern = compilePattern(s.file_pattern);
    const matching = listing.filter((f) => isRegularFile(f) && pattern.test(f.filename));
    ctx.note(`listed ${s.directory}: ${listing.length} entries, ${matching.length} matching ${s.file_pattern}`);
    if (matching.length === 0) throw new ProbeFailure("no_file", `no file in ${s.directory} matches ${s.file_pattern}`);

    const newest = newestFile(check, matching);
    ctx.facts.newestFileTime = newest.time / 1000;
    const age = ctx.now() - newest.time;
    ctx.note(`newest file ${newest.file.filename} at ${new Date(newest.time).toISOString()} (${Math.round(age / 1000)} s old)`);
    if (s.max_file_age !== undefined && age > s.max_file_age) {
      throw new ProbeFailure("stale_file", `newest file ${newest.file.filename} is ${formatAge(age)} old, more than max_file_age ${formatAge(s.max_file_age)}`);
    }

    if (s.download) {
      const limit = s.download.max_bytes;
      const received = await step("transfer", "sftp_transfer", () => download(sftp, newest.path, limit));
      ctx.note(`downloaded ${received} bytes of ${newest.file.filename}${received >= limit ? " (stopped at max_bytes)" : ""}`);
    }
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    client.end();
    socket?.destroy();
  }
};

/** A TCP connection to host:port; the signal destroys it while it connects. */
function openSocket(host: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
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
async function listDirectory(sftp: SFTPWrapper, directory: string): Promise<FileEntry[]> {
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

/** S_IFREG in the mode bits (the attributes of a READDIR entry). */
function isRegularFile(entry: FileEntry): boolean {
  return (entry.attrs.mode & 0o170000) === 0o100000;
}

function newestFile(check: SftpCheck, files: FileEntry[]): { file: FileEntry; path: string; time: number } {
  const s = check.sftp;
  const dir = s.directory.endsWith("/") ? s.directory : `${s.directory}/`;
  const pattern = compilePattern(s.file_pattern);
  let best: { file: FileEntry; time: number } | undefined;
  for (const file of files) {
    let time: number;
    if (s.file_time === "name") {
      const stamp = pattern.exec(file.filename)?.groups?.ts ?? "";
      const parsed = DateTime.fromFormat(stamp, s.file_time_format, { zone: s.file_time_zone });
      if (!parsed.isValid) continue;
      time = parsed.toMillis();
    } else {
      time = file.attrs.mtime * 1000;
    }
    if (!best || time > best.time) best = { file, time };
  }
  if (!best) throw new ProbeFailure("no_file", `no matching file name carries a time stamp in format ${s.file_time_format}`);
  return { ...best, path: dir + best.file.filename };
}

/** Reads at most `limit` bytes of the file; reaching the limit counts as success. Returns the bytes received. */
function download(sftp: SFTPWrapper, path: string, limit: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const stream = sftp.createReadStream(path, { start: 0, end: limit - 1 });
    stream.on("data", (chunk: Buffer) => {
      received += chunk.length;
    });
    stream.once("error", reject);
    stream.once("end", () => resolve(Math.min(received, limit)));
  });
}

function classify(err: unknown, reason: FailureReason, phaseName: string, ctx: ProbeContext, check: SftpCheck, presentedKey: string | undefined): ProbeFailure {
  if (err instanceof ProbeFailure) return err;
  if (ctx.signal.aborted) return new ProbeFailure("timeout", `timed out during ${phaseName}`);
  const e = err as NodeJS.ErrnoException & { level?: string };
  if (presentedKey !== undefined && !check.hostKeys.includes(presentedKey)) {
    return new ProbeFailure("ssh_host_key", `the server presented host key ${presentedKey}, not a pinned one (${check.hostKeys.join(", ")}): refused to log in`);
  }
  if (e.level === "client-authentication") return new ProbeFailure("sftp_auth", `${phaseName}: the server refused the login of ${check.sftp.username} (${e.message})`);
  if (typeof e.code === "string" && /^(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EPIPE)$/.test(e.code) && phaseName === "connect") {
    return new ProbeFailure("connect", `connect failed: ${e.code}`);
  }
  if (typeof e.code === "string" && /^(ENOTFOUND|EAI_AGAIN)$/.test(e.code)) return new ProbeFailure("dns", `cannot resolve host: ${e.code}`);
  if (/timeout|timed out/i.test(e.message)) return new ProbeFailure("timeout", `${phaseName}: ${e.message}`);
  return new ProbeFailure(reason, `${phaseName}: ${e.code !== undefined ? `${String(e.code)} ` : ""}${e.message}`);
}

function formatAge(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes >= 120 ? `${(minutes / 60).toFixed(1)} h` : `${minutes} min`;
}
