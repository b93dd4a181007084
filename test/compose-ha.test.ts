import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { exporterConfig } from "../src/config/schema.js";
import { notifierConfigSchema } from "../src/config/notifier-schema.js";
import { COMPOSE_HA_FOLDER, readComposeHaSources, renderComposeHaFiles } from "../src/ha/compose-ha-files.js";
import { PROBE_LOCATIONS } from "../src/ha/probe-locations.js";
import { VICTORIA_METRICS } from "./support/victoria-metrics.js";

/**
 * docker-compose.ha.yml (issue 13 item 5), checked without a Docker engine: Debian's docker-compose
 * (1.29) validates and resolves it, and the resolved config has the topology of docs/ha.md: three
 * exporters at three locations, two Prometheus replicas sending to both Alertmanagers and
 * remote-writing to the long-term store, two clustered Alertmanagers delivering to both notifiers,
 * two notifiers on one PostgreSQL database, Grafana reading the long-term store.
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const FILE = "docker-compose.ha.yml";

let missing: string | undefined;
try {
  await run("docker-compose", ["version"]);
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  missing = "docker-compose is not installed (scripts/setup.sh installs Debian's docker-compose): skipping the docker-compose.ha.yml checks";
  console.log(missing);
}

async function compose(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run("docker-compose", args, { cwd: root, env: { ...process.env, COMPOSE_INTERACTIVE_NO_CLI: "1" } });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    throw new Error(`docker-compose ${args.join(" ")} failed:\n${e.stderr ?? e.message}`);
  }
}

interface ComposeService {
  image?: string;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  network_mode?: string;
  healthcheck?: { test: string[] };
}
type ComposeFile = { services: Record<string, ComposeService>; volumes: Record<string, unknown> };

/** The host file a service mounts at `target` (docker-compose 1.29 prints binds as "/abs/source:target:mode"). */
function mountedFile(s: ComposeService, target: string): string {
  const bind = (s.volumes ?? []).map((v) => v.split(":")).find(([source, t]) => source!.startsWith("/") && t === target);
  if (!bind) throw new Error(`no bind mount at ${target} in ${JSON.stringify(s.volumes)}`);
  return readFileSync(bind[0]!, "utf8");
}
const flag = (s: ComposeService, name: string): string[] => (s.command ?? []).filter((a) => a.startsWith(`${name}=`)).map((a) => a.slice(name.length + 1));
const byCommand = (c: ComposeFile, first: string) => Object.entries(c.services).filter(([, s]) => s.command?.[0] === first);
const byImage = (c: ComposeFile, pattern: RegExp) => Object.entries(c.services).filter(([, s]) => pattern.test(s.image ?? ""));

