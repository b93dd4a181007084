import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNotifierConfig } from "../src/config/notifier-load.js";
import { Notifier } from "../src/notices/notifier.js";
import { bearerTokenProblem, trimLikeAlertmanager } from "../src/secrets/bearer-token.js";
import { promAlert, startAlertmanager, testAlertmanagerConfig, type RunningAlertmanager } from "./support/alertmanager.js";
import { captureLogger } from "./support/capture-logger.js";
import { waitFor } from "./support/http.js";
import { WEBHOOK_TOKEN, freePort, writeNotifierConfig } from "./support/notifier-fixture.js";

const CLI = join(__dirname, "..", "dist", "cli", "main.js");

/**
 * Issue 16 item 5: a webhook token that can never match. Alertmanager sends strings.TrimSpace of
 * its credentials_file; the notifier reads its token file the same way and refuses, at
 * --check-config and at start-up, a token that a Bearer header cannot carry.
 */
describe("webhook bearer token from a file", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "smt-token-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const notifierCli = (args: string[]) => spawnSync(process.execPath, [CLI, "notifier", ...args], { encoding: "utf8", timeout: 20_000 });

  it.each([
    ["inner whitespace", "abcdefgh ijklmnopqrstu", /has whitespace at character 9; expected an RFC 6750 bearer token/],
    ["a tab inside", "abcdefghij\tklmnopqrstu", /has whitespace at character 11/],
    ["a character a header cannot carry", "abcdefgh@ijklmnopqrstu", /has a punctuation character not allowed in a bearer token at character 9/],
    ["padding in the middle", "abcdefgh==ijklmnopqrstu", /"=" at character 9, not at the end/],
    ["a non-ASCII character", "abcdefghéijklmnopqrstu", /has a non-ASCII character at character 9/],
  ])("%s: --check-config exits 1 and start-up exits 2, one line naming file, line and field, never the token", (_name, token, message) => {
    const sub = mkdtempSync(join(dir, "case-"));
    const config = writeNotifierConfig(sub, { webhookTokenFile: `${token}\n` });
    const secretFile = join(sub, "webhook-token");
    for (const [args, code] of [
      [["--config", config, "--check-config"], 1],
      [["--config", config], 2],
    ] as const) {
      const run = notifierCli([...args]);
      expect(run.status, run.stderr).toBe(code);
      expect(run.stdout).toBe("");
      const lines = run.stderr.trimEnd().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^(smt-monitor notifier: )?${config.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:\\d+:\\d+: webhook\\.bearer_token_file: the token in secret file ${secretFile.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} \\(surrounding whitespace trimmed, as Alertmanager does\\) `,
        ),
      );
      expect(lines[0]).toMatch(message);
      expect(run.stderr).not.toContain(token);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it("a file ending in several newlines (or CRLF, or spaces) passes --check-config", () => {
    for (const content of [`${WEBHOOK_TOKEN}\n\n`, `${WEBHOOK_TOKEN}\r\n`, `  ${WEBHOOK_TOKEN} \n\n\n`]) {
      const sub = mkdtempSync(join(dir, "ok-"));
      const run = notifierCli(["--config", writeNotifierConfig(sub, { webhookTokenFile: content }), "--check-config"]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/: OK \(/);
    }
  });

  it("trims what Go's strings.TrimSpace trims (Unicode White_Space) and accepts every b64token", () => {
    expect(trimLikeAlertmanager("\u0085\u00a0 tok\u3000\n\n")).toBe("tok");
    expect(trimLikeAlertmanager("\ufefftok")).toBe("\ufefftok"); // a BOM is not White_Space in Go either…
    expect(bearerTokenProblem("\ufefftok")).toMatch(/non-ASCII/); // …and is refused
    for (const ok of ["abc", "A-Z.a_z~0+9/", "YWJj==", "x="]) expect(bearerTokenProblem(ok)).toBeUndefined();
    for (const bad of ["", "=", "=abc", "a b", "a\u0000b", "a,b", 'a"b']) expect(bearerTokenProblem(bad)).toBeDefined();
  });
});

describe("one token file for a real Alertmanager 0.25 and the notifier", () => {
  let dir: string;
  let notifier: Notifier | undefined;
  let am: RunningAlertmanager | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "smt-token-am-"));
  });
  afterAll(async () => {
    await am?.stop();
    await notifier?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a token file "<token>\\n\\n" works on both sides: the delivery is accepted and the draft is made', async () => {
    const port = await freePort();
    const content = `${WEBHOOK_TOKEN}\n\n`;
    const configFile = writeNotifierConfig(dir, { port, webhookTokenFile: content });
    notifier = new Notifier({ config: loadNotifierConfig(configFile), logger: captureLogger().logger, tickIntervalMs: 60_000 });
    await notifier.start();
    am = await startAlertmanager(dir, testAlertmanagerConfig(dir, `http://127.0.0.1:${port}`, content));
    await am.post([promAlert({ service: "gui", start: Math.floor(Date.now() / 1000) - 1200 })]);
    const outcome = await waitFor(
      "a webhook delivery, accepted or refused",
      async () => {
        if (notifier!.store.listNotices().length > 0) return "draft";
        if ((await am!.metric("alertmanager_notifications_failed_total", { integration: "webhook" })) > 0) return "failed";
        return undefined;
      },
      30_000,
    );
    expect(outcome).toBe("draft");
    expect(notifier.store.listNotices().map((n) => n.kind)).toEqual(["INITIAL"]);
  }, 60_000);
});
