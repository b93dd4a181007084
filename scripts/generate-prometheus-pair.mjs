#!/usr/bin/env node
// Regenerates prometheus/ha/ (the Prometheus pair and its long-term store, docs/ha.md) from
// prometheus/prometheus.yml with src/ha/pair-files.ts (run `npx tsc -p .` first).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writePrometheusPairFiles } from "../dist/ha/pair-files.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const path of writePrometheusPairFiles(join(root, "prometheus"))) console.log(`wrote ${path}`);
