import { readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium, type Browser } from "playwright-core";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVICES } from "../src/config/services.js";
import { recordedThrough } from "../src/report/month-to-date.js";
import { reportMonth } from "../src/report/report-month.js";
import { StatusServer } from "../src/status/status-server.js";
import type { StatusSnapshot } from "../src/status/status-snapshot.js";
import type { MonthlyReport } from "../src/report/monthly-report.js";
import { backfilledMarch2026 } from "./support/backfilled-month.js";
import { startCountingProxy, type CountingProxy } from "./support/counting-proxy.js";
import { REVIEWER, basic, payload, postWebhook, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";
import type { PrometheusServer } from "./support/prometheus-server.js";
import { CLI, runReport, stepTimer } from "./support/report-cli.js";
import { CHROMIUM, CHROMIUM_ARGS } from "./support/chromium.js";
import { syntheticMarch2026, type GroundTruth } from "./support/synthetic-month.js";

/**
 * The public status page and its feeds (issue 17) against a real Prometheus holding a backfilled
 * March 2026 (test/support/backfilled-month.ts) and a real notifier's store: the figures are the
 * report's and the independently counted minutes, only sent notices are shown, the figures are
 * cached for a minute, and a Prometheus that went away leaves the last figures with their age.
 * The status board's clock is injected: "now" is 2026-03-31 15:37:20 CDT, the backfill's last day.
 */

const NOW = Date.parse("2026-03-31T20:37:20Z");
/** Distinctive text that must never reach a public output. */
const INTERNAL_SUMMARY = "INTERNAL-SUMMARY-5b1e";
const INTERNAL_DESCRIPTION = "INTERNAL-DESCRIPTION-c7d2";
const INTERNAL_RUNBOOK = "https://runbooks.internal.example/INTERNAL-RUNBOOK-0a9f";
const DRAFT_TEXT = "DRAFT-ONLY-TEXT-91c2";
const APPROVED_TEXT = "APPROVED-UNSENT-TEXT-3e4d";

let prometheus: PrometheusServer | undefined;
let dir: string | undefined;
let truth: GroundTruth;
let proxy: CountingProxy;
let notifier: RunningNotifier | undefined;
let status: StatusServer | undefined;
let browser: Browser | undefined;
/** A phone (iPhone SE's CSS pixels) and a desktop window. */
const VIEWPORTS = [
  { width: 375, height: 667 },
  { width: 1280, height: 900 },
];
let now = NOW;
let initialId: string;
let plannedId: string;
const { timings, timed } = stepTimer();

const get = async (path: string) => {
  const res = await fetch(`${status!.url}${path}`);
  return { status: res.status, type: res.headers.get("content-type") ?? "", cache: res.headers.get("cache-control"), text: await res.text() };
};
const statusJson = async () => JSON.parse((await get("/status.json")).text) as StatusSnapshot;

beforeAll(async () => {
  statSync(CLI); // `npm test` builds first; alone: npm run build
  ({ dir, prometheus, truth } = await backfilledMarch2026(syntheticMarch2026(), timed));
  proxy = await startCountingProxy(prometheus.url);
  notifier = await startNotifier({
    clock: () => now,
    tickIntervalMs: 3_600_000,
    maintenance: `  planned:
    - { id: sftp-upgrade, start: "2026-04-04T13:00", end: "2026-04-04T15:00", services: [ftps] }`,
  });
  const auth = { authorization: basic(REVIEWER), "content-type": "application/json" };
  const api = (path: string, init: { method?: string; body?: string } = {}) => fetch(`${notifier!.url}/api/v1/notices${path}`, { ...init, headers: auth });
  const annotations = { summary: INTERNAL_SUMMARY, description: INTERNAL_DESCRIPTION, runbook_url: INTERNAL_RUNBOOK };
  // The gui outage: INITIAL approved and sent (announced).
  const start = Math.floor(NOW / 1000) - 1500;
  const first = await postWebhook(notifier.url, payload([{ service: "gui", start, annotations }]));
  const draftId = (first.json.drafts as { id: string }[])[0]!.id;
  expect((await api(`/${draftId}/approve`, { method: "POST", body: "{}" })).status).toBe(200);
  const sent = await api(`/${draftId}/sent`, { method: "POST", body: "{}" });
  expect(sent.status).toBe(200);
  initialId = ((await sent.json()) as { notice: { id: string } }).notice.id;
  // api joins: an UPDATE draft, edited with text only a reviewer has seen.
  now += 60_000;
  const second = await postWebhook(
    notifier.url,
    payload([
      { service: "gui", start, annotations },
      { service: "api", start: start + 600, annotations },
    ]),
  );
  const updateId = (second.json.drafts as { id: string }[])[0]!.id;
  const body = ((await (await api(`/${updateId}`)).json()) as { notice: { body: string } }).notice.body;
  const edited = await api(`/${updateId}`, {
    method: "PATCH",
    body: JSON.stringify({ body: body.replace(/ACTION REQUIRED: [^\n]*/, `ACTION REQUIRED: ${DRAFT_TEXT}`) }),
  });
  expect(edited.status, await edited.clone().text()).toBe(200);
  // The planned window: PLANNED sent; another planned draft approved but never sent.
  const notices = ((await (await api("")).json()) as { notices: { id: string; kind: string; status: string; services: string[] }[] }).notices;
  const planned = notices.filter((n) => n.kind === "PLANNED");
  const sftp = planned.find((n) => n.services.includes("ftps") && n.services.length === 1)!;
  expect(sftp, JSON.stringify(notices)).toBeDefined();
  expect((await api(`/${sftp.id}/approve`, { method: "POST", body: "{}" })).status).toBe(200);
  const plannedSent = await api(`/${sftp.id}/sent`, { method: "POST", body: "{}" });
  expect(plannedSent.status).toBe(200);
  plannedId = ((await plannedSent.json()) as { notice: { id: string } }).notice.id;
  const other = notices.find((n) => n.status === "draft" && n.kind !== "UPDATE" && n.id !== sftp.id);
  if (other) {
    const b = ((await (await api(`/${other.id}`)).json()) as { notice: { body: string } }).notice.body;
    expect(
      (
        await api(`/${other.id}`, {
          method: "PATCH",
          body: JSON.stringify({ body: b.replace(/ACTION REQUIRED: [^\n]*/, `ACTION REQUIRED: ${APPROVED_TEXT}`) }),
        })
      ).status,
    ).toBe(200);
    expect((await api(`/${other.id}/approve`, { method: "POST", body: "{}" })).status).toBe(200);
  }
  now = NOW;
  status = await StatusServer.start({
    prometheusUrl: proxy.url,
    noticesPath: join(notifier.dir, "data", "notices.db"),
    listenAddress: { host: "127.0.0.1", port: 0 },
    now: () => now,
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await status?.stop();
  await notifier?.stop();
  await proxy?.close();
  await prometheus?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  console.log(`status page timings (ms): ${JSON.stringify(timings)}`);
});

const MARCH = reportMonth("2026-03");
const THROUGH = recordedThrough(NOW);
const figuresOf = (c: { maintenance: number; unavailable: number; unmeasured: number; available: number }, total: number) => ({
  total_minutes: total,
  maintenance_minutes: c.maintenance,
  unavailable_minutes: c.unavailable,
  unmeasured_minutes: c.unmeasured,
  available_minutes: c.available,
  availability: total - c.maintenance > 0 ? c.available / (total - c.maintenance) : null,
});

describe("the public status page and its feeds (real Prometheus, real notifier store)", () => {
  it("/status.json: the month to date and every day equal the counted minutes and `report --month current` at the same instant", async () => {
    const before = proxy.requests();
    const s = await timed("first snapshot", statusJson);
    expect(s.schema_version).toBe(1);
    expect(s.generated_at).toBe(new Date(NOW).toISOString());
    expect(s.figures).toMatchObject({ state: "current", computed_at: new Date(NOW).toISOString(), age_seconds: 0, month: "2026-03", message: null });
    expect(s.figures.through).toBe("2026-03-31T20:36:00.000Z");
    expect(s.services.map((v) => v.service)).toEqual([...SERVICES]);
    // 90 days and the month to date, one instant query each
    expect(proxy.requests() - before).toBe(91);
    const report = await runReport(["--prometheus", prometheus!.url, "--month", "current", "--at", new Date(NOW).toISOString(), "--format", "json"]);
    expect(report.code, report.stderr).toBe(0);
    const r = JSON.parse(report.stdout) as MonthlyReport;
    expect(r.month).toBe("2026-03");
    expect(r.partial).toEqual({ computed_at: new Date(NOW).toISOString(), through: "2026-03-31T20:36:00.000Z" });
    const total = (THROUGH - MARCH.fromMs) / 60_000;
    for (const v of s.services) {
      const c = truth.count(v.service, MARCH.fromMs, THROUGH);
      const counted = figuresOf(c, total);
      expect(v.month_to_date, v.service).toEqual({ ...counted, objective: 0.99, met: c.available / (total - c.maintenance) > 0.99 });
      const { service, ...fromReport } = r.services.find((x) => x.service === v.service)!;
      expect(service).toBe(v.service);
      expect(v.month_to_date, v.service).toEqual(fromReport);
      // the days: 90 of them, ending today; March's equal the counted minutes, those before the data are unmeasured
      expect(v.days).toHaveLength(90);
      expect(v.days.at(-1)!.date).toBe("2026-03-31");
      expect(v.days[0]!.date).toBe("2026-01-01");
      for (const d of v.days) {
        if (d.date < "2026-03-01") {
          if (d.date < "2026-02-26") expect(d, d.date).toMatchObject({ state: "unmeasured", available_minutes: 0, unmeasured_minutes: 1440 });
          continue;
        }
        // Central midnight: CST before the change on 2026-03-08 02:00 (that day starts in CST too), CDT after
        const from = Date.parse(`${d.date}T00:00:00${d.date > "2026-03-08" ? "-05:00" : "-06:00"}`);
        const to = d.date === "2026-03-31" ? THROUGH : from + 86_400_000 - (d.date === "2026-03-08" ? 3_600_000 : 0);
        const day = truth.count(v.service, from, to);
        expect(d, `${v.service} ${d.date}`).toMatchObject(figuresOf(day, (to - from) / 60_000));
        const state = day.unavailable > 0 ? "outage" : day.unmeasured > 0 ? "unmeasured" : day.maintenance > 0 ? "maintenance" : "available";
        expect(d.state, `${v.service} ${d.date}`).toBe(state);
      }
    }
    // the data is rich enough: every kind of bar occurs
    const states = new Set(s.services.flatMap((v) => v.days.map((d) => d.state)));
    expect(states).toEqual(new Set(["available", "outage", "maintenance", "unmeasured"]));
  });

  it("`report --month current` marks the figures partial in every format; --at takes an instant", async () => {
    const at = ["--prometheus", prometheus!.url, "--month", "current", "--at", "2026-03-31T20:37:20Z"];
    const table = await runReport(at);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(
      "PARTIAL: month to date, minutes up to 2026-03-31 15:36 CDT (2026-03-31T20:36:00.000Z), computed at 2026-03-31 15:37 CDT (2026-03-31T20:37:20.000Z)",
    );
    const csv = await runReport([...at, "--format", "csv"]);
    expect(csv.stdout.startsWith("partial,computed_at,through\ntrue,2026-03-31T20:37:20.000Z,2026-03-31T20:36:00.000Z\n\n")).toBe(true);
    const bad = await runReport(["--prometheus", prometheus!.url, "--month", "current", "--at", "yesterday"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--at: expected an instant in ISO 8601 .*got "yesterday"/);
  });

  it("only what was announced: the sent INITIAL and PLANNED; never drafts, approved notices, reviewers or the alerts' text", async () => {
    const s = await statusJson();
    expect(s.overall).toBe("outage");
    const state = Object.fromEntries(s.services.map((v) => [v.service, v.state]));
    // api's outage is only in a draft UPDATE: not announced, so api stays operational
    expect(state).toMatchObject({ gui: "outage", api: "operational", ftps: "operational", han: "operational" });
    expect(s.incidents).toHaveLength(1);
    expect(s.incidents[0]).toMatchObject({ services: ["gui"], latest_notice: { id: initialId, kind: "INITIAL" } });
    expect(s.incidents[0]!.latest_notice.text).toMatch(/^NOTICE DATE: /);
    expect(s.maintenance).toEqual([
      expect.objectContaining({
        services: ["ftps"],
        start: "2026-04-04T18:00:00.000Z",
        end: "2026-04-04T20:00:00.000Z",
        in_progress: false,
        latest_notice: expect.objectContaining({ id: plannedId, kind: "PLANNED" }),
      }),
    ]);
    const feed = await get("/status.atom");
    expect(feed.status).toBe(200);
    expect(feed.type).toMatch(/^application\/atom\+xml/);
    const entries = [...feed.text.matchAll(/<entry>[\s\S]*?<\/entry>/g)].map((m) => m[0]);
    expect(entries).toHaveLength(2);
    expect(feed.text).toContain(`<id>urn:smt-notice:${encodeURIComponent(initialId)}</id>`);
    expect(feed.text).toContain(`<id>urn:smt-notice:${encodeURIComponent(plannedId)}</id>`);
    const page = await get("/status");
    expect(page.status).toBe(200);
    expect(page.text).toContain(initialId);
    for (const out of [JSON.stringify(s), feed.text, page.text]) {
      for (const secret of [INTERNAL_SUMMARY, INTERNAL_DESCRIPTION, "INTERNAL-RUNBOOK", DRAFT_TEXT, APPROVED_TEXT, REVIEWER.name, "provisional"]) {
        expect(out, secret).not.toContain(secret);
      }
    }
  });

  it("the figures are cached for a minute; a refresh asks only for today and the month to date", async () => {
    const before = proxy.requests();
    now = NOW + 30_000;
    expect((await statusJson()).figures).toMatchObject({ state: "current", age_seconds: 30 });
    expect(proxy.requests()).toBe(before);
    now = NOW + 61_000;
    const [a, b] = await Promise.all([statusJson(), statusJson()]);
    expect(a.figures).toMatchObject({ state: "current", computed_at: new Date(NOW + 61_000).toISOString() });
    expect(b.figures.computed_at).toBe(a.figures.computed_at);
    expect(proxy.requests() - before).toBe(2);
  });

  it("a finished month: the days of March add up to `report --month 2026-03`", async () => {
    now = Date.parse("2026-04-01T06:30:00Z"); // 01:30 CDT on April 1
    const s = await statusJson();
    expect(s.figures.month).toBe("2026-04");
    const report = await runReport(["--prometheus", prometheus!.url, "--month", "2026-03", "--format", "json"]);
    expect(report.code, report.stderr).toBe(0);
    const r = JSON.parse(report.stdout) as MonthlyReport;
    expect(r.partial).toBeUndefined(); // a whole month carries no partial mark
    for (const v of s.services) {
      const march = v.days.filter((d) => d.date.startsWith("2026-03"));
      expect(march).toHaveLength(31);
      const line = r.services.find((x) => x.service === v.service)!;
      for (const k of ["total_minutes", "maintenance_minutes", "unavailable_minutes", "unmeasured_minutes", "available_minutes"] as const) {
        const sum = (key: typeof k) => march.reduce((n, d) => n + d[key], 0);
        expect(sum(k), `${v.service} ${k}`).toBe(line[k]);
      }
    }
  });

  it("in Chromium at phone and desktop widths: laid out without horizontal scrolling, no console errors, day figures on hover and in a table", async () => {
    browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    for (const viewport of VIEWPORTS) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("requestfailed", (r) => problems.push(`${r.url()}: ${r.failure()?.errorText}`));
      const answer = await page.goto(`${status!.url}/status`);
      expect(answer?.status()).toBe(200);
      expect(await page.locator("h1").textContent()).toBe("Smart Meter Texas status");
      // works without JavaScript: the page has none (and its CSP would refuse any)
      expect(await page.locator("script").count()).toBe(0);
      expect(await page.locator(".overall").textContent()).toBe("An outage is ongoing.");
      // the stylesheet applied (CSP allows only /status.css), nothing wider than the window
      expect(await page.locator(".overall").evaluate((e) => getComputedStyle(e).borderLeftStyle)).toBe("solid");
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(widths.scroll, `${viewport.width}px`).toBeLessThanOrEqual(widths.inner);
      // one bar chart per service, 90 bars each, as wide as the content
      const charts = page.locator("svg.bars");
      expect(await charts.count()).toBe(SERVICES.length);
      const content = (await page.locator("main").boundingBox())!;
      expect(content.width).toBeGreaterThan(Math.min(viewport.width, 960) * 0.9);
      for (let i = 0; i < SERVICES.length; i++) {
        expect(await charts.nth(i).locator("rect").count()).toBe(90);
        const box = (await charts.nth(i).boundingBox())!;
        expect(box.width).toBeGreaterThan(content.width * 0.9);
        expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      }
      // hover: the bar's title is the day's figures; the same figures in the table
      const gui = page.locator("#service-gui");
      const bar = gui.locator("svg.bars rect").nth(89 - 31 + 12); // 2026-03-13, the day after the gui failures of 03-12
      const title = await bar.locator("title").textContent();
      expect(title).toMatch(/^2026-03-1\d: (available|outage|maintenance|unmeasured); availability \d+\.\d{3} %; minutes available \d+/);
      await bar.hover();
      await gui.locator("summary").click();
      const row = gui.locator("table.days tbody tr", { has: page.locator(`th:text-is("${title!.slice(0, 10)}")`) });
      await expect.poll(() => row.isVisible()).toBe(true);
      expect(await row.locator("td").nth(0).textContent()).toBe(title!.split(":")[1]!.split(";")[0]!.trim());
      // the announced incident with its latest sent notice (text in a details element)
      expect(await page.locator("article.incident h3").textContent()).toBe("Outage: web portal (GUI)");
      expect(await page.locator("article.incident .meta strong").textContent()).toBe(initialId);
      expect(await page.locator("article.maintenance h3").textContent()).toBe("Planned: file delivery (SFTP/FTPS)");
      expect(problems, `${viewport.width}px`).toEqual([]);
      await context.close();
    }
  }, 120_000);

  it("passes an automated accessibility check (axe-core in Chromium, WCAG 2.1 A and AA) at both widths", async () => {
    browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    for (const viewport of VIEWPORTS) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(`${status!.url}/status`);
      // every table shown, so that axe checks them too; axe is evaluated by the test, not loaded by the page
      await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
      await page.evaluate(axeSource);
      const result = await page.evaluate(() =>
        (
          window as unknown as {
            axe: { run(o: unknown): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[]; passes: unknown[] }> };
          }
        ).axe.run({
          runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
          resultTypes: ["violations"],
        }),
      );
      const violations = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}, e.g. ${JSON.stringify(v.nodes[0]?.target)})`);
      expect(violations, `${viewport.width}px`).toEqual([]);
      expect(result.passes.length).toBeGreaterThan(10); // the rules ran
      await context.close();
    }
  }, 180_000);

  it("Prometheus unreachable: the page says so and keeps the last known figures with their age", async () => {
    const last = await statusJson();
    await proxy.close();
    now += 61_000;
    const s = await statusJson();
    expect(s.figures).toMatchObject({ state: "stale", computed_at: last.figures.computed_at, age_seconds: 61 });
    expect(s.figures.message).toMatch(/could not be read; the figures shown are the last known ones/);
    expect(s.services.map((v) => v.month_to_date)).toEqual(last.services.map((v) => v.month_to_date));
    // the announced incident is still shown: it comes from the store, not from Prometheus
    expect(s.incidents).toHaveLength(1);
    const page = await get("/status");
    expect(page.text).toContain("Availability figures are not current.");
    expect(page.text).toMatch(/Last known figures: computed 2026-04-01 01:30 CDT, 61 seconds ago\./);
    for (const out of [JSON.stringify(s), page.text]) expect(out).not.toContain(proxy.url.replace("http://", ""));
    // a status page started while Prometheus is away: no figures, said so, the notices still there
    const cold = await StatusServer.start({
      prometheusUrl: proxy.url,
      noticesPath: join(notifier!.dir, "data", "notices.db"),
      listenAddress: { host: "127.0.0.1", port: 0 },
      now: () => now,
    });
    try {
      const res = (await (await fetch(`${cold.url}/status.json`)).json()) as StatusSnapshot;
      expect(res.figures).toMatchObject({ state: "none", computed_at: null, age_seconds: null });
      expect(res.figures.message).toMatch(/no figures are known yet/);
      expect(res.services[0]).toMatchObject({ month_to_date: null, days: [] });
      expect(res.incidents).toHaveLength(1);
      expect((await fetch(`${cold.url}/status`)).status).toBe(200);
    } finally {
      await cold.stop();
    }
  });
});
