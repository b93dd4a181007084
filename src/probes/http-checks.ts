import { compilePattern } from "../config/pattern.js";
import { ProbeFailure } from "./probe.js";

/** Status classes shared by the http and api kinds: 401/403 are "auth", other mismatches "http_status". */
export function expectStatus(status: number, valid: number[] | undefined, what: string): void {
  const ok = valid ? valid.includes(status) : status >= 200 && status < 300;
  if (ok) return;
  const expected = valid ? valid.join(", ") : "2xx";
  const reason = status === 401 || status === 403 ? "auth" : "http_status";
  throw new ProbeFailure(reason, `${what}: status ${status}, expected ${expected}`);
}

export function expectBody(body: string, mustMatch: string[], mustNotMatch: string[], what: string): void {
  for (const source of mustMatch) {
    if (!compilePattern(source).test(body)) {
      throw new ProbeFailure("body_mismatch", `${what}: body does not match "${source}"`);
    }
  }
  for (const source of mustNotMatch) {
    if (compilePattern(source).test(body)) {
      throw new ProbeFailure("body_mismatch", `${what}: body matches forbidden "${source}"`);
    }
  }
}

/** Whether a header is set, whatever the case of its name (HTTP header names are case-insensitive). */
export function hasHeader(headers: Record<string, string>, name: string): boolean {
  const wanted = name.toLowerCase();
  for (const key in headers) if (key.toLowerCase() === wanted) return true;
  return false;
}

export function basicAuthHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
}
