import { randomBytes, timingSafeEqual } from "node:crypto";

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
