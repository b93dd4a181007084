import { pino, type Logger, type DestinationStream } from "pino";
import { secretRedactor } from "../secrets/redactor.js";
import { logfmtDestination } from "./logfmt.js";

export type { Logger } from "pino";

/** The levels --log.level accepts (as Prometheus: no trace, no fatal). */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** The formats --log.format accepts. */
export const LOG_FORMATS = ["logfmt", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  level?: string;
  /** json (default) or logfmt. */
  format?: LogFormat;
  name?: string;
  destination?: DestinationStream;
}

/**
 * Structured logs (pino), JSON lines or logfmt. Every log record passes through the secret redactor, so a
 * password or token that ends up in a message or a field is replaced by "<redacted>".
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? "smt-monitor",
      level: options.level ?? process.env.SMT_LOG_LEVEL ?? "info",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => secretRedactor.redactDeep(obj),
      },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === "string" ? secretRedactor.redact(a) : a));
          return method.apply(this, redacted as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (err: Error) => ({ type: err.name, message: secretRedactor.redact(err.message) }),
      },
    },
    format(options.format, options.destination ?? pino.destination({ dest: 1, sync: false })),
  );
}

function format(kind: LogFormat | undefined, out: DestinationStream): DestinationStream {
  return kind === "logfmt" ? logfmtDestination(out) : out;
}