describe.skipIf(missing !== undefined)("docker-compose.ha.yml (Debian's docker-compose, no engine)", () => {
  // docker-compose takes a second or two per call: each resolved config once
  const resolved = new Map<string, Promise<ComposeFile>>();
  const config = (...extra: string[]) => {
    const key = extra.join(" ");
    if (!resolved.has(key))
      resolved.set(
        key,
        compose("-f", FILE, ...extra, "--profile", "ha", "config").then((text) => parse(text) as ComposeFile),
      );
    return resolved.get(key)!;
  };

  it("docker-compose config -q accepts it, alone and with the local images", async () => {
    await compose("-f", FILE, "--profile", "ha", "config", "-q");
    await compose("-f", FILE, "-f", `${COMPOSE_HA_FOLDER}/local-images.yml`, "--profile", "ha", "config", "-q");
    const local = await config("-f", `${COMPOSE_HA_FOLDER}/local-images.yml`);
    // Every image but Grafana's then is a local one (scripts/container-images.sh builds them).
    for (const [name, s] of Object.entries(local.services).filter(([n]) => n !== "grafana"))
      expect(s.image, name).toMatch(/^(smt-monitor:|smt-monitor-local\/)/);
  });

  it("runs the images of docker-compose.yml, and the VictoriaMetrics version the tests run (Debian's package)", async () => {
    const c = await config();
    const single = parse(await compose("-f", "docker-compose.yml", "--profile", "demo", "config")) as ComposeFile;
    const imageOf = (file: ComposeFile, pattern: RegExp) =>
      new Set(
        Object.values(file.services)
          .map((s) => s.image)
          .filter((i) => i !== undefined && pattern.test(i)),
      );
    for (const pattern of [/^prom\/prometheus:/, /^prom\/alertmanager:/, /^grafana\//, /^smt-monitor:/])
      expect(imageOf(c, pattern), String(pattern)).toEqual(imageOf(single, pattern));
    if (existsSync(VICTORIA_METRICS)) {
      // Debian's build prints no version: the package's says it (1.79.5+ds1-2+b5)
      const { stdout } = await run("dpkg-query", ["-W", "-f", "${Version}", "victoria-metrics"]);
      const version = /^(\d+\.\d+\.\d+)/.exec(stdout)?.[1];
      expect(version, stdout).toBeDefined();
      expect(c.services["victoria-metrics"]!.image).toBe(`victoriametrics/victoria-metrics:v${version}`);
    }
  });

  it("every service is in the ha profile, with a health check; every piece of state is a named volume", async () => {
    const c = await config();
    for (const [name, s] of Object.entries(c.services)) {
      expect(s.profiles, name).toEqual(["ha"]);
      expect(s.healthcheck?.test?.length, `${name} healthcheck`).toBeGreaterThan(0);
    }
    for (const [name, s] of Object.entries(c.services))
      for (const v of s.volumes ?? []) if (!v.startsWith("/")) expect(Object.keys(c.volumes), `${name}: ${v}`).toContain(v.split(":")[0]);
  });

  it("three exporters at three locations, each with its own source address", async () => {
    const c = await config();
    const exporters = byCommand(c, "exporter");
    expect(exporters.length).toBe(3);
    const locations = exporters.map(([, s]) => {
      const file = s.command![s.command!.indexOf("--config.file") + 1]!;
      const parsed = exporterConfig.parse(parse(mountedFile(s, file)));
      return { location: parsed.location, sourceAddress: parsed.source_address };
    });
    expect(locations).toEqual(PROBE_LOCATIONS.map((l) => ({ location: l.location, sourceAddress: l.sourceAddress })));
    for (const [name, s] of exporters) expect(s.network_mode, name).toBe("service:simulator");
  });

  it("two Prometheus replicas, each sending to both Alertmanagers and remote-writing to the long-term store", async () => {
    const c = await config();
    const prometheus = byImage(c, /prometheus:/);
    const alertmanagers = byImage(c, /alertmanager:/).map(([name]) => `${name}:9093`);
    const store = byImage(c, /victoria-metrics/);
    expect(prometheus.length).toBe(2);
    expect(alertmanagers.length).toBe(2);
    expect(store.length).toBe(1);
    const [storeName, storeService] = store[0]!;
    const replicas = prometheus.map(([name, s]) => {
      const p = parse(mountedFile(s, flag(s, "--config.file")[0]!)) as {
        global: { external_labels: Record<string, string> };
        alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
        remote_write: { url: string }[];
        rule_files: string[];
        scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
      };
      const targets = p.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((sc) => sc.targets));
      expect(targets.sort(), `${name}: alerting targets`).toEqual([...alertmanagers].sort());
      expect(
        p.remote_write.map((w) => w.url),
        `${name}: remote_write`,
      ).toEqual([`http://${storeName}:8428/api/v1/write`]);
      // every location's exporter is scraped by every replica
      const exporterTargets = p.scrape_configs.find((j) => j.job_name === "smt-exporter")!.static_configs.flatMap((sc) => sc.targets);
      expect(exporterTargets.length, `${name}: exporter targets`).toBe(3);
      return { replica: p.global.external_labels.replica, ruleFiles: p.rule_files };
    });
    expect(replicas.map((r) => r.replica).sort()).toEqual(["a", "b"]);
    // the same rule file paths: the same group phase, so the store merges the two copies of a minute
    expect(replicas[0]!.ruleFiles).toEqual(replicas[1]!.ruleFiles);
    expect(storeService.command).toEqual(expect.arrayContaining(["-dedup.minScrapeInterval=15s", "-retentionPeriod=13"]));
    expect(mountedFile(storeService, flag(storeService, "-relabelConfig")[0]!)).toMatch(/action: labeldrop\n\s+regex: replica/);
  });

  it("two Alertmanagers in one cluster, each delivering to both notifiers", async () => {
    const c = await config();
    const members = byImage(c, /alertmanager:/);
    expect(members.length).toBe(2);
    const notifiers = byCommand(c, "notifier").map(([name]) => name);
    expect(notifiers.length).toBe(2);
    for (const [name, s] of members) {
      const other = members.find(([n]) => n !== name)![0];
      expect(flag(s, "--cluster.listen-address"), name).toEqual(["0.0.0.0:9094"]);
      expect(flag(s, "--cluster.peer"), name).toEqual([`${other}:9094`]);
      const am = parse(mountedFile(s, flag(s, "--config.file")[0]!)) as { route: unknown; receivers: { name: string; webhook_configs?: { url: string }[] }[] };
      const urls = am.receivers.find((r) => r.name === "smt-notifier")!.webhook_configs!.map((w) => w.url);
      expect(urls.sort(), name).toEqual(notifiers.map((n) => `http://${n}:9911/alertmanager/webhook`).sort());
      const reference = parse(readFileSync(join(root, "alertmanager/alertmanager.yml"), "utf8")) as { route: unknown };
      expect(am.route, `${name} routes like alertmanager/alertmanager.yml`).toEqual(reference.route);
    }
  });

  it("two notifiers on the same PostgreSQL database; Grafana reads the long-term store", async () => {
    const c = await config();
    const notifiers = byCommand(c, "notifier");
    const postgres = byImage(c, /postgres/);
    expect(postgres.length).toBe(1);
    const [pgName, pg] = postgres[0]!;
    const databases = notifiers.map(([name, s]) => {
      const cfg = notifierConfigSchema.parse(parse(mountedFile(s, s.command![s.command!.indexOf("--config.file") + 1]!)));
      expect(cfg.store, name).toMatchObject({ kind: "postgres" });
      const url = new URL(s.environment![(cfg.store as { url_env: string }).url_env]!);
      return `${url.username}@${url.host}${url.pathname}`;
    });
    expect(databases).toEqual([`${pg.environment!.POSTGRES_USER}@${pgName}:5432/${pg.environment!.POSTGRES_DB}`, databases[0]]);
    const datasources = parse(mountedFile(c.services.grafana!, "/etc/grafana/provisioning/datasources/victoria-metrics.yaml")) as {
      datasources: { uid: string; url: string }[];
    };
    const [storeName] = byImage(c, /victoria-metrics/)[0]!;
    expect(datasources.datasources).toEqual([expect.objectContaining({ uid: "smt-prometheus", url: `http://${storeName}:8428` })]);
  });
});

describe("the generated files of docker-compose.ha.yml", () => {
  it("are current (npm run build && node scripts/generate-compose-ha.mjs)", () => {
    for (const [name, text] of renderComposeHaFiles(readComposeHaSources(root)))
      expect(readFileSync(join(root, COMPOSE_HA_FOLDER, name), "utf8"), `${COMPOSE_HA_FOLDER}/${name}`).toBe(text);
  });

  it("the replicas' configs pass promtool, the Alertmanagers' amtool", async () => {
    for (const replica of ["a", "b"]) await run("promtool", ["check", "config", `${COMPOSE_HA_FOLDER}/prometheus-${replica}.yml`], { cwd: root });
    await run("amtool", ["check-config", `${COMPOSE_HA_FOLDER}/alertmanager.yml`], { cwd: root });
  });
});
