import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DateTime } from "luxon";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AVAILABILITY_MONTHLY_UID, MONTHS_SHOWN } from "../src/dashboards/availability-monthly.js";
import { PROMETHEUS_DATASOURCE_UID } from "../src/dashboards/dashboard-kit.js";
import { dashboardProblems, dashboardSchema, type GrafanaDashboard, type GrafanaPanel } from "../src/dashboards/dashboard-schema.js";
import { SERVICE_DETAIL_PANEL_SERVICES } from "../src/dashboards/service-detail.js";
import { renderDashboard, smtDashboards } from "../src/dashboards/smt-dashboards.js";
import { SERVICES, ZONE, dashboardYear, dashboardYearInputs, writeDashboardYear } from "./support/dashboard-year.js";
import { machineCached } from "./support/machine-cache.js";
import { instantQuery, rangeQuery, startPrometheus, type PrometheusServer } from "./support/prometheus-server.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..");
const dashboardsDir = join(root, "grafana", "dashboards");
const checkedIn = new Map(
  readdirSync(dashboardsDir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => [f, JSON.parse(readFileSync(join(dashboardsDir, f), "utf8")) as unknown]),
);

describe("grafana/dashboards (generated from src/dashboards/)", () => {
  it("the checked-in JSON is the generator's output", () => {
    const generated = smtDashboards();
    expect([...checkedIn.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [name, d] of generated) {
      // On a difference: `npx tsc -p . && node scripts/generate-dashboards.mjs`, then review the diff.
      expect(readFileSync(join(dashboardsDir, name), "utf8"), name).toBe(renderDashboard(d));
    }
  });

  it.each([...checkedIn.keys()])("%s matches the dashboard schema and the layout rules", (name) => {
    expect(dashboardProblems(checkedIn.get(name))).toEqual([]);
    const d = dashboardSchema.parse(checkedIn.get(name));
    expect(d.timezone).toBe("America/Chicago");
  });

  it("the schema catches what Grafana would not show right", () => {
    const d = structuredClone(checkedIn.get("smt-service-detail.json")) as GrafanaDashboard;
    const panel = d.panels[1] as GrafanaPanel;
    panel.targets[0]!.expr += " + on() vector($undefined_var)";
    panel.targets[0]!.datasource.uid = "some-other";
    (d.panels[2] as GrafanaPanel).gridPos = { ...(d.panels[1] as GrafanaPanel).gridPos };
    (d.panels[3] as GrafanaPanel).id = (d.panels[4] as GrafanaPanel).id;
    const problems = dashboardProblems(d).join("\n");
    expect(problems).toMatch(/undefined variable \$undefined_var/);
    expect(problems).toMatch(/data source uid "some-other"/);
    expect(problems).toMatch(/overlaps panel/);
    expect(problems).toMatch(/duplicate panel id/);
    expect(dashboardProblems({ ...d, timezone: "browser" }).join()).toMatch(/timezone/);
    expect(dashboardProblems({ ...d, panels: [{ ...d.panels[0], typo: 1 }] }).join()).toMatch(/typo/);
  });
});

describe("the dashboards query metrics that exist", () => {
  const used = (prefix: RegExp) =>
    new Set([...checkedIn.values()].flatMap((d) => JSON.stringify(d).match(prefix) ?? []).map((name) => name.replace(/_(bucket|count|sum)$/, "")));

  it("every smt_notice*/smt_notifier* name is one the notifier registers (src/notices/notifier-metrics.ts)", async () => {
    const { NotifierMetrics } = await import("../src/notices/notifier-metrics.js");
    const m = new NotifierMetrics({ noticeCounts: () => [], pendingOutbox: () => [], overdue: () => 0, storeWritable: () => true, channels: ["chat"] });
    const registered = new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
    const names = used(/smt_noti(ces\b|ce_[a-z_]+|fier_[a-z_]+)/g);
    expect(names.size).toBeGreaterThanOrEqual(8);
    for (const name of names) expect(registered, name).toContain(name);
  });

  it("every smt_probe*/smt_tls*/smt_ftps*/smt_status_feed* name is one the exporter registers (src/exporter/probe-metrics.ts)", async () => {
    const { ProbeMetrics } = await import("../src/exporter/probe-metrics.js");
    const m = new ProbeMetrics() as unknown as { registry: { getMetricsAsJSON(): Promise<{ name: string }[]> } };
    const registered = new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
    const names = used(/smt_(probe|tls|ftps|status_feed)_[a-z_]+/g);
    expect(names).toContain("smt_status_feed_state");
    expect(names.size).toBeGreaterThan(5);
    for (const name of names) expect(registered, name).toContain(name);
  });
});

describe("panels of one kind of check", () => {
  it("every panel declared for some services only is a panel of the service-detail dashboard; the call center's status feed has one", () => {
    const detail = dashboardSchema.parse(checkedIn.get("smt-service-detail.json"));
    const titles = detail.panels.filter((p): p is GrafanaPanel => p.type !== "row").map((p) => p.title);
    for (const title of Object.keys(SERVICE_DETAIL_PANEL_SERVICES)) expect(titles, title).toContain(title);
    const feedPanels = detail.panels.filter((p): p is GrafanaPanel => p.type !== "row" && p.targets.some((t) => t.expr.includes("smt_status_feed_state")));
    expect(feedPanels.map((p) => SERVICE_DETAIL_PANEL_SERVICES[p.title])).toEqual([["call_center"]]);
  });
});

describe("grafana/provisioning", () => {
  it("the data source has the uid every dashboard query uses", () => {
    const ds = parse(readFileSync(join(root, "grafana/provisioning/datasources/prometheus.yaml"), "utf8")) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    expect(ds.datasources).toHaveLength(1);
    expect(ds.datasources[0]).toMatchObject({ uid: PROMETHEUS_DATASOURCE_UID, type: "prometheus", url: "http://prometheus:9090" });
  });
  it("the dashboard provider reads the folder docker-compose.yml mounts grafana/dashboards on", () => {
    const p = parse(readFileSync(join(root, "grafana/provisioning/dashboards/smt.yaml"), "utf8")) as {
      providers: { type: string; options: { path: string } }[];
    };
    const compose = readFileSync(join(root, "docker-compose.yml"), "utf8");
    expect(p.providers[0]!.type).toBe("file");
    expect(compose).toContain(`./grafana/dashboards:${p.providers[0]!.options.path}:ro`);
  });
});

// ---------------------------------------------------------------------------------------------
// Every query of every panel, variable and annotation, against a real Prometheus with a year of data.

const year = dashboardYear();
const NOW = year.nowMs;
let prometheus: PrometheusServer;
const dir = mkdtempSync(join(tmpdir(), "smt-dashboards-"));

describe("against a real Prometheus holding a backfilled year", () => {
  beforeAll(async () => {
    const data = join(dir, "data");
    // The year's blocks are kept on the machine between runs (test/support/machine-cache.ts).
    await machineCached("dashboard-year", dashboardYearInputs(year), data, async (out) => {
      const inputs = writeDashboardYear(year, (i) => join(dir, `part-${i}.om`));
      // One promtool per part, in parallel; overlapping blocks are fine for Prometheus 2.42.
      await Promise.all(
        inputs.map((input) =>
          run("promtool", ["tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=10000h", input, out], { maxBuffer: 64 << 20 }),
        ),
      );
      for (const input of inputs) rmSync(input);
    });
    prometheus = await startPrometheus({ dir, dataDir: data });
  }, 300_000);

  afterAll(async () => {
    await prometheus?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Grafana's time range of a panel: the dashboard's, or its own relative time and time shift. */
  interface Range {
    from: number;
    to: number;
  }
  function resolveRelative(expr: string, now: DateTime): DateTime {
    const m = /^now(?:-(\d+)([smhdwMy]))?(?:\/([smhdwMy]))?$/.exec(expr);
    if (!m) throw new Error(`unsupported relative time ${expr}`);
    const unit = { s: "seconds", m: "minutes", h: "hours", d: "days", w: "weeks", M: "months", y: "years" } as const;
    let t = now;
    if (m[1]) t = t.minus({ [unit[m[2] as keyof typeof unit]]: Number(m[1]) });
    if (m[3]) t = t.startOf(unit[m[3] as keyof typeof unit].slice(0, -1) as "month");
    return t;
  }
  function dashboardRange(d: GrafanaDashboard): Range {
    const now = DateTime.fromMillis(NOW, { zone: ZONE });
    const to = d.time.to === "now" ? now : resolveRelative(d.time.to, now).endOf("month");
    return { from: resolveRelative(d.time.from, now).toMillis(), to: to.toMillis() };
  }
  function panelRange(d: GrafanaDashboard, p: GrafanaPanel): Range {
    const now = DateTime.fromMillis(NOW, { zone: ZONE });
    let r = dashboardRange(d);
    if (p.timeFrom) {
      const m = /^(\d+)([smhd])$/.exec(p.timeFrom);
      r = m
        ? { from: now.minus({ [{ s: "seconds", m: "minutes", h: "hours", d: "days" }[m[2] as "s"]]: Number(m[1]) }).toMillis(), to: NOW }
        : { from: resolveRelative(p.timeFrom, now).toMillis(), to: NOW };
    }
    if (p.timeShift) {
      const m = /^(\d+)M\/M$/.exec(p.timeShift);
      if (!m) throw new Error(`unsupported time shift ${p.timeShift}`);
      const start = now.startOf("month").minus({ months: Number(m[1]) });
      r = { from: start.toMillis(), to: start.endOf("month").toMillis() };
    }
    return r;
  }
  /** Grafana's $__interval: range / max data points, rounded to a "nice" interval, at least the panel's min interval. */
  function intervalOf(r: Range, p: { interval?: string; maxDataPoints?: number }): number {
    const raw = (r.to - r.from) / (p.maxDataPoints ?? 1000);
    const nice = [
      10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_200_000, 1_800_000,
      3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
    ];
    const rounded = nice.find((n) => n >= raw) ?? 86_400_000;
    const min = p.interval ? Number(p.interval.slice(0, -1)) * { s: 1000, m: 60_000, h: 3_600_000 }[p.interval.slice(-1) as "s"] : 15_000;
    return Math.max(rounded, min);
  }
  function substitute(expr: string, r: Range, intervalMs: number, vars: Record<string, string>): string {
    const rangeS = Math.round((r.to - r.from) / 1000);
    const rateInterval = Math.max(intervalMs / 1000 + 15, 60);
    let out = expr
      .replaceAll("$__range_s", String(rangeS))
      .replaceAll("$__range", `${rangeS}s`)
      .replaceAll("$__rate_interval", `${rateInterval}s`)
      .replaceAll("$__interval", `${intervalMs / 1000}s`);
    for (const [k, v] of Object.entries(vars)) out = out.replaceAll(`$${k}`, v);
    return out;
  }

  /**
   * Variable values per dashboard to run the queries with: every service for the detail dashboard,
   * only the services a panel is declared for when its series come from one kind of check
   * (SERVICE_DETAIL_PANEL_SERVICES: the status feed is the call center's).
   */
  function variableSets(d: GrafanaDashboard, p?: GrafanaPanel): Record<string, string>[] {
    if (d.templating.list.length === 0) return [{}];
    const services = (p && SERVICE_DETAIL_PANEL_SERVICES[p.title]) ?? SERVICES;
    return services.map((service) => ({ service, check: ".*", location: ".*" }));
  }

  const dashboards = [...checkedIn.entries()].map(([name, json]) => [name, dashboardSchema.parse(json)] as const);

  describe.each(dashboards)("every query of %s runs clean against real data (Prometheus 2.42, a backfilled year)", (_name, d) => {
    const panels = d.panels.filter((p): p is GrafanaPanel => p.type !== "row");
    const cases = panels.flatMap((p) => p.targets.map((t) => [`${p.id} ${p.title} / ${t.refId}`, p, t] as const));

    it.each(cases)("panel %s", async (_label, p, t) => {
      const r = panelRange(d, p);
      const interval = intervalOf(r, p);
      for (const vars of variableSets(d, p)) {
        const expr = substitute(t.expr, r, interval, vars);
        if (t.instant) {
          const result = await instantQuery(prometheus.url, expr, r.to / 1000);
          expect(result.length, `${expr} (${JSON.stringify(vars)}) returned nothing`).toBeGreaterThan(0);
          for (const s of result) expect(Number.isFinite(s.value), `${expr}: ${JSON.stringify(s)}`).toBe(true);
        } else {
          const step = interval / 1000;
          const result = await rangeQuery(prometheus.url, expr, Math.floor(r.from / 1000 / step) * step, r.to / 1000, step);
          expect(result.length, `${expr} (${JSON.stringify(vars)}) returned nothing`).toBeGreaterThan(0);
          expect(result.some((s) => s.values.length > 0)).toBe(true);
        }
      }
    });

    it.each(d.annotations.list.map((a) => [a.name, a] as const))("annotation %s", async (_n, a) => {
      const r = dashboardRange(d);
      // Grafana raises an annotation's step to keep within Prometheus's 11,000 points per series.
      const step = Math.max(Number(a.step.slice(0, -1)), Math.ceil((r.to - r.from) / 1000 / 11_000));
      const result = await rangeQuery(prometheus.url, substitute(a.expr, r, 60_000, {}), r.from / 1000, r.to / 1000, step);
      expect(result.length, a.expr).toBeGreaterThan(0);
    });

    it.each(d.templating.list.map((v) => [v.name, v] as const))("variable $%s", async (_n, v) => {
      const m = /^label_values\((.*),\s*(\w+)\)$/.exec(v.query);
      expect(m, v.query).not.toBeNull();
      const r = dashboardRange(d);
      for (const vars of variableSets(d)) {
        const match = substitute(m![1]!, r, 60_000, vars);
        const params = new URLSearchParams({ "match[]": match, start: String(r.from / 1000), end: String(r.to / 1000) });
        const res = (await (await fetch(`${prometheus.url}/api/v1/label/${m![2]}/values?${params}`)).json()) as { status: string; data: string[] };
        expect(res.status).toBe("success");
        expect(res.data.length, `${v.query} with ${JSON.stringify(vars)}`).toBeGreaterThan(0);
      }
    });
  });

  describe("the monthly figures are right (against the synthetic year's own minute counts)", () => {
    const d = dashboards.find(([, x]) => x.uid === AVAILABILITY_MONTHLY_UID)![1];
    const stats = d.panels.filter((p): p is GrafanaPanel => p.type === "stat");

    it(`${MONTHS_SHOWN} calendar months plus this month and the previous month`, () => {
      expect(stats.map((p) => p.timeShift ?? "")).toEqual(["", "1M/M", "", ...Array.from({ length: MONTHS_SHOWN - 1 }, (_, k) => `${k + 1}M/M`)]);
    });

    it.each(stats.map((p) => [p.title, p] as const))("%s: availability per service = available / (minutes - maintenance)", async (_t, p) => {
      const r = panelRange(d, p);
      const result = await instantQuery(prometheus.url, substitute(p.targets[0]!.expr, r, 60_000, {}), r.to / 1000);
      const from = r.from;
      const to = Math.round(r.to / 60_000) * 60_000 > r.to ? Math.ceil(r.to / 60_000) * 60_000 : Math.floor(r.to / 60_000) * 60_000;
      const minutes = Math.round((r.to - r.from) / 1000) / 60;
      for (const service of SERVICES) {
        const c = year.count(service, from, to);
        const expected = c.available / (minutes - c.maintenance);
        const got = result.find((s) => s.metric.service === service);
        expect(got, service).toBeDefined();
        expect(got!.value, `${service} ${p.title}: ${JSON.stringify(c)}`).toBeCloseTo(expected, 9);
      }
      // Outages every month: below 99 % somewhere, as the red threshold should show.
      expect(result.some((s) => s.value < 0.9999)).toBe(true);
    });

    it("the minutes table adds up to the minutes of the range, and matches the model per state", async () => {
      const table = d.panels.find((p): p is GrafanaPanel => p.type === "table" && p.title.startsWith("Minutes"))!;
      const r = panelRange(d, table);
      const byRef: Record<string, Map<string, number>> = {};
      for (const t of table.targets) {
        const result = await instantQuery(prometheus.url, substitute(t.expr, r, 60_000, {}), r.to / 1000);
        byRef[t.refId] = new Map(result.map((s) => [s.metric.service!, s.value]));
      }
      const minutes = Math.floor((r.to - r.from) / 60_000);
      for (const service of SERVICES) {
        const c = year.count(service, r.from, Math.floor(r.to / 60_000) * 60_000);
        expect([byRef.A!.get(service), byRef.B!.get(service), byRef.C!.get(service)], service).toEqual([c.available, c.unavailable, c.maintenance]);
        expect(byRef.A!.get(service)! + byRef.B!.get(service)! + byRef.C!.get(service)! + byRef.D!.get(service)!).toBe(minutes);
      }
    });
  });
});
