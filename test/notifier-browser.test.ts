import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REVIEWER, payload, postWebhook, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";
import { CHROMIUM, CHROMIUM_ARGS } from "./support/chromium.js";

/** The review pages in a real Chromium (Debian's package, installed by scripts/setup.sh). */

const DAY_MS = 86_400_000;
/** "YYYY-MM-DDTHH:MM" in Central time, as the maintenance calendar reads it. */
const central = (ms: number) =>
  new Intl.DateTimeFormat("sv-SE", { timeZone: "America/Chicago", dateStyle: "short", timeStyle: "short" }).format(ms).replace(" ", "T");

describe("review pages in Chromium", () => {
  let n: RunningNotifier;
  let browser: Browser;
  // The notifier's clock: real time, moved forward by the planned-maintenance test (the last one).
  let offset = 0;
  const base = Date.now();
  // Two planned outages beyond the look-ahead at the start (nothing drafted until the clock moves 58 days).
  const soon = base + 59.5 * DAY_MS;
  const later = base + 75 * DAY_MS;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium package`);
    n = await startNotifier({
      clock: () => Date.now() + offset,
      maintenance: `  planned:
    - { id: soon-db, start: "${central(soon)}", end: "${central(soon + 2 * 3_600_000)}", services: [han] }
    - { id: later-db, start: "${central(later)}", end: "${central(later + 3_600_000)}", services: [han] }`,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      // playwright gives every launch a fresh temporary profile (it refuses --user-data-dir here).
    });
  });
  afterAll(async () => {
    await browser?.close();
    await n?.stop();
  });

  it("list, open, edit, approve and mark sent, with the audit trail and no CSP violations", async () => {
    const start = Math.floor(Date.now() / 1000) - 1500;
    await postWebhook(n.url, payload([{ service: "gui", start }]));
    await postWebhook(n.url, payload([{ service: "api", start: start + 60 }]));
    const context = await browser.newContext({ httpCredentials: { username: REVIEWER.name, password: REVIEWER.password } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));

    await page.goto(`${n.url}/notices`);
    const rows = page.locator("table.notices tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    // Newest first: the UPDATE (api joined) above the INITIAL.
    expect(await rows.nth(0).locator("td").nth(1).textContent()).toBe("UPDATE");
    expect(await rows.nth(1).locator("td").nth(1).textContent()).toBe("INITIAL");
    await page.selectOption("select[name=service]", "api");
    await page.click("form.filter button");
    await expect.poll(() => page.locator("table.notices tbody tr").count()).toBe(1);
    await page.goto(`${n.url}/notices`);

    await rows.nth(1).locator("a").click();
    // Nothing of the series is sent yet: its id is provisional, in the address and in the text.
    await page.waitForURL(/\/notices\/SMT-M-\(provisional-\d+\)-01$/);
    const id = decodeURIComponent(page.url().split("/").pop()!);
    expect(await page.locator("#notice-body").textContent()).toMatch(/^NOTICE DATE: .*\n\nNOTICE TYPE: SMT-M-\(provisional-\d+\)-01 Retail/);
    expect(await page.locator("a[download]").getAttribute("href")).toBe(`/notices/${id}/eml`);

    // Copy button (clipboard permission granted: the text lands on the clipboard).
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: n.url });
    await page.click("#copy");
    await expect.poll(() => page.locator("#copy").textContent()).toMatch(/Copied|Selected/);

    const body = page.locator("form.edit textarea[name=body]");
    const original = await body.inputValue();
    await body.fill(original.replace("ACTION REQUIRED: None at this time.", "ACTION REQUIRED: Retry failed API requests after the all-clear."));
    await page.click("form.edit button[type=submit]");
    await page.waitForURL(`${n.url}/notices/${id}`);
    expect(await page.locator("#notice-body").textContent()).toContain("ACTION REQUIRED: Retry failed API requests after the all-clear.");
    expect(await page.locator("table.audit tbody tr").count()).toBe(2);
    expect(await page.locator("table.audit tbody tr").nth(1).textContent()).toContain("alice");

    await page.click("form.approve button");
    await page.waitForURL(`${n.url}/notices/${id}`);
    expect(await page.locator("h1 .badge").textContent()).toBe("approved");
    expect(await page.locator("form.edit").count()).toBe(0);
    expect(await page.locator(".provisional").textContent()).toContain("marking this notice sent fixes it");
    await page.click("form.sent button");
    // Sending the first notice of the series fixes its id: the page moves to it, the text carries it.
    await page.waitForURL(/\/notices\/SMT-M-A\d{6}-01$/);
    const fixed = page.url().split("/").pop()!;
    expect(await page.locator("h1 .badge").textContent()).toBe("sent");
    expect(await page.locator("#notice-body").textContent()).toContain(`NOTICE TYPE: ${fixed} Retail`);
    expect(n.notifier.store.notice(fixed)).toMatchObject({ status: "sent", approved_by: "alice", sent_by: "alice" });
    expect((await page.locator("table.audit tbody tr").allTextContents()).map((t) => /(created|edited|approved|marked sent|id fixed)/.exec(t)?.[1])).toEqual([
      "created",
      "edited",
      "approved",
      "marked sent",
      "id fixed",
    ]);
    // The UPDATE of the same series follows it; the provisional address still leads to the notice.
    expect(n.notifier.store.listNotices({ service: "api" })[0]!.id).toBe(fixed.replace(/-01$/, "-02"));
    await page.goto(`${n.url}/notices/${encodeURIComponent(id)}`);
    expect(page.url()).toBe(`${n.url}/notices/${fixed}`);

    if (process.env.SMT_SCREENSHOT) await page.screenshot({ path: process.env.SMT_SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("an edit that breaks the field layout is refused with a message naming the field; the text stays in the form to fix", async () => {
    await postWebhook(n.url, payload([{ service: "han", start: Math.floor(Date.now() / 1000) - 3600 }]));
    const target = n.notifier.store.listNotices({ service: "han" })[0]!;
    const context = await browser.newContext({ httpCredentials: { username: REVIEWER.name, password: REVIEWER.password } });
    const page = await context.newPage();
    await page.goto(`${n.url}/notices/${target.id}`);
    const body = page.locator("form.edit textarea[name=body]");
    const original = await body.inputValue();
    // The reviewer deletes the CONTACT paragraph and swaps two fields.
    const broken = original
      .replace(/\n\nCONTACT: [^\n]*/, "")
      .replace(/(INTENDED AUDIENCE: [^\n]*)\n\n(DAYS AFFECTED: [^\n]*)/, "$2\n\n$1")
      .replace("ACTION REQUIRED: None at this time.", "ACTION REQUIRED: Use the HAN API after the all-clear.");
    await body.fill(broken);
    await page.click("form.edit button[type=submit]");
    const message = page.locator("p.message[role=alert]");
    await expect.poll(() => message.count()).toBe(1);
    const text = (await message.textContent()) ?? "";
    expect(text).toContain('CONTACT is missing: expected a line starting "CONTACT:" after ACTION REQUIRED');
    expect(text).toMatch(/INTENDED AUDIENCE is out of order: expected it before DAYS AFFECTED/);
    expect(text).toContain("Expected the fields in this order: NOTICE DATE, NOTICE TYPE, SHORT DESCRIPTION, INTENDED AUDIENCE, DAYS AFFECTED");
    // Nothing saved; the reviewer's text is still in the form.
    expect(n.notifier.store.notice(target.id)).toMatchObject({ version: 1, body: target.body });
    expect(await page.locator("form.edit textarea[name=body]").inputValue()).toBe(broken);
    // Fixed (the reviewer's wording kept), it saves.
    await page
      .locator("form.edit textarea[name=body]")
      .fill(original.replace("ACTION REQUIRED: None at this time.", "ACTION REQUIRED: Use the HAN API after the all-clear."));
    await page.click("form.edit button[type=submit]");
    await page.waitForURL(`${n.url}/notices/${target.id}`);
    expect(await page.locator("p.message").count()).toBe(0);
    expect(await page.locator("#notice-body").textContent()).toContain("ACTION REQUIRED: Use the HAN API after the all-clear.");
    expect(n.notifier.store.notice(target.id)!.version).toBe(2);
    await context.close();
  });

  it("a form posted from another site is refused", async () => {
    await postWebhook(n.url, payload([{ service: "ftps", start: Math.floor(Date.now() / 1000) - 7200 }]));
    const target = n.notifier.store.listNotices({ service: "ftps" })[0]!;
    // A page on another origin (a second port) auto-submits a form to the notifier, as an attacker's site would.
    const evil = await import("node:http").then(({ createServer }) =>
      createServer((_req, res) => {
        res
          .writeHead(200, { "content-type": "text/html" })
          .end(
            `<form id=f method=post action="${n.url}/notices/${target.id}/approve"><input name=version value=1></form><script>document.getElementById("f").submit()</script>`,
          );
      }),
    );
    await new Promise<void>((r) => evil.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (evil.address() as { port: number }).port;
      const context = await browser.newContext({ httpCredentials: { username: REVIEWER.name, password: REVIEWER.password } });
      const page = await context.newPage();
      await page.goto(`http://localhost:${port}/`);
      await page.waitForURL(/\/approve$/);
      expect(await page.textContent("body")).toMatch(/did not come from this site/);
      expect(n.notifier.store.notice(target.id)!.status).toBe("draft");
      await context.close();
    } finally {
      evil.close();
    }
  });
  it("planned notices show their due date, and whether they are late, in the list and on the page", async () => {
    // 58 days on: both planned outages are in the 45-day look-ahead. The soon one starts in 1.5 days,
    // so its PLANNED notice (due 3 business days before its day) is already late; the later one is not.
    offset = 58 * DAY_MS;
    n.notifier.tick();
    const planned = n.notifier.store.listNotices({ service: "han" }).filter((x) => x.kind === "PLANNED");
    expect(planned).toHaveLength(2);
    const late = planned.find((x) => x.due_date! < central(base + offset).slice(0, 10))!;
    const onTime = planned.find((x) => x !== late)!;
    expect(onTime.due_date! >= central(base + offset).slice(0, 10)).toBe(true);

    const context = await browser.newContext({ httpCredentials: { username: REVIEWER.name, password: REVIEWER.password } });
    const page = await context.newPage();
    await page.goto(`${n.url}/notices?service=han`);
    const row = (id: string) => page.locator("table.notices tbody tr", { has: page.locator(`a[href="/notices/${encodeURIComponent(id)}"]`) });
    expect(await row(late.id).locator("td").nth(6).textContent()).toBe(`${late.due_date} late`);
    expect(await row(onTime.id).locator("td").nth(6).textContent()).toBe(`${onTime.due_date} not late`);
    // The late mark stands out (its own colour), the on-time one does not.
    const colour = (id: string) =>
      row(id)
        .locator(".due-state")
        .evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(await colour(late.id)).toBe("rgb(255, 208, 208)");
    expect(await colour(onTime.id)).not.toBe("rgb(255, 208, 208)");

    await row(late.id).locator("a").click();
    expect(await page.locator("#notice-due").textContent()).toBe(`${late.due_date} late`);
    expect(await page.locator("#notice-due .due").getAttribute("class")).toBe("due late");
    // Sent late stays late; the series gets its fixed id at the send.
    await page.click("form.approve button");
    await page.click("form.sent button");
    await page.waitForURL(/\/notices\/SMT-M-A\d{6}-01$/);
    expect(await page.locator("#notice-due").textContent()).toBe(`${late.due_date} late`);
    await context.close();
  });
});
