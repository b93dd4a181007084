import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { parseConfig } from "../src/config/load.js";
import { parseNotifierConfig } from "../src/config/notifier-load.js";

/**
 * Issue 14 item 4: the schema parts every config shares (src/config/schema-parts.ts) give one
 * message for one mistake, whichever file it is made in.
 */

const ENV = { TOKEN: "schema-parts-webhook-token", PW: "a-reviewer-password", FTP_PW: "ftp-password" };

function problems(parse: () => unknown): string[] {
  try {
    parse();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.message);
    throw err;
  }
  return [];
}

const exporter = (ftpsPassword: string) =>
  problems(() =>
    parseConfig(`checks:\n  - { name: f, service: ftps, kind: ftps, ftps: { host: h, username: u, file_pattern: x, ${ftpsPassword} } }\n`, "smt.yaml", ENV),
  );

const notifier = (reviewerPassword: string) =>
  problems(() =>
    parseNotifierConfig(
      `storage: { path: ":memory:" }\nwebhook: { bearer_token_env: TOKEN }\nreviewers: [{ name: alice, ${reviewerPassword} }]\nnotices: { from: "n@smt.example", to: ["rms@lists.example.org"] }\n`,
      "notifier.yaml",
      ENV,
    ),
  );

describe("shared schema parts", () => {
  it("an inline password gets the same message in the exporter and the notifier config, without the value", () => {
    const fromExporter = exporter('password: "hunter2-inline", password_env: FTP_PW');
    const fromNotifier = notifier('password: "hunter2-inline", password_env: PW');
    expect(fromExporter).toEqual(["inline secrets are not accepted: use password_env or password_file"]);
    expect(fromNotifier).toEqual(fromExporter);
    expect(JSON.stringify([fromExporter, fromNotifier])).not.toContain("hunter2");
  });

  it("a password named twice, or not at all, gets the same message in both", () => {
    expect(exporter("password_env: FTP_PW, password_file: pw.txt")).toEqual(["expected exactly one of password_env or password_file"]);
    expect(notifier("password_env: PW, password_file: pw.txt")).toEqual(["expected exactly one of password_env or password_file"]);
    expect(exporter("")).toEqual(["expected exactly one of password_env or password_file"]);
    expect(notifier("")).toEqual(["expected exactly one of password_env or password_file"]);
  });

  it("an inline bearer token is refused with the same words", () => {
    const out = problems(() =>
      parseNotifierConfig(
        `storage: { path: ":memory:" }\nwebhook: { bearer_token: "tok-inline-value" }\nreviewers: [{ name: alice, password_env: PW }]\nnotices: { from: "n@smt.example", to: ["rms@lists.example.org"] }\n`,
        "notifier.yaml",
        ENV,
      ),
    );
    expect(out).toContain("inline secrets are not accepted: use bearer_token_env or bearer_token_file");
    expect(JSON.stringify(out)).not.toContain("tok-inline-value");
  });
});
