import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { parseConfig } from "../src/config/load.js";

/** Issue 16, item 4: byte caps read from the config have upper bounds, reported at their line. */
function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, "smt.yaml", {});
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split("\n");
    throw err;
  }
  return [];
}

describe("byte caps in the config have upper bounds", () => {
  it("max_body_bytes above 64 MiB (http and api steps) and download.max_bytes above 64 MiB are config errors naming file, line and field", () => {
    const out = problems(`checks:
  - name: gui_home
    service: gui
    kind: http
    http:
      url: https://www.smartmetertexas.com/
      max_body_bytes: 10000000000
  - name: api_token
    service: api
    kind: api
    api:
      steps:
        - name: token
          url: https://api.example/v2/token/
          max_body_bytes: 67108865
  - name: files
    service: ftps
    kind: ftps
    ftps:
      host: ftp.example
      username: rep
      password_env: PW
      file_pattern: x
      download: { max_bytes: 1e12 }
`);
    expect(out).toContain("smt.yaml:7:23: checks[0].http.max_body_bytes: expected a whole number of bytes from 1 to 67108864 (64 MiB), got 10000000000");
    expect(out).toContain("smt.yaml:15:27: checks[1].api.steps[0].max_body_bytes: expected a whole number of bytes from 1 to 67108864 (64 MiB), got 67108865");
    expect(
      out.some(
        (l) =>
          l.startsWith("smt.yaml:24:") &&
          l.includes("checks[2].ftps.download.max_bytes: expected a whole number of bytes from 1 to 67108864 (64 MiB), got 1000000000000"),
      ),
    ).toBe(true);
  });

  it("a figure source's max_bytes above 256 MiB is a config error", () => {
    const out = problems(`market_figures:
  sources:
    - name: tickets
      figure: call_center_tickets
      file: t.csv
      max_bytes: 268435457
`);
    expect(out).toContain("smt.yaml:6:18: market_figures.sources[0].max_bytes: expected a whole number of bytes from 1 to 268435456 (256 MiB), got 268435457");
  });

  it("the caps at their bound are accepted", () => {
    const config = parseConfig(
      `checks:
  - name: gui_home
    service: gui
    kind: http
    http:
      url: https://www.smartmetertexas.com/
      max_body_bytes: 67108864
`,
      "smt.yaml",
      {},
    );
    expect(config.checks[0]).toMatchObject({ http: { max_body_bytes: 64 << 20 } });
  });
});
