import { createHash } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Server as TlsServer } from "node:tls";
import bcrypt from "bcryptjs";
import { loadWebConfig, type WebConfig } from "./web-config.js";

/**
 * What `--web.config.file` puts in force on a listener: its TLS settings (see listenOn), basic auth
 * and response headers. The file is read at start (a bad one is a config error, exit 2) and again on
 * reload (SIGHUP, or the exporter's POST /-/reload): a bad file then keeps the previous settings.
 * Unlike the exporter-toolkit, which re-reads the file on every request, a change takes effect at
 * the next reload, like the rest of the config; turning TLS on or off, or changing
 * client_auth_type, takes a restart.
 */
export class WebSecurity {
  private current: WebConfig;
  private server?: Server;
  /** Credentials bcrypt has accepted (sha256 of user, password and hash), so a scrape every 15 s costs no bcrypt. */
  private readonly verified = new Set<string>();
  private verifying = 0;

  constructor(config: WebConfig) {
    this.current = config;
  }

  /** Reads the file named by --web.config.file; undefined when there is none. Throws ConfigError. */
  static fromFile(file: string | undefined): WebSecurity | undefined {
    return file === undefined ? undefined : new WebSecurity(loadWebConfig(file));
  }

  get config(): WebConfig {
    return this.current;
  }

  /** The server the TLS settings apply to, so a reload can swap its certificate. */
  attach(server: Server): void {
    this.server = server;
  }

  /** Re-reads the file; keeps the previous settings and returns the reason when the new ones cannot be used. */
  reload(): { ok: true } | { ok: false; error: string } {
    let next: WebConfig;
    try {
      next = loadWebConfig(this.current.file);
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    }
    const before = this.current.tls;
    if (Boolean(before) !== Boolean(next.tls) || before?.clientAuthType !== next.tls?.clientAuthType) {
      return { ok: false, error: `${next.file}: tls_server_config: turning TLS on or off or changing client_auth_type takes effect at the next restart` };
    }
    if (next.tls && this.server && "setSecureContext" in this.server) (this.server as unknown as TlsServer).setSecureContext(next.tls.options);
    this.current = next;
    this.verified.clear();
    return { ok: true };
  }

  /**
   * Middleware: sets the configured headers and, when basic_auth_users is not empty, answers 401
   * unless the request carries the credentials of one of them. At most MAX_VERIFYING bcrypt
   * verifications run at once (each costs tens of milliseconds by design); more answer 429.
   */
  readonly guard = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void => {
    const { headers, users } = this.current;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (users.size === 0) return next();
    const creds = basicCredentials(req.headers.authorization);
    if (!creds) return unauthorized(res);
    // An unknown user is checked against a stand-in hash, so timing does not tell which users exist.
    const known = users.get(creds.user);
    const hash = known ?? standInHash();
    const key = createHash("sha256").update(`${creds.user}\u0000${creds.password}\u0000${hash}`).digest("hex");
    if (this.verified.has(key)) return next();
    if (this.verifying >= MAX_VERIFYING) {
      res.statusCode = 429;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end("Too many authentication attempts at once.\n");
      return;
    }
    this.verifying++;
    bcrypt
      .compare(creds.password, hash)
      .then((ok) => {
        if (!ok || known === undefined) return unauthorized(res);
        if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
        this.verified.add(key);
        next();
      }, next)
      .finally(() => this.verifying--);
  };
}

let standIn: string | undefined;
function standInHash(): string {
  standIn ??= bcrypt.hashSync("no such user", 10);
  return standIn;
}

/** Concurrent bcrypt verifications of credentials not yet seen. */
export const MAX_VERIFYING = 4;
/** Verified credentials remembered (then forgotten all at once). */
export const MAX_VERIFIED = 1024;

function unauthorized(res: ServerResponse): void {
  res.statusCode = 401;
  res.setHeader("WWW-Authenticate", 'Basic realm="smt-monitor"');
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.end("Unauthorized\n");
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
