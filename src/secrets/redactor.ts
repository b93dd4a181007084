/**
 * Keeps the set of secret values known to this process (resolved passwords, tokens taken from
 * responses) and scrubs them from any text that leaves it: logs, metrics, probe output, errors.
 */
const REDACTED = "<redacted>";

export class Redactor {
  private readonly secrets = new Set<string>();

  add(value: string | undefined): void {
    if (value === undefined || value.length === 0) return;
    this.secrets.add(value);
    // Secrets also travel encoded: basic auth headers and URL-encoded bodies.
    this.secrets.add(encodeURIComponent(value));
    this.secrets.add(Buffer.from(value).toString("base64"));
  }

  /** Forgets every secret: used when a reload replaces the config. */
  clear(): void {
    this.secrets.clear();
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    let out = text;
    // Longest first, so a secret that contains another is removed whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /** Scrubs every string inside a JSON-like value. */
  redactDeep<T>(value: T): T {
    if (this.secrets.size === 0) return value;
    return scrub(value, (s) => this.redact(s)) as T;
  }
}

function scrub(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, fn));
  if (value instanceof Error) {
    const copy = new Error(fn(value.message));
    copy.name = value.name;
    return copy;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrub(v, fn);
    return out;
  }
  return value;
}

/** The process-wide redactor: every resolved secret is registered here. */
export const secretRedactor = new Redactor();
