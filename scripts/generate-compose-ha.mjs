#!/usr/bin/env node
// Regenerates the generated files of docker-compose.ha.yml in deploy/compose/ha/ (the Prometheus
// replicas' configs and the three probe locations' exporter configs, docs/ha.md) with
// src/ha/compose-ha-files.ts (run `npx tsc -p .` first).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeComposeHaFiles } from "../dist/ha/compose-ha-files.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
for (const path of writeComposeHaFiles(root)) console.log(`wrote ${path}`);
