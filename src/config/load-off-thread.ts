import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { SecureContext } from "node:tls";
import { EventLoopSlices } from "../scheduler/event-loop-slices.js";
import { ConfigError, type ConfigProblem } from "./errors.js";
import { everyTls, registerConfigSecrets, resolveConfigFile, secureContextOf, type LoadedConfig, type ResolvedCheck } from "./load.js";
import type { CheckConfig } from "./schema.js";

/** What the config worker posts: batches of checks, then the rest of the config (or why not). */
export type ConfigLoadMessage = { kind: "checks"; checks: ResolvedCheck[]; rawChecks: CheckConfig[] } | ConfigLoadOutcome;

type ConfigLoadOutcome =
  { kind: "config"; config: LoadedConfig } | { kind: "problems"; file: string; problems: ConfigProblem[] } | { kind: "bug"; message: string };

/** Checks per message from the worker: decoding one batch takes a few milliseconds. */
export const CHECKS_PER_MESSAGE = 250;

const WORKER = new URL("./config-worker.js", import.meta.url);

/**
 * loadConfig without blocking the event loop (for reloads while serving): the YAML parse, the
 * validation and the resolution run in a worker thread (10,000 checks take seconds); back on the
 * main thread, the TLS contexts are rebuilt (one per distinct material) in short slices between
 * which other events run. Problems are the same ConfigError as loadConfig's.
 *
 * Run from the TypeScript sources (the tests), there is no compiled worker file: the same load
 * then runs in this thread.
 */
export async function loadConfigOffThread(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const outcome = existsSync(fileURLToPath(WORKER)) ? await inWorker(file, env) : inThisThread(file, env);
  if (outcome.kind === "problems") throw new ConfigError(outcome.file, outcome.problems);
  if (outcome.kind === "bug") throw new Error(`config worker failed: ${outcome.message}`);
  const config = outcome.config;
  await rebuildSecureContexts(config);
  registerConfigSecrets(config);
  return config;
}

function inWorker(file: string, env: NodeJS.ProcessEnv): Promise<ConfigLoadOutcome> {
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, { workerData: { file, env: { ...env } } });
    const checks: ResolvedCheck[] = [];
    const rawChecks: CheckConfig[] = [];
    let settled = false;
    const settle = (outcome: ConfigLoadOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
      void worker.terminate();
    };
    worker.on("message", (message: ConfigLoadMessage) => {
      if (message.kind === "checks") {
        checks.push(...message.checks);
        rawChecks.push(...message.rawChecks);
        worker.postMessage("next");
      } else if (message.kind === "config") {
        settle({ kind: "config", config: { ...message.config, checks, raw: { ...message.config.raw, checks: rawChecks } } });
      } else settle(message);
    });
    worker.once("error", (err) => settle({ kind: "bug", message: err.stack ?? err.message }));
    worker.once("exit", (code) => settle({ kind: "bug", message: `exited with code ${code} before answering` }));
  });
}

function inThisThread(file: string, env: NodeJS.ProcessEnv): ConfigLoadOutcome {
  try {
    const config = resolveConfigFile(file, env);
    for (const tls of everyTls(config)) delete (tls as { secureContext?: unknown }).secureContext;
    return { kind: "config", config };
  } catch (err) {
    if (err instanceof ConfigError) return { kind: "problems", file: err.file, problems: err.problems };
    throw err;
  }
}

/** One context per distinct material (by its digest). */
async function rebuildSecureContexts(config: LoadedConfig): Promise<void> {
  const built = new Map<string, SecureContext>();
  const slices = new EventLoopSlices();
  for (const tls of everyTls(config)) {
    let context = built.get(tls.material.digest);
    if (!context) {
      // The worker built this context already, so the material is good.
      context = secureContextOf(tls.material);
      built.set(tls.material.digest, context);
    }
    tls.secureContext = context;
    await slices.pause();
  }
}
