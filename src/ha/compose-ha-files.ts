import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROBE_LOCATIONS, probeLocationConfig } from "./probe-locations.js";
import { PROMETHEUS_REPLICAS, prometheusReplicaConfig } from "./prometheus-pair.js";
import { LONG_TERM_STORE_PORT } from "./long-term-store.js";

/**
 * The generated files of docker-compose.ha.yml (docs/ha.md, "Running it"), in deploy/compose/ha/:
 * the two Prometheus replicas' configs from deploy/compose/ha/prometheus.yml (the pair's generator,
 * remote-writing to the compose service `victoria-metrics`), and the three probe locations' exporter
 * configs from config/demo.yaml. Pure: file name -> text from the two sources' texts.
 */

/** Where the files live, from the repository root. */
export const COMPOSE_HA_FOLDER = "deploy/compose/ha";
/** The compose service name of the long-term store. */
export const COMPOSE_LONG_TERM_STORE = "victoria-metrics";
/** Each location's exporter listens on its own port in the simulator's network namespace (austin, dallas, houston). */
export const COMPOSE_EXPORTER_PORTS = [9910, 9913, 9914] as const;

const REGENERATE = "change the source and run `npm run build && node scripts/generate-compose-ha.mjs`";

export function renderComposeHaFiles(sources: { prometheus: string; exporterTemplate: string }): Map<string, string> {
  const files = new Map<string, string>();
  for (const replica of PROMETHEUS_REPLICAS) {
    files.set(
      `prometheus-${replica}.yml`,
      prometheusReplicaConfig(sources.prometheus, {
        replica,
        remoteWriteUrl: `http://${COMPOSE_LONG_TERM_STORE}:${LONG_TERM_STORE_PORT}/api/v1/write`,
        generatedBy: `src/ha/compose-ha-files.ts (scripts/generate-compose-ha.mjs) from ${COMPOSE_HA_FOLDER}/prometheus.yml`,
        regenerate: REGENERATE,
      }),
    );
  }
  PROBE_LOCATIONS.forEach((location, i) => {
    files.set(
      `exporter-${location.location}.yaml`,
      probeLocationConfig(sources.exporterTemplate, {
        location,
        listenAddress: `0.0.0.0:${COMPOSE_EXPORTER_PORTS[i]}`,
        generatedBy:
          "src/ha/compose-ha-files.ts (scripts/generate-compose-ha.mjs) from config/demo.yaml, mounted in /app/config/ (its relative paths resolve there as config/demo.yaml's do)",
      }),
    );
  });
  return files;
}

/** The sources' texts under the repository root. */
export function readComposeHaSources(root: string): { prometheus: string; exporterTemplate: string } {
  return {
    prometheus: readFileSync(join(root, COMPOSE_HA_FOLDER, "prometheus.yml"), "utf8"),
    exporterTemplate: readFileSync(join(root, "config", "demo.yaml"), "utf8"),
  };
}

/** Writes the generated files into deploy/compose/ha/; returns their paths. */
export function writeComposeHaFiles(root: string): string[] {
  const out = join(root, COMPOSE_HA_FOLDER);
  mkdirSync(out, { recursive: true });
  const paths: string[] = [];
  for (const [name, text] of renderComposeHaFiles(readComposeHaSources(root))) {
    const path = join(out, name);
    writeFileSync(path, text);
    paths.push(path);
  }
  return paths;
}
