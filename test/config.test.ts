import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { loadConfig, parseConfig } from "../src/config/load.js";
import { generateCertificates } from "../src/simulator/certificates.js";
import { generateSshKeyPair } from "../src/simulator/sftp-site.js";

const dir = mkdtempSync(join(tmpdir(), "smt-config-"));
const CLI = join(__dirname, "..", "dist", "cli", "main.js");

function problems(yaml: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(yaml, "smt.yaml", env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split("\n");
    throw err;
  }
  return [];
}

const GUI = `
  - name: gui_home
    service: gui
    kind: http
    http:
      url: https://www.smartmetertexas.com/`;

describe("config validation names the file, line, field and what was expected", () => {
  it("accepts a minimal config and applies the defaults", () => {
    const config = parseConfig(`checks:${GUI}`, "smt.yaml", {});
    expect(config.listen).toEqual({ port: 9910 });
    expect(config.location).toBe("default");
    expect(config.checks[0]).toMatchObject({ name: "gui_home", intervalMs: 30_000, timeoutMs: 10_000 });
  });

  it("reports a bad duration at its line", () => {
    expect(problems(`defaults:\n  interval: 30 seconds\nchecks:${GUI}`)).toEqual([
      'smt.yaml:2:13: defaults.interval: expected a duration between 1s and 24h like "30s", "5m" or "1h30m", got "30 seconds"',
    ]);
  });

  it("reports unknown fields, bad enums and bad kinds", () => {
    const out = problems(`checks:
  - name: a
    service: portal
    kind: http
    http: { url: "https://x/", methd: GET }
  - name: b
    service: api
    kind: soap`);
    expect(out).toContain('smt.yaml:3:14: checks[0].service: expected one of "gui", "api", "ftps", "han", "call_center", got string "portal"');
    expect(out).toContain('smt.yaml:5:39: checks[0].http.methd: unknown field "methd"');
    expect(out).toContain('smt.yaml:8:11: checks[1].kind: expected kind to be one of "http", "api", "ftps", "sftp", "browser", "status_feed"');
  });

  it("rejects duplicate names and a timeout longer than the interval", () => {
    const out = problems(`checks:${GUI}
    timeout: 1m${GUI}`);
    expect(out.some((l) => /checks\[0\]\.timeout: expected a timeout \(1m\) no longer than the interval \(30s\)/.test(l))).toBe(true);
    expect(out.some((l) => /checks\[1\]\.name: duplicate check name "gui_home" \(first at checks\[0\]\)/.test(l))).toBe(true);
  });

  it("never accepts an inline password, and never echoes it", () => {
    const out = problems(`checks:
  - name: files
    service: ftps
    kind: ftps
    ftps: { host: ftp.example, username: rep, password: "hunter22", file_pattern: "x" }`);
    expect(out).toEqual(["smt.yaml:5:57: checks[0].ftps.password: inline secrets are not accepted: use password_env or password_file"]);
    expect(out.join("\n")).not.toContain("hunter22");
  });

  it("resolves secrets from the environment and from files, and says which is missing", () => {
    const file = join(dir, "pw");
    writeFileSync(file, "from-file\n");
    const yaml = (src: string) => `checks:
  - name: files
    service: ftps
    kind: ftps
    ftps: { host: ftp.example, username: rep, ${src}, file_pattern: "x" }`;
    expect(parseConfig(yaml("password_env: SMT_FTPS_PW"), join(dir, "c.yaml"), { SMT_FTPS_PW: "from-env" }).checks[0]!.secrets.password).toBe("from-env");
    expect(parseConfig(yaml("password_file: pw"), join(dir, "c.yaml"), {}).checks[0]!.secrets.password).toBe("from-file");
    expect(problems(yaml("password_env: SMT_FTPS_PW"))).toEqual([
      "smt.yaml:5:61: checks[0].ftps.password_env: environment variable SMT_FTPS_PW is not set or empty",
    ]);
    expect(problems(yaml("password_file: /nonexistent/pw"))[0]).toMatch(/checks\[0\]\.ftps\.password_file: cannot read secret file \/nonexistent\/pw: ENOENT/);
  });

  it("checks template references in API steps against declared secrets and earlier extracts", () => {
    const out = problems(`checks:
  - name: api
    service: api
    kind: api
    api:
      steps:
        - name: data
          url: "https://x/{{ vars.token }}/{{ secret.nope }}"`);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/checks\[0\]\.api\.steps\[0\]: unknown template reference \{\{ vars\.token \}\}/);
  });

  it("reports invalid YAML with its position", () => {
    expect(problems("checks: [\n  - a")[0]).toMatch(/^smt\.yaml:\d+:\d+: \(top level\): invalid YAML/);
  });

  it("validates regexes, URLs and mutual-TLS pairs", () => {
    const out = problems(`checks:
  - name: a
    service: gui
    kind: http
    http:
      url: "ftp://x/"
      body_must_match: ["(unclosed"]
      tls: { cert_file: c.pem }`);
    expect(out.some((l) => l.includes("checks[0].http.url: expected an http:// or https:// URL"))).toBe(true);
    expect(out.some((l) => l.includes("checks[0].http.body_must_match[0]: expected a regular expression"))).toBe(true);
    expect(out.some((l) => l.includes("checks[0].http.tls: expected cert_file and key_file together"))).toBe(true);
  });

  it("checks with the same TLS material share one TLS context, and bad material is named for every check", () => {
    const certs = generateCertificates();
    writeFileSync(join(dir, "ca.pem"), certs.ca.cert);
    writeFileSync(join(dir, "other-ca.pem"), certs.server.cert);
    writeFileSync(join(dir, "client-cert.pem"), certs.client.cert);
    writeFileSync(join(dir, "server-key.pem"), certs.server.key);
    const check = (name: string, ca: string) => `
  - name: ${name}
    service: gui
    kind: http
    http: { url: "https://localhost/", tls: { ca_file: ${ca} } }`;
    const file = join(dir, "shared-tls.yaml");
    writeFileSync(file, `checks:${check("a", "ca.pem")}${check("b", "ca.pem")}${check("c", "other-ca.pem")}${check("d", "ca.pem")}`);
    const config = loadConfig(file, {});
    const contexts = config.checks.map((c) => (c.kind === "http" ? c.tls.secureContext : undefined));
    expect(contexts[0]).toBeDefined();
    expect(contexts[1]).toBe(contexts[0]);
    expect(contexts[3]).toBe(contexts[0]);
    expect(contexts[2]).not.toBe(contexts[0]);

    const bad = join(dir, "bad-tls.yaml");
    // A client certificate with the key of another certificate: OpenSSL refuses the pair.
    const mismatched = (name: string) => `
  - name: ${name}
    service: api
    kind: http
    http: { url: "https://localhost/", tls: { cert_file: client-cert.pem, key_file: server-key.pem } }`;
    writeFileSync(bad, `checks:${mismatched("a")}${mismatched("b")}`);
    let message = "";
    try {
      loadConfig(bad, {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/checks\[0\]\.http\.tls: invalid TLS material/);
    expect(message).toMatch(/checks\[1\]\.http\.tls: invalid TLS material/);
  });

  it("a config file that does not exist is a ConfigError naming it", () => {
    expect(() => loadConfig(join(dir, "missing.yaml"))).toThrowError(/missing\.yaml: \(top level\): cannot read config file: ENOENT/);
  });
});

describe("every duration has a range, said in its message (issue 16 items 1 and 11)", () => {
  const withInterval = (value: string) => `checks:${GUI}\n    interval: ${value}\n`;

  it("an interval over a timer's limit, zero or under the 1s minimum is a config error naming file, line and field", () => {
    for (const [value, why] of [
      ["25d", "longer than 24h"],
      ["0s", "shorter than 1s"],
      ["1ms", "shorter than 1s"],
      ["999ms", "shorter than 1s"],
    ] as const) {
      expect(problems(withInterval(value))).toEqual([
        `smt.yaml:7:15: checks[0].interval: expected a duration between 1s and 24h like "30s", "5m" or "1h30m", got "${value}" (${why})`,
      ]);
    }
    expect(parseConfig(withInterval("24h"), "smt.yaml", {}).checks[0]!.intervalMs).toBe(86_400_000);
    expect(parseConfig(withInterval("1s\n    timeout: 1s"), "smt.yaml", {}).checks[0]!.intervalMs).toBe(1000);
  });

  it("a number too large to be an exact integer is not a duration", () => {
    expect(problems(`defaults:\n  interval: 99999999999999999999s\nchecks:${GUI}`)).toEqual([
      'smt.yaml:2:13: defaults.interval: expected a duration between 1s and 24h like "30s", "5m" or "1h30m", got "99999999999999999999s" (too large)',
    ]);
  });

  it("timeouts, energy-data, figure and maintenance durations each have their range", () => {
    expect(problems(`defaults:\n  timeout: 2h\nchecks:${GUI}`)).toContainEqual(
      'smt.yaml:2:12: defaults.timeout: expected a duration between 100ms and 1h like "30s", "5m" or "1h30m", got "2h" (longer than 1h)',
    );
    expect(problems(`energy_data:\n  canary_esiids: ["10443720000000001"]\n  interval: 30d\n`)).toEqual([
      'smt.yaml:3:13: energy_data.interval: expected a duration between 1m and 24h like "30s", "5m" or "1h30m", got "30d" (longer than 24h)',
    ]);
    expect(problems(`market_figures:\n  interval: 1s\n`)).toEqual([
      'smt.yaml:2:13: market_figures.interval: expected a duration between 10s and 24h like "30s", "5m" or "1h30m", got "1s" (shorter than 10s)',
    ]);
  });

  it("a wrong type is named as a wrong type, not as missing", () => {
    expect(problems(`checks:${GUI}\n    interval: 30\n`)).toEqual(["smt.yaml:7:15: checks[0].interval: expected a string, got a number (30)"]);
    expect(problems(`max_concurrency: ten\nchecks:${GUI}`)).toEqual(['smt.yaml:1:18: max_concurrency: expected a number, got a string ("ten")']);
    expect(problems(`checks: gui_home\n`)).toEqual(['smt.yaml:1:9: checks: expected a list, got a string ("gui_home")']);
    expect(problems(`defaults: 30s\nchecks:${GUI}`)).toEqual(['smt.yaml:1:11: defaults: expected a mapping, got a string ("30s")']);
    expect(problems(`checks:${GUI}\n      tls: { insecure_skip_verify: "yes" }\n`)).toEqual([
      'smt.yaml:7:36: checks[0].http.tls.insecure_skip_verify: expected true or false, got a string ("yes")',
    ]);
  });

  it("a limit said in a message is the limit enforced", () => {
    // positive(): 0 is refused, so the message may not say "at least 0".
    expect(problems(`max_concurrency: 0\nchecks:${GUI}`)).toEqual(["smt.yaml:1:18: max_concurrency: expected a number greater than 0, got 0"]);
    expect(problems(`checks:${GUI}\n      max_redirects: 21\n`)).toEqual([
      "smt.yaml:7:22: checks[0].http.max_redirects: expected a number of at most 20, got 21",
    ]);
    expect(problems(`checks:${GUI}\n      valid_status_codes: []\n`)).toEqual([
      "smt.yaml:7:27: checks[0].http.valid_status_codes: expected a list of at least 1 item, got 0 items",
    ]);
    expect(problems(`energy_data:\n  canary_esiids: [${Array.from({ length: 101 }, (_, i) => `"${10443720000000000 + i}"`).join(", ")}]\n`)).toEqual([
      "smt.yaml:2:18: energy_data.canary_esiids: expected a list of at most 100 items, got 101 items",
    ]);
  });
});

describe("smt-monitor check-config", () => {
  it("exits 0 and summarises a good config", () => {
    const file = join(dir, "good.yaml");
    writeFileSync(file, `location: austin\nchecks:${GUI}\n`);
    const out = execFileSync(process.execPath, [CLI, "check-config", file]).toString();
    expect(out).toContain("OK (1 checks; services: gui; location: austin)");
  });

  it("exits 1 and prints every problem on stderr", () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, `listen_address: nowhere\nchecks:${GUI}\n    interval: soon\n`);
    const run = spawnSync(process.execPath, [CLI, "check-config", file]);
    expect(run.status).toBe(1);
    const err = run.stderr.toString();
    expect(err).toContain(`${file}:8:15: checks[0].interval: expected a duration`);
    expect(err).toMatch(/problem\(s\)/);
  });

  it("refuses an interval over a timer's limit (25d) with file, line and field", () => {
    const file = join(dir, "huge-interval.yaml");
    writeFileSync(file, `checks:${GUI}\n    interval: 25d\n`);
    const run = spawnSync(process.execPath, [CLI, "check-config", file]);
    expect(run.status).toBe(1);
    expect(run.stderr.toString()).toContain(
      `${file}:7:15: checks[0].interval: expected a duration between 1s and 24h like "30s", "5m" or "1h30m", got "25d" (longer than 24h)`,
    );
  });

  it("accepts the shipped example config for the real SMT hosts", () => {
    // The SFTP check pins SMT's host key from a known_hosts file beside the config and logs in with a key.
    const exampleDir = mkdtempSync(join(dir, "example-"));
    const example = join(exampleDir, "smt-monitor.example.yaml");
    copyFileSync(join(__dirname, "..", "config", "smt-monitor.example.yaml"), example);
    const hostKey = generateSshKeyPair("smt");
    writeFileSync(join(exampleDir, "known_hosts"), `ftp.smartmetertexas.biz ${hostKey.public.split(" ").slice(0, 2).join(" ")}\n`);
    const run = spawnSync(process.execPath, [CLI, "check-config", example], {
      env: {
        ...process.env,
        SMT_API_USERNAME: "u",
        SMT_API_PASSWORD: "p",
        SMT_SFTP_PRIVATE_KEY: generateSshKeyPair("rep").private,
        SMT_NOTIFIER_READER_PASSWORD: "r",
      },
    });
    expect(run.stderr.toString()).toBe("");
    expect(run.stdout.toString()).toContain("OK (7 checks; services: gui, api, ftps, han, call_center");
    const withoutEnv = spawnSync(process.execPath, [CLI, "check-config", example], {
      env: { PATH: process.env.PATH },
    });
    expect(withoutEnv.status).toBe(1);
    expect(withoutEnv.stderr.toString()).toContain("environment variable SMT_SFTP_PRIVATE_KEY is not set or empty");
  });

  it("every command answers --help", () => {
    for (const args of [["--help"], ["exporter", "--help"], ["probe", "--help"], ["check-config", "--help"], ["simulate", "--help"], ["demo", "--help"]]) {
      const out = execFileSync(process.execPath, [CLI, ...args]).toString();
      expect(out).toMatch(/^Usage: smt-monitor/);
    }
  });
});
