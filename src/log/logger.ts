import { pino, type Logger, type DestinationStream } from "pino";
import { secretRedactor } from "../secrets/redactor.js";

export type { Logger } from "pino";

export interface LoggerOptions {
  level?: string;
  name?: string;
  destination?: DestinationStream;
}

/**
 * Structured JSON logs (pino). Every log record passes through the secret redactor, so a
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
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
