import { readConfigFile } from "./config-file.js";
import { ConfigError } from "./errors.js";
import { toProblem } from "./schema-problem.js";
import { maintenanceConfig, type MaintenanceConfig } from "./maintenance-schema.js";
import { YamlSource } from "./yaml-source.js";

/**
 * Reads only the `maintenance:` section of an exporter config file, for tools that need the
 * calendar and not the checks (`smt-monitor maintenance`, the notice service): check secrets and
 * TLS files are not read. Throws ConfigError naming file, line, field and what was expected.
 * The exporter itself validates the section as part of the whole file (loadConfig).
 */
export function loadMaintenanceConfig(file: string): MaintenanceConfig {
  const text = readConfigFile(file);
  return parseMaintenanceConfig(text, file);
}

export function parseMaintenanceConfig(text: string, file: string): MaintenanceConfig {
  const { source, problems } = YamlSource.parse(text);
  if (!source) throw new ConfigError(file, problems);
  const value = source.value();
  const isMapping = typeof value === "object" && value !== null && !Array.isArray(value);
  // an empty file is an empty config; anything else but a mapping is the exporter's config error too (loadConfig)
  if (!isMapping && value !== null && value !== undefined) {
    const got = Array.isArray(value) ? "a list" : `a ${typeof value}`;
    throw new ConfigError(file, [{ path: [], message: `expected a mapping, got ${got}`, line: 1, column: 1 }]);
  }
  const section = isMapping ? (value as Record<string, unknown>).maintenance : undefined;
  const parsed = maintenanceConfig.safeParse(section === undefined ? {} : section, { reportInput: true });
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => toProblem({ ...issue, path: ["maintenance", ...issue.path] }, source)),
    );
  }
  return parsed.data;
}
