import { randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { Service } from "../config/schema.js";
import type { FaultBoard } from "./fault-board.js";

/** Issues and checks the bearer tokens of SMT's v2 API (POST /v2/token/, expiresIn 3600). */
export class TokenIssuer {
  private readonly tokens = new Map<string, number>();

  constructor(
    readonly username: string,
    private readonly password: string,
    private readonly now: () => number,
  ) {}

  credentialsMatch(username: unknown, password: unknown): boolean {
    if (typeof username !== "string" || typeof password !== "string") return false;
    const a = Buffer.from(`${username}\0${password}`);
    const b = Buffer.from(`${this.username}\0${this.password}`);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  issue(): { accessToken: string; tokenType: "Bearer"; expiresIn: number; expiresAt: string } {
    const token = randomBytes(24).toString("base64url");
    const expiresAt = this.now() + 3_600_000;
    this.tokens.set(token, expiresAt);
    if (this.tokens.size > 10_000) {
      for (const [t, exp] of this.tokens) if (exp < this.now()) this.tokens.delete(t);
    }
    return { accessToken: token, tokenType: "Bearer", expiresIn: 3600, expiresAt: new Date(expiresAt).toISOString() };
  }

  valid(authorization: string | undefined): boolean {
    const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
    if (!token) return false;
    const exp = this.tokens.get(token);
    return exp !== undefined && exp > this.now();
  }
}

/** `POST /v2/token/` for a simulated service: credentials in, bearer token out (401 on auth_failure). */
export function tokenEndpoint(service: Service, faults: FaultBoard, tokens: TokenIssuer) {
  return (req: Request, res: Response): void => {
    const body = (req.body ?? {}) as { username?: unknown; password?: unknown };
    if (faults.is(service, "auth_failure") || !tokens.credentialsMatch(body.username, body.password)) {
      res.status(401).json({ errorCode: "401", errorMessage: "Invalid username or password" });
      return;
    }
    res.json(tokens.issue());
  };
}

/** Middleware: a valid bearer token or 401 (also while the service has the auth_failure fault). */
export function requireToken(service: Service, faults: FaultBoard, tokens: TokenIssuer) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (faults.is(service, "auth_failure") || !tokens.valid(req.get("authorization"))) {
      res.status(401).json({ errorCode: "401", errorMessage: "Invalid or expired token" });
      return;
    }
    next();
  };
}
