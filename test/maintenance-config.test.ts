import { maintenanceCalendar } from "../src/maintenance/maintenance-calendar.js";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { parseConfig } from "../src/config/load.js";
import { loadMaintenanceConfig, parseMaintenanceConfig } from "../src/config/maintenance-load.js";
import { maintenanceConfig } from "../src/config/maintenance-schema.js";

const FILE = "smt-test.yaml";

/** A config with no checks and the given maintenance section (already indented by two spaces). */
function config(maintenance: string): string {
  return `listen_address: "127.0.0.1:0"\nlocation: test\nmaintenance:\n${maintenance}`;
}

function problems(text: string): string[] {
  try {
    parseConfig(text, FILE, {});
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.message.split("\n");
  }
  throw new Error("expected the config to be rejected");
}

describe("maintenance config: defaults", () => {
  it("an absent section is an empty calendar in America/Chicago", () => {
    const loaded = parseConfig(`listen_address: "127.0.0.1:0"\n`, FILE, {});
    expect(loaded.raw.maintenance).toEqual({
      time_zone: "America/Chicago",
      exclude: "announced",
      recurring: [],
      planned: [],
      holiday_set: "ercot",
      holidays: [],
    });
  });

  it("a recurring window gets all four services; weekdays are case-insensitive; durations are milliseconds", () => {
    const loaded = parseConfig(
      config(`  recurring:
    - name: saturday
      weekdays: [Saturday, saturday]
      start: "02:00"
      duration: 10h
`),
      FILE,
      {},
    );
    expect(loaded.raw.maintenance.recurring).toEqual([
      { name: "saturday", weekdays: ["saturday"], start: "02:00", duration: 36_000_000, services: ["gui", "api", "ftps", "han"] },
    ]);
  });

  it("accepts local date-times, ISO with offsets, services, notices and holidays", () => {
    const parsed = maintenanceConfig.parse({
      time_zone: "America/Chicago",
      planned: [
        { id: "db-upgrade", start: "2026-05-16T01:00", end: "2026-05-16 04:30", services: ["api", "api", "ftps"], notice_id: "SMT-M-A051126-01" },
        { id: "cdn-move", start: "2026-06-01T07:00:00Z", end: "2026-06-01T04:00-05:00" },
      ],
      holidays: ["2026-11-26", "2028-02-29"],
    });
    expect(parsed.planned[0]!.services).toEqual(["api", "ftps"]);
    expect(parsed.planned[1]!.services).toEqual(["gui", "api", "ftps", "han"]);
  });
});

