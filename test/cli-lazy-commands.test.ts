import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { COMMAND_MODULES, commandsToLoad } from "../src/cli/lazy-commands.js";
import { maintenanceConfig } from "../src/config/maintenance-schema.js";
import { PLAIN_MAINTENANCE_CONFIG } from "../src/report/committee-report.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const CLI = join(root, "dist", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "smt-lazy-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The modules a fresh CLI process loads, from a module-resolution hook (every ESM import, including
 * the CommonJS packages imported from ESM): the test runner's own module cache cannot tell.
 */
async function modulesLoaded(args: string[]): Promise<{ modules: string[]; code: number; stdout: string; stderr: string }> {
  if (!existsSync(CLI)) throw new Error("dist/cli/main.js is missing: run npm run build first (npm test does)");
  const log = join(dir, `modules-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, "");
  const hooks = join(dir, "hooks.mjs");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, r.url + "\\n");
  return r;
}
`,
  );
  const register = join(dir, "register.mjs");
  writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  let code = 0;
  let out: { stdout: string; stderr: string };
  try {
    out = await run(process.execPath, ["--import", pathToFileURL(register).href, CLI, ...args], { cwd: root });
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    code = e.code;
    out = e;
  }
  const modules = [...new Set(readFileSync(log, "utf8").split("\n").filter(Boolean))];
  return { modules, code, stdout: out.stdout, stderr: out.stderr };
}

const commandModules = (modules: string[]) => modules.filter((m) => /\/dist\/cli\/[a-z-]+-command\.js$/.test(m)).map((m) => m.replace(/.*\/dist\/cli\//, ""));
const packagesOf = (modules: string[]) => [...new Set(modules.flatMap((m) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1] ?? []))].sort();

describe("the CLI loads the module of the command it runs and no other (src/cli/lazy-commands.ts)", () => {
  it("chooses the commands from the arguments", () => {
    const all = COMMAND_MODULES.map((c) => c.name);
    expect(all).toEqual(["exporter", "probe", "check-config", "maintenance", "notifier", "report", "status", "simulate", "demo"]);
    expect(commandsToLoad(["report", "--prometheus", "http://x", "--month", "2026-03"])).toEqual(["report"]);
    expect(commandsToLoad(["--version", "report"])).toEqual(["report"]);
    expect(commandsToLoad(["help", "report"])).toEqual(["report"]);
    expect(commandsToLoad(["--version"])).toEqual([]);
    expect(commandsToLoad(["-V"])).toEqual([]);
    // what commander shows for the whole program needs every command
    for (const args of [[], ["--help"], ["-h"], ["help"], ["help", "bogus"], ["reprot"], ["--bogus"], ["--", "report"]]) {
      expect(commandsToLoad(args), args.join(" ")).toEqual(all);
    }
  });

  it("`report` loads neither the other commands nor zod, undici, pino or yaml; `--version` loads no command", async () => {
    // a usage error after the options are read: no network
    const report = await modulesLoaded(["report", "--prometheus", "ftp://prometheus:9090", "--month", "2026-03"]);
    expect(report.stderr).toContain("--prometheus: expected the http:// or https:// URL of Prometheus");
    expect(report.code).toBe(2);
    expect(commandModules(report.modules)).toEqual(["report-command.js"]);
    expect(packagesOf(report.modules)).toEqual(["commander", "luxon"]);
    expect(
      report.modules.filter((m) => /\/dist\/(exporter|probes|simulator|notices\/notice-store|config\/schema)\b/.test(m) && !/metric-names/.test(m)),
    ).toEqual([]);

    const version = await modulesLoaded(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(commandModules(version.modules)).toEqual([]);
    expect(packagesOf(version.modules)).toEqual(["commander"]);
  });

  it("the report's default maintenance calendar, written out to spare zod, is the schema's default", () => {
    expect(PLAIN_MAINTENANCE_CONFIG).toEqual(maintenanceConfig.parse({}));
  });

  it("help still lists every command, and `help COMMAND` is `COMMAND --help`", async () => {
    const { stdout } = await run(process.execPath, [CLI, "--help"]);
    const listed = [...stdout.matchAll(/^ {2}([a-z-]+) \[options\]/gm)].map((m) => m[1]);
    expect(listed).toEqual(COMMAND_MODULES.map((c) => c.name));
    const viaHelp = await run(process.execPath, [CLI, "help", "report"]);
    const viaFlag = await run(process.execPath, [CLI, "report", "--help"]);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(viaFlag.stdout).toMatch(/^Usage: smt-monitor report \[options\]/);
    expect(viaFlag.stdout).toContain("--max-answer-mib <n>");
    expect(viaFlag.stdout).toContain("Exit codes (every command)");
  });
});
