import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load.js";
import { runCheck } from "../src/probes/run.js";
import { promAlert, startAlertmanager, testAlertmanagerConfig, type RunningAlertmanager } from "./support/alertmanager.js";
import { CHROMIUM, CHROMIUM_ARGS } from "./support/chromium.js";
import { waitFor } from "./support/http.js";
import { REVIEWER, REVIEWER2, WEBHOOK_TOKEN, basic, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";
import { startSimulatorFixture } from "./support/simulator-fixture.js";

/**
 * Declared call-center outages (docs/notices.md, "Call-center outages"): a real notifier on
 * loopback, its JSON API and review page (real Chromium), the status feed the exporter's
 * status_feed check polls (a real check run against the notifier), and the notices a real
 * Alertmanager delivers for SMTUnplannedOutage{service="call_center"}.
 */
let n: RunningNotifier;
let dir: string;
// A date real time never reaches: the last test runs on the wall clock against the same store, and the
// outage the first test declares (14:40-15:18 UTC) must not be ongoing then (with today's date it was, on
// 2026-11-30 between 14:40 and 15:18 UTC, and the feed said down).
let now = Date.parse("2020-11-30T15:00:00Z");
const clock = () => now;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "smt-cc-outages-"));
  n = await startNotifier({ clock: () => clock() });
});
afterAll(async () => {
  await n?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const api = async (method: string, path: string, body?: unknown, user = REVIEWER) => {
  const res = await fetch(`${n.url}/api/v1/call-center${path}`, {
    method,
    headers: { authorization: basic(user), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

/** The exporter's check of the declared outages: kind status_feed on the notifier, with a reviewer's basic auth. */
function declaredOutagesCheck() {
  const password = join(dir, "reviewer-password");
  writeFileSync(password, REVIEWER2.password);
  const yaml = `checks:
  - name: call_center_declared_outages
    service: call_center
    kind: status_feed
    timeout: 5s
    status_feed:
      url: ${n.url}/api/v1/call-center/status
      basic_auth: { username: ${REVIEWER2.name}, password_file: ${password} }
`;
  return parseConfig(yaml, join(dir, "exporter.yaml"), {}).checks[0]!;
}

describe("POST /api/v1/call-center/outages", () => {
  it("declares, reads as a status feed the exporter's check turns red, ends, with an audit trail naming who", async () => {
    const check = declaredOutagesCheck();
    expect((await runCheck(check, { now: clock })).feedStatus).toEqual({ state: "up" });

    const declared = await api("POST", "/outages", {
      start: "2020-11-30T08:40-06:00",
      end: null,
      reason: "Phone carrier outage: calls to 1-844-217-8595 fail",
    });
    expect(declared.status).toBe(201);
    expect(declared.json.outage).toMatchObject({ start: "2020-11-30T14:40:00.000Z", end: null, ongoing: true, declared_by: "alice", version: 1 });
    const id = (declared.json.outage as { id: number }).id;

    expect((await api("GET", "/status")).json).toEqual({
      state: "down",
      reason: "Phone carrier outage: calls to 1-844-217-8595 fail",
      since: "2020-11-30T14:40:00.000Z",
      updated_at: "2020-11-30T15:00:00.000Z",
    });
    const down = await runCheck(check, { now: clock });
    expect(down.failure).toEqual({ reason: "status_down", message: "the status feed says down: Phone carrier outage: calls to 1-844-217-8595 fail" });

    // Ended by someone else, 20 minutes later; a stale version is refused.
    now = Date.parse("2020-11-30T15:20:00Z");
    expect((await api("PATCH", `/outages/${id}`, { end: "2020-11-30T15:18:30Z", version: 7 }, REVIEWER2)).status).toBe(409);
    const ended = await api("PATCH", `/outages/${id}`, { end: "2020-11-30T15:18:30Z", version: 1 }, REVIEWER2);
    expect(ended.status).toBe(200);
    expect(ended.json.outage).toMatchObject({ end: "2020-11-30T15:18:00.000Z", ongoing: false, version: 2 });
    expect(ended.json.audit).toEqual([
      {
        at: "2020-11-30T15:00:00.000Z",
        actor: "alice",
        action: "declare",
        detail: { start: "2020-11-30T14:40:00.000Z", end: null, reason: expect.any(String) },
      },
      { at: "2020-11-30T15:20:00.000Z", actor: "bob", action: "end", detail: { end: { from: null, to: "2020-11-30T15:18:00.000Z" } } },
    ]);
    expect((await runCheck(check, { now: clock })).feedStatus).toEqual({ state: "up" });
  });

  it("refuses what a person can get wrong, naming the field; needs a reviewer; refuses cross-site posts", async () => {
    const bad = async (body: unknown) => {
      const r = await api("POST", "/outages", body);
      return [r.status, r.json.field, r.json.error];
    };
    expect(await bad({ start: "2020-11-30T09:00", reason: "  " })).toEqual([400, "reason", "expected a reason (what is down, as the market should read it)"]);
    expect(await bad({ start: "yesterday", reason: "x" })).toEqual([
      400,
      "start",
      expect.stringMatching(/expected a date-time "YYYY-MM-DDTHH:MM" in America\/Chicago/),
    ]);
    expect(await bad({ start: "2020-11-30T09:00", end: "2020-11-30T08:59", reason: "x" })).toEqual([
      400,
      "end",
      'expected end after start (2020-11-30T15:00:00.000Z), got "2020-11-30T08:59"',
    ]);
    expect(await bad({ start: "2020-11-30T12:00", reason: "x" })).toEqual([
      400,
      "start",
      expect.stringMatching(/no later than an hour from now.*maintenance calendar/),
    ]);
    expect(await bad({ start: "2020-11-30T09:00", reason: "x".repeat(501) })).toEqual([400, "reason", "expected at most 500 characters, got 501"]);
    expect((await fetch(`${n.url}/api/v1/call-center/outages`)).status).toBe(401);
    const crossSite = await fetch(`${n.url}/api/v1/call-center/outages`, {
      method: "POST",
      headers: { authorization: basic(REVIEWER), "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ start: "2020-11-30T09:00", reason: "x" }),
    });
    expect(crossSite.status).toBe(403);
  });
});

describe("a call-center outage declared on the review page (Chromium) drafts INITIAL and COMPLETION through a real Alertmanager", () => {
  let browser: Browser;
  let am: RunningAlertmanager;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium package`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    am = await startAlertmanager(dir, testAlertmanagerConfig(dir, n.url, WEBHOOK_TOKEN));
  });
  afterAll(async () => {
    await browser?.close();
    await am?.stop();
  });

  it("declare, the feed says down, the alert drafts INITIAL naming the call center, End now, the resolution drafts COMPLETION", async () => {
    // Real time from here: Alertmanager stamps its deliveries with the wall clock.
    now = Date.now();
    const context = await browser.newContext({ httpCredentials: { username: REVIEWER.name, password: REVIEWER.password } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    await page.goto(`${n.url}/notices`);
    await page.click("header a[href='/call-center/outages']");
    await page.waitForURL(`${n.url}/call-center/outages`);
    // The start defaults to now (in America/Chicago); the reviewer moves it 20 minutes back.
    const startInput = page.locator("form.declare input[name=start]");
    const startLocal = await startInput.inputValue();
    expect(startLocal).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    const startMs = Math.floor((now - 20 * 60_000) / 60_000) * 60_000;
    const central = (ms: number) =>
      new Intl.DateTimeFormat("sv-SE", { timeZone: "America/Chicago", dateStyle: "short", timeStyle: "short" }).format(ms).replace(" ", "T");
    await startInput.fill(central(startMs));
    await page.fill("form.declare input[name=reason]", "Ticket system down: e-mail help desk not answering");
    await page.click("form.declare button[type=submit]");
    await page.waitForURL(`${n.url}/call-center/outages`);
    const row = page.locator("tr.outage-ongoing");
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain("Ticket system down: e-mail help desk not answering");
    expect(await row.textContent()).toContain("alice");

    const check = declaredOutagesCheck();
    expect((await runCheck(check)).failure?.reason).toBe("status_down");

    // What the rules make of the down minutes (prometheus/tests/call-center.test.yml), as Prometheus sends it.
    const start = Math.floor(startMs / 1000);
    await am.post([promAlert({ service: "call_center", start })]);
    const notices = () => n.notifier.store.listNotices({ service: "call_center", limit: 100 }).reverse();
    await waitFor("the INITIAL draft", async () => (notices().length > 0 ? true : undefined), 30_000);
    const initial = notices()[0]!;
    expect(initial.kind).toBe("INITIAL");
    expect(initial.services).toEqual(["call_center"]);
    expect(initial.subject).toMatch(/INITIAL: Unplanned Outage - Smart Meter Texas call center$/);
    expect(initial.body).toMatch(/unplanned outage of the call center since \d\d:\d\d C[SD]T on /);

    await page.click("tr.outage-ongoing button[value=end_now]");
    await page.waitForURL(`${n.url}/call-center/outages`);
    const ended = page.locator("tr.outage-ended", { hasText: "Ticket system down" });
    await expect.poll(() => ended.count()).toBe(1);
    await ended.locator("details summary").click();
    expect(await ended.locator("details li").allTextContents()).toEqual([
      expect.stringMatching(/alice declare start: .*reason: "Ticket system down: e-mail help desk not answering"/),
      expect.stringMatching(/alice end end: /),
    ]);
    expect((await runCheck(check)).feedStatus).toEqual({ state: "up" });

    await am.post([promAlert({ service: "call_center", start, endsAt: new Date() })]);
    await waitFor("the COMPLETION draft", async () => (notices().length === 2 ? true : undefined), 30_000);
    expect(notices().map((x) => x.kind)).toEqual(["INITIAL", "COMPLETION"]);
    expect(notices()[1]!.body).toMatch(/LONG DESCRIPTION: The unplanned outage of the Smart Meter Texas call center has ended\./);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it("the phone system's status feed (the simulator's phone_system_down) turns the check red; the alert drafts INITIAL, the recovery COMPLETION", async () => {
    const fx = await startSimulatorFixture();
    try {
      const feed = parseConfig(
        `checks:\n  - { name: call_center_phone_system, service: call_center, kind: status_feed, timeout: 5s, status_feed: { url: "http://127.0.0.1:${fx.sim.ports.admin}/call-center/status" } }\n`,
        join(dir, "feed.yaml"),
        {},
      ).checks[0]!;
      expect((await runCheck(feed)).success).toBe(true);
      expect(await fx.sim.setFault("call_center", "phone_system_down")).toBeUndefined();
      expect((await runCheck(feed)).failure).toEqual({ reason: "status_down", message: "the status feed says down: phone system unreachable (simulated)" });

      const before = n.notifier.store.listNotices({ service: "call_center", limit: 100 }).length;
      const notices = () => n.notifier.store.listNotices({ service: "call_center", limit: 100 }).reverse().slice(before);
      const start = Math.floor(Date.now() / 60_000) * 60 - 17 * 60;
      await am.post([promAlert({ service: "call_center", start })]);
      await waitFor("the INITIAL draft", async () => (notices().length > 0 ? true : undefined), 30_000);
      expect(notices()[0]!.kind).toBe("INITIAL");
      expect(notices()[0]!.subject).toMatch(/Smart Meter Texas call center$/);

      await fx.sim.clearFaults("call_center");
      expect((await runCheck(feed)).success).toBe(true);
      await am.post([promAlert({ service: "call_center", start, endsAt: new Date() })]);
      await waitFor("the COMPLETION draft", async () => (notices().length === 2 ? true : undefined), 30_000);
      expect(notices().map((x) => x.kind)).toEqual(["INITIAL", "COMPLETION"]);
    } finally {
      await fx.stop();
    }
  }, 120_000);
});
