import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { parseConfig } from "../src/config/load.js";

/** `kind: browser` settings: errors name the file, line, field and what was expected (no browser starts here). */

function problems(steps: string, extra = ""): string[] {
  try {
    parseConfig(
      `checks:
  - name: portal
    service: gui
    kind: browser
    browser:${extra}
      secrets: { password: { env: PORTAL_PASSWORD } }
      steps:
${steps}`,
      "smt.yaml",
      { PORTAL_PASSWORD: "hunter2-portal" },
    );
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split("\n");
    throw err;
  }
  return [];
}

describe("kind: browser config", () => {
  it("accepts the login walk with defaults applied", () => {
    const config = parseConfig(
      `checks:
  - name: portal
    service: gui
    kind: browser
    browser:
      secrets: { password: { env: PORTAL_PASSWORD } }
      steps:
        - { name: login_page, goto: "https://www.smartmetertexas.com/login" }
        - { name: password, fill: "#password", value: "{{ secret.password }}" }
        - { name: usage, wait_for: { text: "Daily usage" } }`,
      "smt.yaml",
      { PORTAL_PASSWORD: "hunter2-portal" },
    );
    const check = config.checks[0]!;
    expect(check).toMatchObject({ kind: "browser", secrets: { password: "hunter2-portal" } });
    if (check.kind !== "browser") throw new Error("expected a browser check");
    expect(check.browser).toMatchObject({ browser: "chromium", step_timeout: 5_000, insecure_skip_verify: false, allowed_script_errors: [] });
  });

  it("names the step whose first action is not a goto, a wait_for with both forms and a duplicate name, at their lines", () => {
    const out = problems(`        - { name: user, fill: "#username", value: "{{ secret.password }}" }
        - { name: usage, wait_for: { selector: "#usage", text: "Daily usage" } }
        - { name: usage, expect_text: "31.40" }`);
    expect(out).toEqual([
      "smt.yaml:9:36: checks[0].browser.steps[1].wait_for: expected exactly one of selector or text",
      "smt.yaml:8:11: checks[0].browser.steps[0]: expected the first step to be a goto",
      'smt.yaml:10:19: checks[0].browser.steps[2].name: duplicate step name "usage"',
    ]);
  });

  it("refuses a secret that is not declared, a step_timeout out of range and a browser it cannot drive", () => {
    expect(
      problems(`        - { name: home, goto: "https://www.smartmetertexas.com/" }
        - { name: user, fill: "#username", value: "{{ secret.username }}" }`)[0],
    ).toMatch(/^smt\.yaml:9:51: checks\[0\]\.browser\.steps\[1\]\.value: unknown template reference \{\{ secret\.username \}\}/);
    expect(problems(`        - { name: home, goto: "https://www.smartmetertexas.com/" }`, `\n      browser: safari\n      step_timeout: 10m`)).toEqual([
      'smt.yaml:6:16: checks[0].browser.browser: expected one of "chromium", "firefox", got string "safari"',
      'smt.yaml:7:21: checks[0].browser.step_timeout: expected a duration between 100ms and 5m like "30s", "5m" or "1h30m", got "10m" (longer than 5m)',
    ]);
  });

  it("bounds a download step's max_bytes and names the field", () => {
    expect(
      problems(`        - { name: usage, goto: "https://www.smartmetertexas.com/usage" }
        - { name: usage_csv, download: "#usage-csv", max_bytes: 0 }`),
    ).toEqual(["smt.yaml:9:65: checks[0].browser.steps[1].max_bytes: expected a whole number of bytes from 1 to 67108864 (64 MiB), got 0"]);
  });
});
