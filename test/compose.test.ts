import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { notifierConfigSchema } from "../src/config/notifier-schema.js";
import { ALERTMANAGER } from "./support/alertmanager.js";

/**
 * docker-compose.yml and the Dockerfile, checked without a Docker engine: Debian's docker-compose
 * (1.29, installed by scripts/setup.sh) validates and resolves the file; promtool and amtool check
 * the configs it mounts. test/compose-stack.test.ts brings the stack up where an engine runs.
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, "..");

async function compose(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run("docker-compose", ["-f", "docker-compose.yml", ...args], {
      cwd: root,
      env: { ...process.env, COMPOSE_INTERACTIVE_NO_CLI: "1" },
    });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw new Error("docker-compose is not installed: run scripts/setup.sh (Debian package docker-compose)");
    throw new Error(`docker-compose ${args.join(" ")} failed:\n${e.stderr ?? e.message}`);
  }
}

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  healthcheck?: { test: string[] };
  volumes?: string[];
  profiles?: string[];
  network_mode?: string;
  secrets?: unknown[];
}
type ComposeFile = { services: Record<string, ComposeService>; volumes: Record<string, unknown>; secrets?: Record<string, unknown> };
/** docker-compose 1.29 prints mounts as "source:target:mode"; a named volume's source is its name, a bind's an absolute path. */
function mounts(s: ComposeService): { type: "volume" | "bind"; source: string; target: string }[] {
  return (s.volumes ?? []).map((v) => {
    const [source, target] = v.split(":") as [string, string];
    return source.startsWith("/") ? { type: "bind", source: source.replace(`${root}/`, ""), target } : { type: "volume", source, target };
  });
}

const STATE: Record<string, string> = {
  prometheus: "/prometheus",
  alertmanager: "/alertmanager",
  grafana: "/var/lib/grafana",
  notifier: "/var/lib/smt-monitor/notifier",
  simulator: "/app/.smt-demo/simulator",
};

describe("docker-compose.yml (Debian's docker-compose, no engine)", () => {
  it("docker-compose config -q accepts it", async () => {
    await compose("config", "-q");
    await compose("--profile", "demo", "config", "-q");
  });

  it("has every service; the simulator and its exporter only under the demo profile, the production exporter only under the production one", async () => {
    const c = parse(await compose("--profile", "demo", "config")) as ComposeFile;
    expect(Object.keys(c.services).sort()).toEqual(["alertmanager", "demo-exporter", "exporter", "grafana", "notifier", "prometheus", "simulator"]);
    const profiled = Object.entries(c.services)
      .filter(([, s]) => s.profiles)
      .map(([name, s]) => [name, s.profiles]);
    // --profile demo must not start the production exporter: without SMT's credentials it restarts forever.
    expect(profiled.sort()).toEqual([
      ["demo-exporter", ["demo"]],
      ["exporter", ["production"]],
      ["simulator", ["demo"]],
    ]);
  });

  it("publishes each port where SMT_EXPORTER_PUBLISH and the like say, the demo exporter's like the exporter's", async () => {
    const { stdout } = await run("docker-compose", ["-f", "docker-compose.yml", "--profile", "demo", "config"], {
      cwd: root,
      env: {
        ...process.env,
        SMT_EXPORTER_PUBLISH: "127.0.0.1:0",
        SMT_NOTIFIER_PUBLISH: "127.0.0.1:19911",
        PROMETHEUS_PUBLISH: "127.0.0.1:0",
        ALERTMANAGER_PUBLISH: "127.0.0.1:0",
        GRAFANA_PUBLISH: "127.0.0.1:0",
      },
    });
    // docker-compose 1.29 prints a port with an address in the short syntax ("127.0.0.1:0:9910/tcp").
    type Port = string | { host_ip?: string; published?: number; target: number };
    const c = parse(stdout) as { services: Record<string, { ports?: Port[] }> };
    const text = (p: Port) => (typeof p === "string" ? p.replace(/\/tcp$/, "") : `${p.host_ip ?? ""}:${p.published ?? ""}:${p.target}`);
    const ports = Object.fromEntries(Object.entries(c.services).map(([name, s]) => [name, (s.ports ?? []).map(text)]));
    expect(ports).toEqual({
      exporter: ["127.0.0.1:0:9910"],
      "demo-exporter": [],
      simulator: ["127.0.0.1:0:9910"],
      notifier: ["127.0.0.1:19911:9911"],
      prometheus: ["127.0.0.1:0:9090"],
      alertmanager: ["127.0.0.1:0:9093"],
      grafana: ["127.0.0.1:0:3000"],
    });
  });

  it("every service has a health check and every piece of state is a named volume", async () => {
    const c = parse(await compose("--profile", "demo", "config")) as ComposeFile;
    for (const [name, s] of Object.entries(c.services)) expect(s.healthcheck?.test?.length, `${name} healthcheck`).toBeGreaterThan(0);
    expect(Object.keys(c.volumes).sort()).toEqual(["alertmanager-data", "grafana-data", "notifier-data", "prometheus-data", "simulator-state"]);
    for (const [service, target] of Object.entries(STATE)) {
      const mount = mounts(c.services[service]!).find((v) => v.target === target);
      expect(mount, `${service} ${target}`).toBeDefined();
      expect(mount!.type, `${service} ${target}`).toBe("volume");
      expect(Object.keys(c.volumes)).toContain(mount!.source);
    }
  });

  it("Prometheus keeps 400 days and loads the generated rules; Grafana gets the provisioning", async () => {
    const c = parse(await compose("config")) as ComposeFile;
    const prom = c.services.prometheus!;
    expect(prom.command).toContain("--storage.tsdb.retention.time=400d");
    const binds = (s: ComposeService) => mounts(s).filter((v) => v.type === "bind");
    expect(binds(prom).map((v) => [v.source, v.target])).toEqual(
      expect.arrayContaining([
        ["deploy/compose/prometheus.yml", "/etc/prometheus/prometheus.yml"],
        ["prometheus/rules", "/etc/prometheus/rules"],
      ]),
    );
    expect(binds(c.services.grafana!).map((v) => [v.source, v.target])).toEqual(
      expect.arrayContaining([
        ["grafana/provisioning", "/etc/grafana/provisioning"],
        ["grafana/dashboards", "/var/lib/grafana-dashboards"],
      ]),
    );
    // The demo exporter shares the simulator's network namespace (its certificates name 127.0.0.1).
    const demo = parse(await compose("--profile", "demo", "config")) as ComposeFile;
    expect(demo.services["demo-exporter"]!.network_mode).toBe("service:simulator");
  });

  it("runs the Prometheus and Alertmanager versions the tests run (Debian's packages)", async () => {
    const version = async (binary: string) => {
      const { stdout, stderr } = await run(binary, ["--version"]);
      return /version (\d+\.\d+\.\d+)/.exec(stdout + stderr)?.[1];
    };
    const c = parse(await compose("config")) as ComposeFile;
    expect(c.services.prometheus!.image).toBe(`prom/prometheus:v${await version("prometheus")}`);
    expect(c.services.alertmanager!.image).toBe(`prom/alertmanager:v${await version(ALERTMANAGER)}`);
  });

  it("the configs it mounts pass promtool and amtool, and route like alertmanager/alertmanager.yml", async () => {
    await run("promtool", ["check", "config", "deploy/compose/prometheus.yml"], { cwd: root });
    await run("amtool", ["check-config", "deploy/compose/alertmanager.yml"], { cwd: root });
    const mine = parse(readFileSync(join(root, "deploy/compose/alertmanager.yml"), "utf8")) as { route: unknown; receivers: { name: string }[] };
    const reference = parse(readFileSync(join(root, "alertmanager/alertmanager.yml"), "utf8")) as { route: unknown; receivers: { name: string }[] };
    expect(mine.route).toEqual(reference.route);
    expect(mine.receivers.map((r) => r.name)).toEqual(reference.receivers.map((r) => r.name));
    const notifier = notifierConfigSchema.safeParse(parse(readFileSync(join(root, "deploy/compose/notifier.yaml"), "utf8")));
    expect(notifier.success, JSON.stringify(notifier.error?.issues)).toBe(true);
  });
});

