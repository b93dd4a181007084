import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Exporter } from "../src/exporter/exporter.js";
import { createLogger } from "../src/log/logger.js";

const t = (iso: string) => Date.parse(iso);
const s = (iso: string) => t(iso) / 1000;

const CALENDAR_ANNOUNCED = `maintenance:
  time_zone: America/Chicago
  recurring:
    - name: saturday
      weekdays: [saturday]
      start: "02:00"
      duration: 10h
      services: [gui, api, ftps]
  planned:
    - id: api-db-upgrade
      start: "2026-03-05T01:00"
      end: "2026-03-05T03:30"
      services: [api]
  holidays: ["2026-11-26"]
`;
/** The same calendar with every reserved window excluded, as before the two notions were told apart. */
const CALENDAR = CALENDAR_ANNOUNCED.replace("time_zone: America/Chicago\n", "time_zone: America/Chicago\n  exclude: reserved\n");

/** The value of one sample in a Prometheus text exposition, or undefined when absent. */
function sample(body: string, name: string, service?: string): number | undefined {
  const labels = service === undefined ? "" : `\\{service="${service}"\\}`;
  const match = new RegExp(`^${name}${labels} (\\S+)$`, "m").exec(body);
  return match ? Number(match[1]) : undefined;
}

describe("maintenance gauges on a real exporter's /metrics", () => {
  let dir: string;
  let file: string;
  let exporter: Exporter;
  let base: string;
  let now = t("2026-03-04T18:00:00Z"); // Wednesday 12:00 CST

  const write = (maintenance: string) => writeFileSync(file, `listen_address: "127.0.0.1:0"\nlocation: test\n${maintenance}`);
  const scrape = async (): Promise<string> => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  };
  const reload = async (): Promise<number> => (await fetch(`${base}/-/reload`, { method: "POST" })).status;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "smt-maintenance-"));
    file = join(dir, "exporter.yaml");
    write(CALENDAR);
    exporter = new Exporter({
      configFile: file,
      logger: createLogger({ level: "silent" }),
      enableLifecycle: true,
      clock: { now: () => now, random: Math.random },
    });
    const { port } = await exporter.start();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await exporter?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("before the windows: none active; the next window per service, all four services even without checks", async () => {
    const body = await scrape();
    for (const service of ["gui", "api", "ftps", "han"]) expect(sample(body, "smt_maintenance_active", service)).toBe(0);
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "gui")).toBe(s("2026-03-07T08:00:00Z"));
    expect(sample(body, "smt_maintenance_window_end_timestamp_seconds", "gui")).toBe(s("2026-03-07T18:00:00Z"));
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "api")).toBe(s("2026-03-05T07:00:00Z"));
    expect(sample(body, "smt_maintenance_window_end_timestamp_seconds", "api")).toBe(s("2026-03-05T09:30:00Z"));
    // han is in no window: 0 for both.
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "han")).toBe(0);
    expect(sample(body, "smt_maintenance_window_end_timestamp_seconds", "han")).toBe(0);
    expect(sample(body, "smt_central_utc_offset_seconds")).toBe(-21600);
    expect(body).toContain("# TYPE smt_maintenance_active gauge");
  });

  it("inside a window the gauges show it, exactly at the scrape's instant (start inclusive, end exclusive)", async () => {
    now = t("2026-03-05T07:00:00Z");
    let body = await scrape();
    expect(sample(body, "smt_maintenance_active", "api")).toBe(1);
    expect(sample(body, "smt_maintenance_active", "gui")).toBe(0);
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "api")).toBe(s("2026-03-05T07:00:00Z"));

    now = t("2026-03-05T09:30:00Z");
    body = await scrape();
    expect(sample(body, "smt_maintenance_active", "api")).toBe(0);
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "api")).toBe(s("2026-03-07T08:00:00Z"));

    now = t("2026-03-07T10:00:00Z"); // Saturday 04:00 CST
    body = await scrape();
    expect(sample(body, "smt_maintenance_active", "gui")).toBe(1);
    expect(sample(body, "smt_maintenance_active", "ftps")).toBe(1);
    expect(sample(body, "smt_maintenance_active", "han")).toBe(0);
    expect(sample(body, "smt_maintenance_window_end_timestamp_seconds", "ftps")).toBe(s("2026-03-07T18:00:00Z"));
  });

  it("after spring forward the window and the Central offset follow daylight time", async () => {
    now = t("2026-03-14T12:00:00Z"); // Saturday 07:00 CDT
    const body = await scrape();
    expect(sample(body, "smt_central_utc_offset_seconds")).toBe(-18000);
    expect(sample(body, "smt_maintenance_active", "gui")).toBe(1);
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "gui")).toBe(s("2026-03-14T07:00:00Z"));
    expect(sample(body, "smt_maintenance_window_end_timestamp_seconds", "gui")).toBe(s("2026-03-14T17:00:00Z"));
  });

  it("a reload with a new calendar takes effect; a bad calendar is rejected and the old one stays", async () => {
    now = t("2026-03-14T12:00:00Z");
    write(`maintenance:\n  exclude: reserved\n  recurring:\n    - { name: sunday, weekdays: [sunday], start: "01:00", duration: 3h, services: [han] }\n`);
    expect(await reload()).toBe(200);
    let body = await scrape();
    expect(sample(body, "smt_maintenance_active", "gui")).toBe(0);
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "gui")).toBe(0);
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "han")).toBe(s("2026-03-15T06:00:00Z"));
    expect(sample(body, "smt_maintenance_window_end_timestamp_seconds", "han")).toBe(s("2026-03-15T09:00:00Z"));

    write(`maintenance:\n  recurring:\n    - { name: sunday, weekdays: [sundy], start: "01:00", duration: 3h }\n`);
    const res = await fetch(`${base}/-/reload`, { method: "POST" });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("maintenance.recurring[0].weekdays[0]: expected a weekday name");
    body = await scrape();
    expect(sample(body, "smt_exporter_config_last_reload_successful")).toBe(0);
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "han")).toBe(s("2026-03-15T06:00:00Z"));
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "gui")).toBe(0);
  });

  it("exclude: announced (the default): only planned maintenance is excluded; reserved and planned windows have their own gauges", async () => {
    write(CALENDAR_ANNOUNCED);
    expect(await reload()).toBe(200);
    now = t("2026-03-04T18:00:00Z"); // Wednesday 12:00 CST
    let body = await scrape();
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "gui")).toBe(0);
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "api")).toBe(s("2026-03-05T07:00:00Z"));
    expect(sample(body, "smt_maintenance_window_end_timestamp_seconds", "api")).toBe(s("2026-03-05T09:30:00Z"));
    expect(sample(body, "smt_maintenance_reserved_window_start_timestamp_seconds", "gui")).toBe(s("2026-03-07T08:00:00Z"));
    expect(sample(body, "smt_maintenance_reserved_window_end_timestamp_seconds", "gui")).toBe(s("2026-03-07T18:00:00Z"));
    expect(sample(body, "smt_maintenance_reserved_window_start_timestamp_seconds", "api")).toBe(s("2026-03-07T08:00:00Z"));
    expect(sample(body, "smt_maintenance_reserved_window_start_timestamp_seconds", "han")).toBe(0);
    expect(sample(body, "smt_maintenance_planned_window_start_timestamp_seconds", "api")).toBe(s("2026-03-05T07:00:00Z"));
    expect(sample(body, "smt_maintenance_planned_window_start_timestamp_seconds", "gui")).toBe(0);
    expect(body).toMatch(/^smt_maintenance_exclude_policy\{policy="announced"\} 1$/m);
    expect(body).not.toContain('policy="reserved"');

    now = t("2026-03-07T10:00:00Z"); // Saturday 04:00 CST: inside the reserved window, no planned maintenance
    body = await scrape();
    expect(sample(body, "smt_maintenance_active", "gui")).toBe(0);
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "gui")).toBe(0);
    expect(sample(body, "smt_maintenance_reserved_window_start_timestamp_seconds", "gui")).toBe(s("2026-03-07T08:00:00Z"));

    write(CALENDAR);
    expect(await reload()).toBe(200);
    body = await scrape();
    expect(sample(body, "smt_maintenance_active", "gui")).toBe(1);
    expect(sample(body, "smt_maintenance_window_start_timestamp_seconds", "gui")).toBe(s("2026-03-07T08:00:00Z"));
    expect(body).toMatch(/^smt_maintenance_exclude_policy\{policy="reserved"\} 1$/m);
    expect(body).not.toContain('policy="announced"');
  });

  it("maintenance.exclude accepts announced or reserved only, naming the file, line and field", async () => {
    write(`maintenance:\n  exclude: everything\n`);
    const res = await fetch(`${base}/-/reload`, { method: "POST" });
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/exporter\.yaml:4:\d+: maintenance\.exclude: expected one of "announced", "reserved", got string "everything"/);
  });
});
