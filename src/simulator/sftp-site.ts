import { closeSync, openSync, readdirSync, readSync, statSync, type Stats } from "node:fs";
import { posix, join } from "node:path";
import type { Socket } from "node:net";
import { timingSafeEqual } from "node:crypto";
import ssh2, { type Attributes, type Connection, type ParsedKey, type SFTPWrapper } from "ssh2";
import type { FaultBoard } from "./fault-board.js";
import { sshFingerprint } from "../config/known-hosts.js";
import { armTimer } from "../scheduler/timer.js";

const { Server, utils } = ssh2;
type Server = InstanceType<typeof Server>;
const { STATUS_CODE } = utils.sftp;

/** The banner the site greets with; fault hang_after_banner sends it and then nothing. */
const SFTP_BANNER = "SSH-2.0-SMT_SFTP_Simulator";

/** An SSH key pair as the simulator writes it: the private key (OpenSSH format) and the public line. */
export interface SshKeyPair {
  private: string;
  public: string;
  /** OpenSSH fingerprint of the public key ("SHA256:…"). */
  fingerprint: string;
}

/**
 * An Ed25519 key pair, optionally protected by a passphrase (OpenSSH format, aes256-ctr). Two
 * bcrypt-pbkdf rounds rather than OpenSSH's 16: the simulator starts in every test, and the rounds
 * only slow down guessing the passphrase.
 */
export function generateSshKeyPair(comment: string, passphrase?: string): SshKeyPair {
  // ssh2 1.17's keygen drops a leading zero byte of an Ed25519 public key (about one key in 256),
  // and the line it writes then does not parse: such a pair is thrown away and drawn again.
  for (;;) {
    const pair = utils.generateKeyPairSync("ed25519", passphrase === undefined ? { comment } : { comment, passphrase, cipher: "aes256-ctr", rounds: 2 });
    const parsed = utils.parseKey(pair.public);
    if (parsed instanceof Error || Array.isArray(parsed)) continue;
    return { private: pair.private, public: pair.public, fingerprint: sshFingerprint(parsed.getPublicSSH()) };
  }
}

export interface SftpSiteOptions {
  username: string;
  password: string;
  /** The public key (OpenSSH line) accepted for username besides the password. */
  clientPublicKey: string;
  hostKey: SshKeyPair;
  /** Presented under fault wrong_host_key. */
  wrongHostKey: SshKeyPair;
  faults: FaultBoard;
  /** The directory a login sees (the FTPS site's, so both transports serve the same files). */
  deliveryDirectory: () => string;
}

/**
 * SMT's file delivery over SFTP (since September 2025): an SSH server (ssh2) that serves the FTPS
 * site's directory read-only. Faults of service ftps it honours: auth_failure (every login refused),
 * missing_file and stale_file (the directory), wrong_host_key (another host key),
 * hang_after_banner (the SSH banner, then silence), slow_transfer (reads answered after the
 * fault's delay); refused, hang and slow are the front door's.
 */
export class SftpSite {
  private readonly server: Server;
  private readonly wrongKeyServer: Server;
  private readonly held = new Set<Socket>();
  private readonly clientKey: ParsedKey;

  constructor(private readonly options: SftpSiteOptions) {
    this.clientKey = utils.parseKey(options.clientPublicKey) as ParsedKey;
    this.server = new Server({ hostKeys: [options.hostKey.private], ident: SFTP_BANNER.slice("SSH-2.0-".length) }, (c) => this.serve(c));
    this.wrongKeyServer = new Server({ hostKeys: [options.wrongHostKey.private], ident: SFTP_BANNER.slice("SSH-2.0-".length) }, (c) => this.serve(c));
  }

  /** Serves a connection accepted by the front door. */
  handOver(socket: Socket): void {
    const faults = this.options.faults;
    if (faults.is("ftps", "hang_after_banner")) {
      socket.write(`${SFTP_BANNER}\r\n`);
      this.held.add(socket);
      socket.once("close", () => this.held.delete(socket));
      socket.resume();
      return;
    }
    (faults.is("ftps", "wrong_host_key") ? this.wrongKeyServer : this.server).injectSocket(socket);
  }