describe("Dockerfile", () => {
  const text = readFileSync(join(root, "Dockerfile"), "utf8");
  it("is multi-stage on a supported Node.js LTS image pinned to a release and runs as a non-root user", () => {
    const froms = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    // A supported LTS (Node.js 20 reached its end of life in April 2026), pinned to a release (and,
    // where it could be read, a digest), not a moving major tag.
    expect(text).toMatch(/^ARG NODE_IMAGE=node:(22|24)\.\d+\.\d+-(bookworm|trixie)-slim(@sha256:[0-9a-f]{64})?$/m);
    const users = [...text.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBe("node");
    expect(text).toMatch(/npm prune --omit=dev/);
  });

  it("the production image (the last stage) leaves out the simulator's packages; the demo profile's simulator is built from the demo target", async () => {
    // Stages by name, and the stage each one copies node_modules from.
    const stages = text.split(/^(?=FROM\s)/m).filter((s) => s.startsWith("FROM"));
    const named = new Map(stages.map((s) => [/^FROM\s+\S+\s+AS\s+(\S+)/i.exec(s)?.[1] ?? "", s]));
    const modulesFrom = (stage: string) => /^COPY\s+--from=(\S+)\s.*node_modules/m.exec(stage)?.[1];
    const production = modulesFrom(stages.at(-1)!);
    expect(production, "the last stage copies node_modules").toBeDefined();
    expect(named.get(production!), `stage ${production}`).toMatch(/npm prune --omit=dev/);
    expect(named.get("demo"), "a demo stage").toBeDefined();
    expect(named.get(modulesFrom(named.get("demo")!)!), "the demo stage copies the full node_modules").not.toMatch(/npm prune --omit=dev/);
    const demo = parse(await compose("--profile", "demo", "config")) as ComposeFile;
    expect(demo.services.simulator!.build).toMatchObject({ target: "demo" });
    for (const name of ["exporter", "notifier", "demo-exporter"]) expect((demo.services[name]!.build as { target?: string }).target, name).toBeUndefined();
    // The images' named volumes: each mount point exists in the image owned by node (Docker creates a
    // missing one owned by root, and the notifier, running as node, then cannot open its store).
    const base = named.get("base")!;
    const made = /^RUN mkdir -p ([^\\\n&]+)/m.exec(base)?.[1]?.trim().split(/\s+/) ?? [];
    const owned = /chown -R node:node ([^\\\n&]+)/m.exec(base)?.[1]?.trim().split(/\s+/) ?? [];
    for (const [service, s] of Object.entries(demo.services)) {
      if (!s.image?.startsWith("smt-monitor:")) continue;
      for (const m of mounts(s).filter((v) => v.type === "volume")) {
        expect(made, `${service}: mount point ${m.target} made in the image`).toContain(m.target);
        expect(
          owned.some((o) => m.target === o || m.target.startsWith(`${o}/`)),
          `${service}: mount point ${m.target} owned by node`,
        ).toBe(true);
      }
    }
  });
});
