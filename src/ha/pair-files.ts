import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { longTermStoreDefaults, longTermStoreRelabelConfig } from "./long-term-store.js";
import { PROMETHEUS_REPLICAS, prometheusReplicaConfig, scrapeIntervalMs } from "./prometheus-pair.js";

/** The folder of the pair's deployed files, beside the single config: prometheus/ha/. */
export const PAIR_FOLDER = "ha";

/**
 * The pair's files from the single config's text, as file name -> text: one config per replica
 * (prometheus-a.yml, prometheus-b.yml) and the long-term store's relabel config and flags. The replica
 * configs live one folder below the single config, so their relative paths (rule files) point one up.
 */
export function renderPrometheusPairFiles(single: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const replica of PROMETHEUS_REPLICAS) files.set(`prometheus-${replica}.yml`, prometheusReplicaConfig(single, { replica, ruleFilesPrefix: "../" }));
  files.set("victoria-metrics-relabel.yml", longTermStoreRelabelConfig());
  files.set("victoria-metrics.default", longTermStoreDefaults(scrapeIntervalMs(single)));
  return files;
}

/** Reads `<prometheusDir>/prometheus.yml` and writes the pair's files into `<prometheusDir>/ha/`; returns their paths. */
export function writePrometheusPairFiles(prometheusDir: string): string[] {
  const out = join(prometheusDir, PAIR_FOLDER);
  mkdirSync(out, { recursive: true });
  const paths: string[] = [];
  for (const [name, text] of renderPrometheusPairFiles(readFileSync(join(prometheusDir, "prometheus.yml"), "utf8"))) {
    const path = join(out, name);
    writeFileSync(path, text);
    paths.push(path);
  }
  return paths;
}
