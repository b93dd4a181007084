import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { parseConfig } from "../src/config/load.js";
import { runCheck } from "../src/probes/run.js";

// Header names are case-insensitive: a configured `authorization` or `content-type` in lower case
// must replace what the probe would add, never travel beside it. A real server records the raw
// header lines it receives.

const dir = mkdtempSync(join(tmpdir(), "smt-headers-"));
let server: Server;
let base: string;
let seen: string[][] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.rawHeaders);
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  seen = [];
});

function config(yaml: string) {
  const file = join(dir, "smt.yaml");
  writeFileSync(file, yaml);
  return parseConfig(yaml, file, { PW: "basic-pa55word" });
}

/** The values of every raw header line named `name` (any case) in one request. */
function headerLines(raw: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) values.push(raw[i + 1]!);
  return values;
}

describe("configured headers in any case replace the probe's own", () => {
  it("api: a step's lower-case authorization wins over basic_auth, and its content-type over the JSON default", async () => {
    const check = config(`checks:
  - name: api
    service: api
    kind: api
    api:
      basic_auth: { username: oncall, password_env: PW }
      steps:
        - name: with-basic
          url: ${base}/token
        - name: with-own
          method: POST
          url: ${base}/data
          headers: { authorization: "Bearer step-token", content-type: "application/json; charset=utf-8" }
          json: { esiid: "1008901000000000000001" }
`).checks[0]!;
    const result = await runCheck(check);
    expect(result.failure).toBeUndefined();
    expect(seen).toHaveLength(2);
    expect(headerLines(seen[0]!, "authorization")).toEqual([`Basic ${Buffer.from("oncall:basic-pa55word").toString("base64")}`]);
    expect(headerLines(seen[1]!, "authorization")).toEqual(["Bearer step-token"]);
    expect(headerLines(seen[1]!, "content-type")).toEqual(["application/json; charset=utf-8"]);
  });

  it("http: basic_auth beside an Authorization header (any case) is a config error naming the header", () => {
    let error: unknown;
    try {
      config(`checks:
  - name: page
    service: gui
    kind: http
    http:
      url: ${base}/
      headers: { AUTHORIZATION: "Bearer x" }
      basic_auth: { username: oncall, password_env: PW }
`);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(
      /smt\.yaml:7:\d+: checks\[0\]\.http\.headers\.AUTHORIZATION: expected either basic_auth or an Authorization header, not both/,
    );
  });
});
