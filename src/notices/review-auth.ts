import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

/**
 * Who may do what:
 * - Alertmanager posts with a bearer token (webhook.bearer_token_file / _env);
 * - reviewers (config `reviewers`) sign in to the pages and the API with HTTP basic auth, their
 *   name being what the audit trail records;
 * - every state-changing request must come from this site: requests a browser marks cross-site
 *   (Origin or Sec-Fetch-Site) are refused, form posts carry a CSRF token bound to the reviewer,
 *   and API posts must be application/json (which a cross-site form cannot send without CORS,
 *   and this service answers no CORS preflight).
 */

/** Constant-time comparison of two secrets of any length. */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

export function bearerToken(req: Request): string | undefined {
  const header = req.get("authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

export function basicCredentials(req: Request): { name: string; password: string } | undefined {
  const header = req.get("authorization");
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export class ReviewerAuth {
  /** Signs CSRF tokens; new each start, so a form from before a restart must be reloaded. */
  private readonly csrfKey = randomBytes(32);

  constructor(private readonly reviewers: ReadonlyMap<string, string>) {}

  /** The reviewer named by valid basic credentials, else undefined. */
  reviewer(req: Request): string | undefined {
    const creds = basicCredentials(req);
    if (!creds) return undefined;
    const expected = this.reviewers.get(creds.name);
    // Compare even for an unknown name, so timing does not tell which names exist.
    const ok = secretEquals(creds.password, expected ?? "\u0000no-such-reviewer");
    return ok && expected !== undefined ? creds.name : undefined;
  }

  /** Express middleware: 401 with a basic-auth challenge unless a reviewer signed in. */
  readonly require = (req: Request, res: Response, next: NextFunction): void => {
    const name = this.reviewer(req);
    if (!name) {
      res
        .status(401)
        .set("WWW-Authenticate", 'Basic realm="SMT market notices", charset="UTF-8"')
        .type("text/plain")
        .send("Sign in as a reviewer (HTTP basic auth).\n");
      return;
    }
    res.locals.reviewer = name;
    next();
  };

  csrfToken(reviewer: string): string {
    return createHmac("sha256", this.csrfKey).update(`csrf:${reviewer}`).digest("base64url");
  }

  csrfValid(reviewer: string, token: unknown): boolean {
    return typeof token === "string" && secretEquals(token, this.csrfToken(reviewer));
  }
}

/**
 * Refuses state changes a browser marks as coming from another site: Sec-Fetch-Site when the
 * browser sends it (all current ones do), else the Origin header. Clients that are not browsers
 * send neither and pass (they still need credentials, and forms a CSRF token).
 */
export function sameOrigin(req: Request): boolean {
  const site = req.get("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none";
  const origin = req.get("origin");
  if (!origin) return true;
  if (origin === "null") return false;
  try {
    return new URL(origin).host === req.get("host");
  } catch {
    return false;
  }
}

/** Security headers for every response; pages load only their own script and style. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    "Content-Security-Policy":
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cache-Control": "no-store",
  });
  next();
}
