import type { Command } from "commander";

export interface WebFlags {
  "web.config.file"?: string;
  "web.enableLifecycle"?: boolean;
}

/**
 * `--web.config.file`: the exporter-toolkit web config (TLS, client certificates, basic auth with
 * bcrypt hashes, headers; docs/configuration.md "Web config").
 */
export function addWebConfigOption(cmd: Command): Command {
  return cmd.option("--web.config.file <file>", "web config (exporter-toolkit format) that enables TLS and basic auth on the listener");
}

/** `--web.enable-lifecycle`: shutdown and reload over HTTP (POST /-/quit, /-/reload), off by default as in Prometheus. */
export function addLifecycleOption(cmd: Command): Command {
  return cmd.option("--web.enable-lifecycle", "enable shutdown and reload via HTTP request (POST /-/quit, /-/reload); SIGHUP reloads regardless");
}
