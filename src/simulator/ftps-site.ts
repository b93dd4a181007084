import { mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import type { Socket } from "node:net";
import { createSecureContext, TLSSocket, type SecureContextOptions } from "node:tls";
import { DateTime } from "luxon";
import ftpSrvModule from "ftp-srv";
const { FtpSrv } = ftpSrvModule;
import type { FaultBoard } from "./fault-board.js";
import { armor, intervalCsv, intervalFileName, intervalRows, SIMULATED_ESIIDS } from "./energy-data.js";
import type { KeyAndCert } from "./certificates.js";
import { dataLateness, fillIntervalDeliveries } from "./energy-data-faults.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
// Its RETR, LIST and NLST (ftp-srv's own crash when the client goes away mid-transfer) are installed on import.
import "./ftps-transfers.js";

/**
 * ftp-srv's AUTH TLS answers 234 and wraps the socket in TLS only after the write completes, so a
 * quick client's ClientHello can reach the plain-text command parser first (the client then sees
 * ERR_SSL_WRONG_VERSION_NUMBER; it happens on a loaded machine). This handler writes the 234 and
 * wraps the socket in the same tick, so no byte is read in between.
 */
const authCommand = createRequire(import.meta.url)("ftp-srv/src/commands/registration/auth.js") as {
  handler: (this: FtpConnection, args: { command: { arg: string | null } }) => Promise<unknown>;
};
interface FtpConnection {
  server: { options: { tls?: SecureContextOptions } };
  secure: boolean;
  commandSocket: Socket;
  reply(code: number): Promise<unknown>;
}
authCommand.handler = function authTls({ command }) {
  if ((command.arg ?? "").toUpperCase() !== "TLS") return this.reply(504);
  if (!this.server.options.tls) return this.reply(502);
  if (this.secure) return this.reply(202);
  const plain = this.commandSocket;
  plain.write("234 Honored\r\n");
  const secure = new TLSSocket(plain, { isServer: true, secureContext: createSecureContext(this.server.options.tls) });
  for (const event of ["data", "timeout", "end", "close", "drain", "error"]) {
    secure.on(event, (...args: unknown[]) => plain.emit(event, ...args));
  }
  this.commandSocket = secure;
  this.secure = true;
  return Promise.resolve();
};

/** ftp-srv wants a bunyan logger; the simulator keeps it quiet. */
const quietLog: Record<string, unknown> = {};
for (const level of ["trace", "debug", "info", "warn", "error", "fatal"]) quietLog[level] = () => {};
quietLog.child = () => quietLog;

/**
 * SMT's delivery site is read-only for a REP: uploads, deletes, renames, new or removed directories
 * and SITE commands are refused with 502 (so ftp-srv's STOR, APPE and STOU, which lose their data
 * socket as its RETR did, never run).
 */
const READ_ONLY_SITE = ["STOR", "APPE", "STOU", "DELE", "RNFR", "RNTO", "MKD", "RMD", "SITE"];

/** Daily deliveries: interval files for usage day D are posted at 05:30 Central on D+1. */
const DELIVERY_HOUR = 5;
const DELIVERY_MINUTE = 30;

export interface FtpsSiteOptions {
  host: string;
  dataDir: string;
  username: string;
  password: string;
  certificate: KeyAndCert;
  faults: FaultBoard;
  now: () => number;
  pasvRange: [number, number];
}

/**
 * SMT's file-delivery site: explicit-TLS FTP (AUTH TLS) with PGP-armored interval files named as
 * SMT names them. Faults: stale_file (newest file days old), missing_file (empty directory),
 * auth_failure (530 on login); connection faults are the front door's.
 */
export class FtpsSite {
  private readonly server: InstanceType<typeof FtpSrv>;
  private readonly dirs: { fresh: string; stale: string; empty: string; late: string; flawed: string };

  constructor(private readonly options: FtpsSiteOptions) {
    this.dirs = {
      fresh: join(options.dataDir, "fresh"),
      stale: join(options.dataDir, "stale"),
      empty: join(options.dataDir, "empty"),
      late: join(options.dataDir, "late"),
      flawed: join(options.dataDir, "flawed"),
    };
    for (const dir of Object.values(this.dirs)) mkdirSync(dir, { recursive: true });
    const before = new Set(process.listeners("SIGTERM"));
    const beforeInt = new Set(process.listeners("SIGINT"));
    const beforeQuit = new Set(process.listeners("SIGQUIT"));
    this.server = new FtpSrv({
      url: `ftp://${options.host}:0`,
      pasv_url: options.host,
      pasv_min: options.pasvRange[0],
      pasv_max: options.pasvRange[1],
      tls: { key: options.certificate.key, cert: options.certificate.cert },
      anonymous: false,
      greeting: ["Smart Meter Texas FTPS"],
      blacklist: READ_ONLY_SITE,
      log: quietLog as never,
      timeout: 60_000,
    });
    // ftp-srv installs handlers that exit the process on signals; the simulator owns its shutdown.
    for (const [signal, keep] of [
      ["SIGTERM", before],
      ["SIGINT", beforeInt],
      ["SIGQUIT", beforeQuit],
    ] as const) {
      for (const l of process.listeners(signal)) if (!keep.has(l)) process.removeListener(signal, l);
    }
    this.server.on(
      "login",
      ({ username, password }: { username: string; password: string }, resolve: (r: { root: string }) => void, reject: (e: Error) => void) => {
        if (options.faults.is("ftps", "auth_failure") || username !== options.username || password !== options.password) {
          reject(new Error("Login incorrect"));
          return;
        }
        resolve({ root: this.deliveryDirectory() });
      },
    );
    this.fill(this.dirs.fresh, 0);
  }

  /**
   * The directory a login sees, by the file-delivery faults (the SFTP site serves the same one):
   * empty (missing_file), days old (stale_file), late or flawed energy data, else fresh files.
   */
  deliveryDirectory(): string {
    const faults = this.options.faults;
    if (faults.is("ftps", "missing_file")) return this.dirs.empty;
    if (faults.is("ftps", "stale_file")) {
      this.fill(this.dirs.stale, 3);
      return this.dirs.stale;
    }
    if (faults.is("ftps", "late_data")) {
      fillIntervalDeliveries(this.dirs.late, this.options.now(), { latenessMs: dataLateness(faults, "ftps"), flawed: false });
      return this.dirs.late;
    }
    if (faults.is("ftps", "flawed_data")) {
      fillIntervalDeliveries(this.dirs.flawed, this.options.now(), { latenessMs: 0, flawed: true });
      return this.dirs.flawed;
    }
    this.fill(this.dirs.fresh, 0);
    return this.dirs.fresh;
  }

  /** Serves a connection accepted by the front door. */
  handOver(socket: Socket): void {
    (this.server as unknown as { server: { emit(e: string, s: Socket): void } }).server.emit("connection", socket);
  }

  /** Swaps the certificate presented on AUTH TLS (fault expired_cert). */
  useCertificate(cert: KeyAndCert): void {
    (this.server as unknown as { options: { tls: object } }).options.tls = { key: cert.key, cert: cert.cert };
  }

  /** Keeps three days of deliveries in `dir`, the newest `daysBack` days before today's. */
  private fill(dir: string, daysBack: number): void {
    const now = DateTime.fromMillis(this.options.now(), { zone: CENTRAL_TIME_ZONE });
    let latest = now.startOf("day").set({ hour: DELIVERY_HOUR, minute: DELIVERY_MINUTE });
    if (latest > now) latest = latest.minus({ days: 1 });
    latest = latest.minus({ days: daysBack });
    const wanted = [0, 1, 2].map((i) => latest.minus({ days: i }));
    const names = new Map(wanted.map((d) => [intervalFileName(d, 1), d]));
    const present = new Set(readdirSync(dir));
    for (const name of present) if (!names.has(name)) rmSync(join(dir, name), { force: true });
    for (const [name, delivered] of names) {
      if (present.has(name)) continue;
      const usageDay = delivered.minus({ days: 1 });
      const csv = SIMULATED_ESIIDS.map((e, i) => {
        const text = intervalCsv(intervalRows(e, usageDay), delivered);
        return i === 0 ? text : text.slice(text.indexOf("\n") + 1);
      }).join("");
      const file = join(dir, name);
      writeFileSync(file, armor(csv));
      utimesSync(file, delivered.toJSDate(), delivered.toJSDate());
    }
  }

  async close(): Promise<void> {
    await this.server.close();
  }
}
