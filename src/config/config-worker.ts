import { parentPort, workerData } from "node:worker_threads";
import { ConfigError } from "./errors.js";
import { everyTls, resolveConfigFile } from "./load.js";
import { CHECKS_PER_MESSAGE, type ConfigLoadMessage } from "./load-off-thread.js";

/**
 * The worker thread of loadConfigOffThread (load-off-thread.ts): reads, parses, validates and
 * resolves one config file, so that a big config does not stall the exporter's event loop, and
 * posts the outcome back: the checks in batches, one each time the main thread asks for the next
 * (a message is decoded on the main thread in one go; a batch keeps that to a few milliseconds),
 * then the rest. TLS contexts cannot cross threads: they are
 * stripped here (their material stays) and rebuilt by the main thread.
 */
const { file, env } = workerData as { file: string; env: NodeJS.ProcessEnv };
const post = (message: ConfigLoadMessage) => parentPort!.postMessage(message);
try {
  const config = resolveConfigFile(file, env);
  for (const tls of everyTls(config)) delete (tls as { secureContext?: unknown }).secureContext;
  const { checks, raw } = config;
  let next = 0;
  // One batch per request of the main thread, so it decodes one batch per turn of its event loop.
  const sendNext = () => {
    if (next < checks.length) {
      post({ kind: "checks", checks: checks.slice(next, next + CHECKS_PER_MESSAGE), rawChecks: raw.checks.slice(next, next + CHECKS_PER_MESSAGE) });
      next += CHECKS_PER_MESSAGE;
    } else {
      parentPort!.off("message", sendNext);
      post({ kind: "config", config: { ...config, checks: [], raw: { ...raw, checks: [] } } });
    }
  };
  parentPort!.on("message", sendNext);
  sendNext();
} catch (err) {
  if (err instanceof ConfigError) post({ kind: "problems", file: err.file, problems: err.problems });
  else post({ kind: "bug", message: (err as Error).stack ?? String(err) });
}
