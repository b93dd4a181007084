import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exporter } from "../src/exporter/exporter.js";
import { captureLogger } from "./support/capture-logger.js";
import { get, waitFor } from "./support/http.js";
import { REVIEWER, basic, payload, postWebhook, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";

/** Markup an attacker (or a careless source) could put into a notice, a probe answer or a report figure. */
const SCRIPT = "<script>alert(1)</script>";
const BREAKOUT = `"><img src=x onerror=alert(2)>`;
const ESCAPED_SCRIPT = "&#60;script&#62;alert(1)&#60;/script&#62;";
const ESCAPED_BREAKOUT = "&#34;&#62;&#60;img src=x onerror=alert(2)&#62;";

/** No tag of the hostile text made it into the page as markup. */
function expectInert(page: string): void {
  expect(page).not.toContain("<script>alert");
  expect(page).not.toContain("<img");
  expect(page).not.toMatch(/"\s*onerror=/);
}

describe("review pages show notice text escaped (list and detail)", () => {
  let n: RunningNotifier;
  let id: string;
  const auth = { authorization: basic(REVIEWER) };
  beforeAll(async () => {
    n = await startNotifier();
    const res = await postWebhook(n.url, payload([{ service: "gui", start: Math.floor(Date.now() / 1000) - 1200 }]));
    id = (res.json.drafts as { id: string }[])[0]!.id;
    const draft = n.notifier.store.notice(id)!.body;
    const edit = await fetch(`${n.url}/api/v1/notices/${id}`, {
      method: "PATCH",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        subject: `${id} ${SCRIPT} ${BREAKOUT}`,
        body: draft.replace("LONG DESCRIPTION: ", `LONG DESCRIPTION: ${SCRIPT}\n${BREAKOUT}\n`),
        version: 1,
      }),
    });
    expect(edit.status).toBe(200);
  });
  afterAll(async () => {
    await n?.stop();
  });

  it("the store hands the pages a Notice with its services parsed and an audit trail with its detail parsed", () => {
    const notice = n.notifier.store.notice(id)!;
    expect(notice.services).toEqual(["gui"]);
    expect(n.notifier.store.listNotices()[0]!.services).toEqual(["gui"]);
    const edited = n.notifier.store.auditOf(id).find((a) => a.action === "edited")!;
    expect(edited.detail).toMatchObject({ subject: { after: `${id} ${SCRIPT} ${BREAKOUT}` } });
  });

  it("list: the subject is text, not markup", async () => {
    const page = await (await fetch(`${n.url}/notices`, { headers: auth })).text();
    expect(page).toContain(`<td>${id} ${ESCAPED_SCRIPT} ${ESCAPED_BREAKOUT}</td>`);
    expect(page).toContain("<td>gui</td>");
    expectInert(page);
  });

  it("detail: subject, body, the edit form's value and textarea, and the audit diff are text", async () => {
    const page = await (await fetch(`${n.url}/notices/${id}`, { headers: auth })).text();
    expect(page).toContain(`<title>${id} ${id} ${ESCAPED_SCRIPT} ${ESCAPED_BREAKOUT}</title>`);
    expect(page).toContain(`<pre id="notice-body">NOTICE DATE: `);
    expect(page).toContain(`LONG DESCRIPTION: ${ESCAPED_SCRIPT}\n${ESCAPED_BREAKOUT}\n`);
    expect(page).toContain(`name="subject" value="${id} ${ESCAPED_SCRIPT} ${ESCAPED_BREAKOUT}"`);
    expect(page).toContain(`<pre class="after">NOTICE DATE: `);
    expect(page).toContain("<dd>gui</dd>");
    expectInert(page);
  });
});

describe("the exporter's landing page shows a failure message holding markup escaped", () => {
  let site: Server;
  let exporter: Exporter;
  let dir: string;
  let base: string;
  beforeAll(async () => {
    site = createServer((_req, res) => res.end("hello"));
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    const port = (site.address() as { port: number }).port;
    dir = mkdtempSync(join(tmpdir(), "smt-html-"));
    const configFile = join(dir, "exporter.yaml");
    // The pattern is written into the failure message ("body does not match …").
    writeFileSync(
      configFile,
      `listen_address: "127.0.0.1:0"
location: test-a
defaults: { interval: 1s, timeout: 1s }
checks:
  - name: gui_home
    service: gui
    kind: http
    http:
      url: http://127.0.0.1:${port}/
      body_must_match: ['${BREAKOUT}${SCRIPT}']
`,
    );
    exporter = new Exporter({ configFile, logger: captureLogger().logger });
    base = `http://127.0.0.1:${(await exporter.start()).port}`;
  });
  afterAll(async () => {
    await exporter?.stop();
    await new Promise((resolve) => site?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("lists the check as down with the message as text", async () => {
    const page = await waitFor(
      "gui_home down on /",
      async () => {
        const text = (await get(`${base}/`)).text;
        return text.includes("down: body_mismatch") ? text : undefined;
      },
      10_000,
    );
    expect(page).toContain(`body does not match &#34;${ESCAPED_BREAKOUT}${ESCAPED_SCRIPT}&#34;`);
    expectInert(page);
  });
});
