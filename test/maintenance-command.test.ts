import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMaintenance } from "../src/cli/maintenance-command.js";

describe("smt-monitor maintenance", () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "smt-maintenance-cli-"));
    file = join(dir, "exporter.yaml");
    // The checks are broken on purpose: the command reads only the maintenance section.
    writeFileSync(
      file,
      `checks:
  - { name: x, kind: nonsense }
maintenance:
  recurring:
    - { name: saturday, weekdays: [saturday], start: "02:00", duration: 10h }
  planned:
    - { id: spring-db, start: "2026-03-08T01:00", end: "2026-03-08T04:00", services: [api], notice_id: SMT-M-A030226-01 }
`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(args: { from: string; to: string; service?: "gui" | "api" | "ftps" | "han"; json?: boolean; config?: string }) {
    let out = "";
    let err = "";
    const code = listMaintenance(
      { config: file, ...args },
      (t) => (out += t),
      (t) => (err += t),
    );
    return { code, out, err };
  }

  it("lists the windows in Central time and UTC, with minutes and sources; --to is inclusive", () => {
    const { code, out } = run({ from: "2026-03-07", to: "2026-03-08" });
    expect(code).toBe(0);
    const lines = out.split("\n");
    expect(lines[0]).toBe("Maintenance from 2026-03-07 to 2026-03-08 inclusive (America/Chicago): 2 window(s)");
    expect(lines[2]).toMatch(
      /^recurring:saturday +gui,api,ftps,han +Sat 2026-03-07 02:00 CST +Sat 2026-03-07 12:00 CST +2026-03-07T08:00Z +2026-03-07T18:00Z +600$/,
    );
    expect(lines[3]).toMatch(/^planned:spring-db +api +Sun 2026-03-08 01:00 CST +Sun 2026-03-08 04:00 CDT +2026-03-08T07:00Z +2026-03-08T09:00Z +120$/);
    // The default policy (announced) excludes only the planned entry; the Saturday window is reserved time.
    expect(out).toContain(
      "Minutes excluded from availability in the range (maintenance.exclude: announced; overlaps counted once): gui 0, api 120, ftps 0, han 0",
    );
    expect(out).toContain("Reserved-window minutes in the range: gui 600, api 600, ftps 600, han 600");
  });

  it("under maintenance.exclude: reserved the reserved windows are excluded too", () => {
    const reservedFile = join(dir, "reserved.yaml");
    writeFileSync(
      reservedFile,
      `maintenance:
  exclude: reserved
  recurring:
    - { name: saturday, weekdays: [saturday], start: "02:00", duration: 10h }
  planned:
    - { id: spring-db, start: "2026-03-08T01:00", end: "2026-03-08T04:00", services: [api] }
`,
    );
    const { code, out } = run({ from: "2026-03-07", to: "2026-03-08", config: reservedFile });
    expect(code).toBe(0);
    expect(out).toContain(
      "Minutes excluded from availability in the range (maintenance.exclude: reserved; overlaps counted once): gui 600, api 720, ftps 600, han 600",
    );
  });

  it("--json with --service", () => {
    const { code, out } = run({ from: "2026-03-08", to: "2026-03-08", service: "api", json: true });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      time_zone: "America/Chicago",
      from: "2026-03-08T00:00:00-06:00",
      to: "2026-03-09T00:00:00-05:00",
      service: "api",
      windows: [
        {
          source: { kind: "planned", id: "spring-db", notice_id: "SMT-M-A030226-01" },
          services: ["api"],
          start: "2026-03-08T01:00:00-06:00",
          end: "2026-03-08T04:00:00-05:00",
          start_utc: "2026-03-08T07:00Z",
          end_utc: "2026-03-08T09:00Z",
          duration_minutes: 120,
        },
      ],
      exclude_policy: "announced",
      excluded_minutes: { api: 120 },
      reserved_minutes: { api: 0 },
    });
  });

  it("bad dates and bad configs exit 2 with a message naming the problem", () => {
    expect(run({ from: "2026-02-29", to: "2026-03-01" })).toMatchObject({ code: 2, err: '--from: expected a date YYYY-MM-DD, got "2026-02-29"\n' });
    expect(run({ from: "2026-03-02", to: "2026-03-01" })).toMatchObject({ code: 2, err: "--to (2026-03-01) is before --from (2026-03-02)\n" });
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, `maintenance:\n  time_zone: Central\n`);
    const r = run({ from: "2026-03-01", to: "2026-03-01", config: bad });
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${bad}:2:14: maintenance.time_zone: expected an IANA time zone such as "America/Chicago", got "Central"\n`);
  });
});
