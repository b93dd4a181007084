import type { DestinationStream } from "pino";

/**
 * `--log.format logfmt`: turns each JSON record pino writes into one logfmt line
 * (`ts=... level=info name=exporter msg="exporter listening" address=0.0.0.0:9910`), the format
 * Prometheus, Alertmanager and the exporters log in by default. Nested values are written as JSON
 * in one quoted value. The records have already passed the secret redactor.
 */
export function logfmtDestination(out: DestinationStream): DestinationStream {
  const inner = out as DestinationStream & { flush?: (cb?: (err?: Error) => void) => void; flushSync?: () => void };
  return {
    write(line: string) {
      out.write(`${logfmtLine(line)}\n`);
    },
    // So logger.flush() before exit still flushes the file descriptor underneath.
    flush(cb?: (err?: Error) => void) {
      if (inner.flush) inner.flush(cb);
      else cb?.();
    },
    flushSync() {
      inner.flushSync?.();
    },
  } as DestinationStream;
}

/** First the usual keys in the usual order, then the rest as pino wrote them. */
const LEADING_KEYS = ["time", "level", "name", "msg"];
const RENAMED: Record<string, string> = { time: "ts" };

export function logfmtLine(jsonLine: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return `msg=${quote(jsonLine.trimEnd())}`;
  }
  const keys = [...LEADING_KEYS.filter((k) => k in record), ...Object.keys(record).filter((k) => !LEADING_KEYS.includes(k) && k !== "pid" && k !== "hostname")];
  return keys.map((k) => `${RENAMED[k] ?? k}=${value(record[k])}`).join(" ");
}

function value(v: unknown): string {
  if (v === null || v === undefined) return '""';
  if (typeof v === "string") return quote(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return quote(JSON.stringify(v));
}

function quote(s: string): string {
  if (s !== "" && !/[\s"=\\\u0000-\u001f]/.test(s)) return s;
  return JSON.stringify(s);
}