describe("maintenance config: every problem names file, line, field and what was expected", () => {
  it("a misspelt weekday, a bad time, a bad duration, a bad zone", () => {
    const text = config(`  time_zone: America/Chicgo
  recurring:
    - name: saturday
      weekdays: [saturdy]
      start: "2:00"
      duration: 10x
`);
    const lines = problems(text);
    expect(lines).toContain(`${FILE}:4:14: maintenance.time_zone: expected an IANA time zone such as "America/Chicago", got "America/Chicgo"`);
    expect(lines).toContain(
      `${FILE}:7:18: maintenance.recurring[0].weekdays[0]: expected a weekday name (monday, tuesday, wednesday, thursday, friday, saturday, sunday), got "saturdy"`,
    );
    expect(lines).toContain(`${FILE}:8:14: maintenance.recurring[0].start: expected a local time "HH:MM" between 00:00 and 23:59, got "2:00"`);
    expect(
      lines.some(
        (l) =>
          l.startsWith(`${FILE}:9:17: maintenance.recurring[0].duration: expected a duration of whole minutes between 1m and 6d23h59m like "10h" or "3h30m"`) &&
          l.includes('got "10x"'),
      ),
    ).toBe(true);
    expect(lines).toHaveLength(4);
  });

  it("durations: zero, seconds, a week or more", () => {
    const text = config(`  recurring:
    - { name: a, weekdays: [monday], start: "01:00", duration: 0m }
    - { name: b, weekdays: [monday], start: "01:00", duration: 90s }
    - { name: c, weekdays: [monday], start: "01:00", duration: 7d }
    - { name: d, weekdays: [monday], start: "01:00", duration: 6d23h59m }
`);
    const lines = problems(text);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/:5:.*recurring\[0\]\.duration: .*got "0m" \(shorter than 1m\)$/);
    expect(lines[1]).toMatch(/:6:.*recurring\[1\]\.duration: .*got "90s" \(not whole minutes\)$/);
    expect(lines[2]).toMatch(/:7:.*recurring\[2\]\.duration: .*got "7d" \(longer than 6d23h59m\)$/);
  });

  it("planned: end before start, too long, not a real date, seconds, unknown service, duplicate id", () => {
    const text = config(`  planned:
    - id: backwards
      start: "2026-05-16T04:00"
      end: "2026-05-16T03:59"
    - id: long
      start: "2026-05-16T00:00"
      end: "2026-05-23T00:00"
    - id: no-such-day
      start: "2026-02-29T10:00"
      end: "2026-03-01T10:00"
    - id: seconds
      start: "2026-05-16T10:00:30"
      end: "2026-05-16T11:00"
      services: [gui, portal]
    - id: backwards
      start: "2026-05-16T04:00-05:00"
      end: "2026-05-16T09:00Z"
`);
    const lines = problems(text);
    expect(lines).toContain(`${FILE}:7:12: maintenance.planned[0].end: expected end after start ("2026-05-16T04:00"), got "2026-05-16T03:59"`);
    expect(lines).toContain(
      `${FILE}:10:12: maintenance.planned[1].end: expected an outage shorter than 7 days; "2026-05-16T00:00" to "2026-05-23T00:00" is longer`,
    );
    expect(lines).toContain(`${FILE}:12:14: maintenance.planned[2].start: expected a real calendar date, got "2026-02-29" in "2026-02-29T10:00"`);
    expect(lines).toContain(`${FILE}:15:14: maintenance.planned[3].start: expected a time on a whole minute (seconds 00), got "2026-05-16T10:00:30"`);
    expect(lines).toContain(
      `${FILE}:17:23: maintenance.planned[3].services[1]: expected one of "gui", "api", "ftps", "han", "call_center", got string "portal"`,
    );
    expect(lines).toContain(`${FILE}:18:11: maintenance.planned[4].id: duplicate planned outage id "backwards" (first at planned[0])`);
    // 04:00-05:00 is 09:00Z: equal to the end, so not after it.
    expect(lines).toContain(`${FILE}:20:12: maintenance.planned[4].end: expected end after start ("2026-05-16T04:00-05:00"), got "2026-05-16T09:00Z"`);
    expect(lines).toHaveLength(7);
  });

  it("holidays must be real dates; unknown fields and missing fields are named", () => {
    const text = config(`  holidays: ["2026-11-26", "2026-02-30", "26-12-25"]
  recurring:
    - name: sat
      weekdays: []
      start: "02:00"
      duration: 10h
      servcies: [gui]
    - name: sun
      start: "02:00"
      duration: 1h
`);
    const lines = problems(text);
    expect(lines).toContain(`${FILE}:4:28: maintenance.holidays[1]: expected a real date "YYYY-MM-DD", got "2026-02-30"`);
    expect(lines).toContain(`${FILE}:4:42: maintenance.holidays[2]: expected a real date "YYYY-MM-DD", got "26-12-25"`);
    expect(lines).toContain(`${FILE}:7:17: maintenance.recurring[0].weekdays: expected a list of at least 1 item, got 0 items`);
    expect(lines).toContain(`${FILE}:10:17: maintenance.recurring[0].servcies: unknown field "servcies"`);
    expect(lines).toContain(`${FILE}:11:7: maintenance.recurring[1].weekdays: required field is missing; expected a list`);
    expect(lines).toHaveLength(5);
  });

  it("a real leap day is a date; 2026-02-29 is not", () => {
    expect(maintenanceConfig.safeParse({ holidays: ["2028-02-29", "2024-02-29"] }).success).toBe(true);
    expect(maintenanceConfig.safeParse({ holidays: ["2026-02-29"] }).success).toBe(false);
  });

  it("the maintenance-only loader reports the same problems with the same lines, and ignores the checks", () => {
    const text =
      `checks:\n  - name: broken\n    kind: nonsense\n` +
      config(`  recurring:\n    - { name: a, weekdays: [funday], start: "01:00", duration: 1h }\n`).replace(/^listen_address.*\nlocation.*\n/, "");
    expect(() => parseMaintenanceConfig(text, FILE)).toThrowError(
      `${FILE}:6:29: maintenance.recurring[0].weekdays[0]: expected a weekday name (monday, tuesday, wednesday, thursday, friday, saturday, sunday), got "funday"`,
    );
    expect(parseMaintenanceConfig(`checks: []\n`, FILE).time_zone).toBe("America/Chicago");
  });
});

describe("the demo config's maintenance section", () => {
  it("is valid: the Saturday window for all services, a planned outage and ERCOT's holidays", () => {
    const demo = loadMaintenanceConfig(new URL("../config/demo.yaml", import.meta.url).pathname);
    expect(demo.recurring.map((w) => [w.weekdays, w.start, w.duration, w.services])).toEqual([
      [["saturday"], "02:00", 36_000_000, ["gui", "api", "ftps", "han"]],
    ]);
    expect(demo.planned).toHaveLength(1);
    expect(demo.holiday_set).toBe("ercot");
    const calendar = maintenanceCalendar(demo);
    expect(calendar.isBusinessDay("2026-11-26")).toBe(false);
    expect(calendar.isBusinessDay("2027-12-24")).toBe(false);
  });
});
