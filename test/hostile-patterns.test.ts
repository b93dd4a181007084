import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { parseConfig } from "../src/config/load.js";
import { sample, waitFor } from "./support/http.js";
import { CLI, startExporterProcess } from "./support/exporter-process.js";

// Issue 16, item 3: a body_must_match pattern with catastrophic backtracking, on a body the target
// chooses, must not stop the exporter. These run the built CLI (npm run build first) in a child
// process, so that a blocked event loop there fails the test here instead of hanging it.
const dir = mkdtempSync(join(tmpdir(), "smt-patterns-"));
const HOSTILE_BODY = `${"a".repeat(40)}!`;

let target: Server;
let targetUrl: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  target = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(req.url === "/healthy" ? "status: ok" : HOSTILE_BODY);
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => target.close(resolve));
});
afterEach(() => {
  child?.kill("SIGKILL");
  child = undefined;
});

function writeConfig(name: string, interval: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `defaults: { interval: ${interval}, timeout: 1s }
checks:
  - name: hostile_body
    service: gui
    kind: http
    http:
      url: ${targetUrl}/
      body_must_match: ["^(a+)+$"]
  - name: healthy
    service: api
    kind: http
    http:
      url: ${targetUrl}/healthy
      body_must_match: ["(?i)STATUS: OK"]
`,
  );
  return file;
}

/** GET with its own deadline: a stalled exporter fails the request instead of the test hanging. */
async function metricsText(base: string): Promise<string> {
  const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(2000) });
  return res.text();
}

describe("regexes from config run in linear time against a hostile body", () => {
  it("probe: ^(a+)+$ on 'aaaa…a!' fails with body_mismatch within the check's timeout", async () => {
    // Not spawnSync: the target server lives in this process and must go on answering.
    child = spawn(process.execPath, [CLI, "probe", "--config", writeConfig("probe", "30s"), "--check", "hostile_body", "--json"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    const running = child;
    const exit = await new Promise<number | string>((resolve) => {
      const killer = setTimeout(() => running.kill("SIGKILL"), 10_000);
      running.once("exit", (code, signal) => {
        clearTimeout(killer);
        resolve(code ?? String(signal));
      });
    });
    expect(exit, "the probe had to be killed after 10 s: matching blocked it").toBe(1);
    const result = JSON.parse(stdout) as { durationSeconds: number; failure: { reason: string; message: string } };
    expect(result.failure.reason).toBe("body_mismatch");
    expect(result.failure.message).toContain('body does not match "^(a+)+$"');
    expect(result.durationSeconds).toBeLessThan(1);
  });

  it("exporter: /metrics keeps answering and the other check keeps running while the hostile one fails", async () => {
    const exporterProcess = await startExporterProcess(["--config", writeConfig("exporter", "1s")], 10_000);
    child = exporterProcess.child;
    const { base } = exporterProcess;

    // Two failed runs of the hostile check (the scheduler went on after the first), each scrape answered in time.
    const failures = { check: "hostile_body", reason: "body_mismatch" };
    await waitFor(
      "two body_mismatch failures",
      async () => ((sample(await metricsText(base), "smt_probe_failures_total", failures) ?? 0) >= 2 ? true : undefined),
      8000,
    );
    const text = await metricsText(base);
    expect(sample(text, "smt_probe_success", { check: "hostile_body" })).toBe(0);
    expect(sample(text, "smt_probe_success", { check: "healthy" })).toBe(1);
  });
});

describe("check-config refuses patterns the linear-time engine cannot run", () => {
  function problems(yaml: string): string[] {
    try {
      parseConfig(yaml, "smt.yaml", { PW: "x" });
    } catch (err) {
      if (err instanceof ConfigError) return err.message.split("\n");
      throw err;
    }
    return [];
  }

  it("backreferences, lookaround and oversized programs, in every field that takes a regex", () => {
    const out = problems(`checks:
  - name: page
    service: gui
    kind: http
    http:
      url: http://127.0.0.1/
      body_must_match: ["(a)\\\\1"]
      body_must_not_match: ["maintenance(?=page)", "(?i)(\\\\w+\\\\s*){1,1000}texas"]
  - name: api
    service: api
    kind: api
    api:
      steps:
        - name: data
          url: http://127.0.0.1/
          assert:
            - { path: status, matches: "(?<!not )ok" }
  - name: files
    service: ftps
    kind: ftps
    ftps:
      host: 127.0.0.1
      username: u
      password_env: PW
      file_pattern: '^(?<ts>\\d{14})\\k<ts>$'
`);
    expect(out).toHaveLength(5);
    expect(out[0]).toBe(
      "smt.yaml:7:25: checks[0].http.body_must_match[0]: expected a regular expression (RE2 syntax): invalid escape sequence: `\\1` (RE2 syntax: no backreferences or lookaround, they need backtracking)",
    );
    expect(out[1]).toMatch(
      /^smt\.yaml:8:29: checks\[0\]\.http\.body_must_not_match\[0\]: expected a regular expression \(RE2 syntax\): invalid or unsupported Perl syntax: `\(\?=`/,
    );
    expect(out[2]).toMatch(
      /^smt\.yaml:8:\d+: checks\[0\]\.http\.body_must_not_match\[1\]: expected a regular expression \(RE2 syntax\): pattern too large: \d+ instructions once compiled, at most 500/,
    );
    expect(out[3]).toMatch(
      /^smt\.yaml:17:\d+: checks\[1\]\.api\.steps\[0\]\.assert\[0\]\.matches: expected a regular expression \(RE2 syntax\): invalid named capture: `\(\?<!not \)ok` \(RE2 syntax: no backreferences or lookaround/,
    );
    expect(out[4]).toMatch(/^smt\.yaml:25:\d+: checks\[2\]\.ftps\.file_pattern: expected a regular expression \(RE2 syntax\): invalid escape sequence: `\\k`/);
  });
});