  /** Releases connections held by hang_after_banner once the fault is cleared. */
  sync(): void {
    if (this.options.faults.is("ftps", "hang_after_banner")) return;
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  private serve(client: Connection): void {
    client.on("error", () => {});
    client.on("authentication", (ctx) => {
      const o = this.options;
      if (o.faults.is("ftps", "auth_failure") || ctx.username !== o.username) return ctx.reject();
      if (ctx.method === "password") return ctx.password === o.password ? ctx.accept() : ctx.reject();
      if (ctx.method === "publickey") {
        const known = this.clientKey.getPublicSSH();
        if (ctx.key.algo !== this.clientKey.type || ctx.key.data.length !== known.length || !timingSafeEqual(ctx.key.data, known)) return ctx.reject();
        if (ctx.signature && !this.clientKey.verify(ctx.blob ?? Buffer.alloc(0), ctx.signature, ctx.hashAlgo)) return ctx.reject();
        return ctx.accept();
      }
      ctx.reject(["password", "publickey"]);
    });
    client.on("ready", () => {
      const root = this.options.deliveryDirectory();
      client.on("session", (accept) => {
        const session = accept();
        session.on("sftp", (acceptSftp) => this.serveFiles(acceptSftp(), root));
      });
    });
  }

  /** A read-only SFTP subsystem rooted at `root`. */
  private serveFiles(sftp: SFTPWrapper, root: string): void {
    const handles = new Map<string, { path: string; listed?: boolean; fd?: number }>();
    let next = 0;
    const local = (path: string) => join(root, posix.normalize(`/${path}`));
    const newHandle = (entry: { path: string; fd?: number }) => {
      const id = Buffer.alloc(4);
      id.writeUInt32BE(next++);
      handles.set(id.toString("hex"), entry);
      return id;
    };
    const stat = (path: string): Stats | undefined => {
      try {
        return statSync(path);
      } catch {
        return undefined;
      }
    };
    sftp.on("REALPATH", (id, path) => {
      const normal = posix.normalize(`/${path}`);
      sftp.name(id, [{ filename: normal, longname: normal, attrs: {} as Attributes }]);
    });
    const attrsOf = (id: number, path: string) => {
      const st = stat(local(path));
      if (!st) sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
      else sftp.attrs(id, attributes(st));
    };
    sftp.on("STAT", attrsOf);
    sftp.on("LSTAT", attrsOf);
    sftp.on("OPENDIR", (id, path) => {
      const dir = local(path);
      if (!stat(dir)?.isDirectory()) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
      sftp.handle(id, newHandle({ path: dir }));
    });
    sftp.on("READDIR", (id, handle) => {
      const entry = handles.get(handle.toString("hex"));
      if (!entry || entry.fd !== undefined) return sftp.status(id, STATUS_CODE.FAILURE);
      if (entry.listed) return sftp.status(id, STATUS_CODE.EOF);
      entry.listed = true;
      const names = readdirSync(entry.path).flatMap((name) => {
        const st = stat(join(entry.path, name));
        return st ? [{ filename: name, longname: `-rw-r--r-- 1 smt smt ${st.size} ${st.mtime.toUTCString()} ${name}`, attrs: attributes(st) }] : [];
      });
      sftp.name(id, names);
    });
    sftp.on("OPEN", (id, filename, flags) => {
      if (flags !== (utils.sftp.OPEN_MODE.READ as number)) return sftp.status(id, STATUS_CODE.PERMISSION_DENIED);
      const path = local(filename);
      if (!stat(path)?.isFile()) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
      sftp.handle(id, newHandle({ path, fd: openSync(path, "r") }));
    });
    sftp.on("FSTAT", (id, handle) => {
      const entry = handles.get(handle.toString("hex"));
      const st = entry && stat(entry.path);
      if (!st) sftp.status(id, STATUS_CODE.FAILURE);
      else sftp.attrs(id, attributes(st));
    });
    sftp.on("READ", (id, handle, offset, length) => {
      const entry = handles.get(handle.toString("hex"));
      if (entry?.fd === undefined) return sftp.status(id, STATUS_CODE.FAILURE);
      const buffer = Buffer.alloc(Math.min(length, 32 * 1024));
      const n = readSync(entry.fd, buffer, 0, buffer.length, offset);
      const answer = () => {
        if (n === 0) sftp.status(id, STATUS_CODE.EOF);
        else sftp.data(id, buffer.subarray(0, n));
      };
      const slow = this.options.faults.get("ftps");
      if (slow?.fault === "slow_transfer") armTimer(slow.delayMs, answer, { unref: true });
      else answer();
    });
    sftp.on("CLOSE", (id, handle) => {
      const key = handle.toString("hex");
      const entry = handles.get(key);
      if (entry?.fd !== undefined) closeSync(entry.fd);
      handles.delete(key);
      sftp.status(id, entry ? STATUS_CODE.OK : STATUS_CODE.FAILURE);
    });
    sftp.on("close", () => {
      for (const entry of handles.values()) if (entry.fd !== undefined) closeSync(entry.fd);
      handles.clear();
    });
    for (const event of ["WRITE", "FSETSTAT", "SETSTAT", "REMOVE", "RMDIR", "MKDIR", "RENAME", "SYMLINK", "READLINK"]) {
      sftp.on(event, (id: number) => sftp.status(id, STATUS_CODE.PERMISSION_DENIED));
    }
  }

  close(): void {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
    this.server.close();
    this.wrongKeyServer.close();
  }
}

function attributes(st: Stats): Attributes {
  return { mode: st.mode, uid: 0, gid: 0, size: st.size, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) };
}
