import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { maintenanceConfig } from "../src/config/maintenance-schema.js";
import { maintenanceCalendar } from "../src/maintenance/maintenance-calendar.js";
import { formatDateTime, formatDaysAffected, formatElapsed, formatTimeOnDay, formatWindow, idDate } from "../src/notices/central-time.js";
import { noticeId, nextSeriesIndex, seriesId } from "../src/notices/notice-id.js";
import { renderNotice, type NoticeWording } from "../src/notices/notice-render.js";
import { fillTemplate, NOTICE_KINDS, templateKey, templateProblems } from "../src/notices/notice-template.js";
import { loadNotifierConfig, parseNotifierConfig } from "../src/config/notifier-load.js";
import { Notifier } from "../src/notices/notifier.js";
import { noticeDueDate } from "../src/notices/planned-notices.js";
import { ConfigError } from "../src/config/errors.js";
import { captureLogger } from "./support/capture-logger.js";
import { payload } from "./support/notifier-fixture.js";

const ENV = { TOKEN: "unit-test-webhook-token-xyz", ALICE: "alice-password-123" };

function configText(extra = ""): string {
  return `storage: { path: ":memory:" }
webhook: { bearer_token_env: TOKEN }
reviewers: [{ name: alice, password_env: ALICE }]
notices:
  from: "SMT <notices@smt.example>"
  to: ["rms@lists.example.org", "amwg@lists.example.org"]
${extra}`;
}

function wording(extra = ""): NoticeWording {
  const raw = parseNotifierConfig(configText(extra), "unit.yaml", ENV).raw;
  return {
    timeZone: raw.notices.time_zone,
    noticeTypeLabel: raw.notices.notice_type_label,
    intendedAudience: raw.notices.intended_audience,
    contact: raw.notices.contact,
    serviceNames: raw.notices.service_names,
    templates: Object.fromEntries(NOTICE_KINDS.map((kind) => [kind, raw.notices.templates[templateKey(kind)]])) as NoticeWording["templates"],
  };
}

/** A notifier on an in-memory store with a hand-moved clock (no server started). */
function desk(extra = "", startAt = Date.parse("2026-05-14T15:00:00Z")) {
  let now = startAt;
  const notifier = new Notifier({ config: parseNotifierConfig(configText(extra), "unit.yaml", ENV), logger: captureLogger().logger, clock: () => now });
  return {
    notifier,
    set: (iso: string) => (now = Date.parse(iso)),
    advance: (ms: number) => (now += ms),
    notices: () => notifier.store.listNotices({ limit: 1000 }).reverse(),
    apply: (body: Record<string, unknown>) => notifier.applyDelivery(body as never, JSON.stringify(body)),
  };
}

const S = (iso: string) => Math.floor(Date.parse(iso) / 1000);

describe("Central Prevailing Time formatting across DST", () => {
  it("writes CST and CDT instants in local wall time", () => {
    // 2026-03-08 is the spring-forward Sunday in Chicago: 02:00 CST becomes 03:00 CDT.
    expect(formatDateTime(Date.parse("2026-03-08T07:59:00Z"))).toBe("Sunday, March 8, 2026 01:59 CST");
    expect(formatDateTime(Date.parse("2026-03-08T08:00:00Z"))).toBe("Sunday, March 8, 2026 03:00 CDT");
    // Fall back, 2026-11-01: 01:30 happens twice, CDT then CST, and the two are told apart.
    expect(formatDateTime(Date.parse("2026-11-01T06:30:00Z"))).toBe("Sunday, November 1, 2026 01:30 CDT");
    expect(formatDateTime(Date.parse("2026-11-01T07:30:00Z"))).toBe("Sunday, November 1, 2026 01:30 CST");
    expect(formatTimeOnDay(Date.parse("2026-11-01T07:30:00Z"))).toBe("01:30 CST on Sunday, November 1, 2026");
    expect(formatDateTime(Date.parse("2026-01-10T08:00:00Z"))).toBe("Saturday, January 10, 2026 02:00 CST");
    expect(formatDateTime(Date.parse("2026-07-11T07:00:00Z"))).toBe("Saturday, July 11, 2026 02:00 CDT");
    // The alert annotations write the same form (MARKET_DATE_TIME_FORMAT's Go layout): promtool checks
    // "since Wednesday, December 31, 1969 18:05 CST" for $value 300 in prometheus/tests/alerts.test.yml.
    expect(formatDateTime(300_000)).toBe("Wednesday, December 31, 1969 18:05 CST");
  });

  it("measures durations in elapsed time, not wall time, across the change", () => {
    // 01:30 CST to 03:30 CDT on spring-forward day is one hour, not two.
    const start = Date.parse("2026-03-08T07:30:00Z");
    const end = Date.parse("2026-03-08T08:30:00Z");
    expect(formatWindow(start, end)).toBe("Sunday, March 8, 2026 01:30 CST - 03:30 CDT");
    expect(formatElapsed(end - start)).toBe("1 hour");
    // Fall back: 01:00 CDT to 01:00 CST is also an hour.
    expect(formatElapsed(Date.parse("2026-11-01T07:00:00Z") - Date.parse("2026-11-01T06:00:00Z"))).toBe("1 hour");
    expect(formatElapsed(90 * 60_000 + 26 * 3_600_000)).toBe("1 day 3 hours 30 minutes");
    expect(formatElapsed(60_000)).toBe("1 minute");
  });

  it("lists the local days a span touches and uses the local date in ids", () => {
    // Saturday 22:00 CST to Sunday 04:00 CST: each day with its hours.
    expect(formatDaysAffected(Date.parse("2026-01-11T04:00:00Z"), Date.parse("2026-01-11T10:00:00Z"))).toBe(
      "Saturday, January 10, 2026 22:00 - 24:00 CST\nSunday, January 11, 2026 00:00 - 04:00 CST",
    );
    // Ends at local midnight: Sunday is not touched.
    expect(formatDaysAffected(Date.parse("2026-01-10T08:00:00Z"), Date.parse("2026-01-11T06:00:00Z"))).toBe("Saturday, January 10, 2026 02:00 - 24:00 CST");
    expect(formatDaysAffected(Date.parse("2026-03-07T08:00:00Z"), Date.parse("2026-03-07T18:00:00Z"))).toBe("Saturday, March 7, 2026 02:00 - 12:00 CST");
    expect(formatDaysAffected(Date.parse("2026-11-29T20:36:00Z"), undefined)).toBe("Sunday, November 29, 2026 14:36 CST - ongoing");
    // Still open the next day: each day so far, the last one ongoing.
    expect(formatDaysAffected(Date.parse("2026-11-29T04:00:00Z"), undefined, "America/Chicago", Date.parse("2026-11-29T20:00:00Z"))).toBe(
      "Saturday, November 28, 2026 22:00 - 24:00 CST\nSunday, November 29, 2026 00:00 CST - ongoing",
    );
    // The fall-back night: both zones are written.
    expect(formatDaysAffected(Date.parse("2026-11-01T05:30:00Z"), Date.parse("2026-11-01T09:00:00Z"))).toBe("Sunday, November 1, 2026 00:30 CDT - 03:00 CST");
    // 03:00 UTC on May 15 is still May 14 in Chicago (CDT, UTC-5).
    expect(idDate(Date.parse("2026-05-15T03:00:00Z"))).toBe("051426");
    expect(idDate(Date.parse("2026-05-15T05:00:00Z"))).toBe("051526");
  });
});

describe("notice ids", () => {
  it("numbers series by date and letter, notices within a series", () => {
    expect(seriesId("SMT-", "M", "051425", 0)).toBe("SMT-M-A051425");
    expect(seriesId("SMT-", "M", "051425", 1)).toBe("SMT-M-B051425");
    expect(seriesId("SMT-", "M", "051425", 26)).toBe("SMT-M-AA051425");
    expect(noticeId("SMT-M-A051425", 1)).toBe("SMT-M-A051425-01");
    expect(noticeId("SMT-M-A051425", 10)).toBe("SMT-M-A051425-10");
    expect(noticeId("SMT-M-A051425", 100)).toBe("SMT-M-A051425-100");
    expect(() => noticeId("SMT-M-A051425", 0)).toThrow(RangeError);
    expect(nextSeriesIndex(["SMT-M-A051425", "SMT-M-B051425"], "SMT-", "M", "051425")).toBe(2);
    expect(nextSeriesIndex(["SMT-M-A051425"], "SMT-", "M", "051525")).toBe(0);
  });

  it("across incidents and days: each incident's notices count from -01 in a provisional series until one is sent", () => {
    const d = desk();
    d.set("2026-05-14T15:00:00Z"); // 10:00 CDT, May 14
    d.apply(payload([{ service: "gui", start: S("2026-05-14T14:40:00Z") }]));
    d.advance(60 * 60_000);
    d.notifier.tick(); // hourly UPDATE
    d.apply(payload([{ service: "gui", start: S("2026-05-14T14:40:00Z"), status: "resolved", endsAt: "2026-05-14T16:10:00Z" }]));
    d.set("2026-05-14T20:00:00Z");
    d.apply(payload([{ service: "api", start: S("2026-05-14T19:40:00Z") }]));
    d.set("2026-05-15T04:30:00Z"); // 23:30 CDT, still May 14 locally
    d.apply(payload([{ service: "api", start: S("2026-05-14T19:40:00Z"), status: "resolved", endsAt: "2026-05-15T04:20:00Z" }]));
    d.set("2026-05-15T14:00:00Z"); // May 15
    d.apply(payload([{ service: "ftps", start: S("2026-05-15T13:40:00Z") }]));
    expect(d.notices().map((n) => `${n.id} ${n.kind}`)).toEqual([
      "SMT-M-(provisional-1)-01 INITIAL",
      "SMT-M-(provisional-1)-02 UPDATE",
      "SMT-M-(provisional-1)-03 COMPLETION",
      "SMT-M-(provisional-2)-01 INITIAL",
      "SMT-M-(provisional-2)-02 COMPLETION",
      "SMT-M-(provisional-3)-01 INITIAL",
    ]);
  });
});

describe("business days with holidays", () => {
  const calendar = maintenanceCalendar(maintenanceConfig.parse({ holidays: ["2026-11-26", "2026-11-27", "2026-12-25", "2027-01-01"] }));

  it("counts back over weekends and holidays", () => {
    // Saturday 2026-11-28 02:00 CST: Fri 27 and Thu 26 are holidays, so Wed 25, Tue 24, Mon 23.
    expect(noticeDueDate(calendar, Date.parse("2026-11-28T08:00:00Z"), 3)).toBe("2026-11-23");
    // Saturday 2026-03-07: Fri 6, Thu 5, Wed 4.
    expect(noticeDueDate(calendar, Date.parse("2026-03-07T08:00:00Z"), 3)).toBe("2026-03-04");
    // Monday 2027-01-04: Fri 1 Jan is a holiday: Thu 31, Wed 30, Tue 29 Dec.
    expect(noticeDueDate(calendar, Date.parse("2027-01-04T15:00:00Z"), 3)).toBe("2026-12-29");
    // The local date decides: 2026-03-09 03:00 UTC is Sunday March 8 in Chicago.
    expect(noticeDueDate(calendar, Date.parse("2026-03-09T03:00:00Z"), 1)).toBe("2026-03-06");
  });
});

describe("rendering in the ERCOT field order", () => {
  it("renders every field in order, the subject from id and short description, optional fields only when set", () => {
    const w = wording();
    const notice = renderNotice(
      {
        kind: "COMPLETION",
        id: "SMT-M-A030726-03",
        createdAt: Date.parse("2026-03-07T20:00:00Z"),
        services: ["gui", "api"],
        start: Date.parse("2026-03-07T16:00:00Z"),
        end: Date.parse("2026-03-07T18:05:00Z"),
      },
      w,
    );
    expect(notice.subject).toBe("SMT-M-A030726-03 COMPLETION: Unplanned Outage Resolved - Smart Meter Texas web portal (GUI) and energy data API");
    const fields = [...notice.body.matchAll(/^([A-Z ]+): /gm)].map((m) => m[1]);
    expect(fields).toEqual([
      "NOTICE DATE",
      "NOTICE TYPE",
      "SHORT DESCRIPTION",
      "INTENDED AUDIENCE",
      "DAYS AFFECTED",
      "LONG DESCRIPTION",
      "ACTION REQUIRED",
      "CONTACT",
    ]);
    expect(notice.body).toContain("NOTICE DATE: March 7, 2026\n");
    expect(notice.body).toContain("NOTICE TYPE: SMT-M-A030726-03 Retail\n");
    expect(notice.body).toContain("DAYS AFFECTED: Saturday, March 7, 2026 10:00 - 12:05 CST\n");
    expect(notice.body).toContain(
      "Service was restored at 12:05 CST on Saturday, March 7, 2026, after being unavailable for 2 hours 5 minutes since 10:00 CST on Saturday, March 7, 2026.",
    );
    expect(notice.body).not.toContain("All Smart Meter Texas services");
    expect(notice.body).toContain("CONTACT: SMT Help Desk: 1-844-217-8595, support@smartmetertexas.com");
  });

  it("takes the wording from config templates and rejects unknown placeholders with file, line and field", () => {
    const w = wording(`  templates:
    planned:
      short_description: "Planned Maintenance - {{ service_codes }}"
      long_description: "Window {{ window }}; notice due {{ due_date }}."
      additional_information: "See {{ notice_id }}."`);
    const notice = renderNotice(
      {
        kind: "PLANNED",
        id: "SMT-M-A011327-01",
        createdAt: Date.parse("2027-01-13T16:00:00Z"),
        services: ["api", "ftps"],
        start: Date.parse("2027-01-20T07:00:00Z"),
        end: Date.parse("2027-01-20T09:30:00Z"),
        dueDate: "2027-01-14",
      },
      w,
    );
    expect(notice.subject).toBe("SMT-M-A011327-01 Planned Maintenance - API, FTPS");
    expect(notice.body).toContain("LONG DESCRIPTION: Window Wednesday, January 20, 2027 01:00 - 03:30 CST; notice due 2027-01-14.");
    expect(notice.body).toContain("ADDITIONAL INFORMATION: See SMT-M-A011327-01.");
    expect(notice.body).not.toContain("ACTION REQUIRED: \n");

    let error: unknown;
    try {
      wording(`  templates:
    initial:
      short_description: "INITIAL: {{ servicez }}"
      long_description: "x {{ end }}"`);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/unit\.yaml:9:\d+: notices\.templates\.initial\.short_description: unknown placeholder \{\{ servicez \}\}/);
    expect(message).toMatch(/notices\.templates\.initial\.long_description: unknown placeholder \{\{ end \}\} for INITIAL notices/);
    expect(templateProblems("{{ services }", "INITIAL")).toHaveLength(1);
    expect(fillTemplate("a {{ x }}  b {{y}}", { x: "1" })).toBe("a 1 b");
  });

  it("refuses inline secrets and names missing secret sources", () => {
    expect(() => parseNotifierConfig(configText().replace("bearer_token_env: TOKEN", 'bearer_token: "s3cr3t-value"'), "unit.yaml", ENV)).toThrow(
      /webhook\.bearer_token: inline secrets are not accepted/,
    );
    const err = (() => {
      try {
        parseNotifierConfig(configText(), "unit.yaml", { TOKEN: "short" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(
      /webhook\.bearer_token_env: the token in environment variable TOKEN has 5 characters; expected a bearer token of at least 16 characters/,
    );
    expect(err?.message).not.toContain("short");
    expect(err?.message).toMatch(/reviewers\[0\]\.password_env: environment variable ALICE is not set or empty/);
  });
});

describe("notifier durations have ranges, stated in the message (issue 16 item 1)", () => {
  const problems = (extra: string): string[] => {
    try {
      parseNotifierConfig(configText(extra), "unit.yaml", ENV);
    } catch (e) {
      if (e instanceof ConfigError) return e.message.split("\n");
      throw e;
    }
    return [];
  };

  it("a timer duration over the limit, or zero, is refused with file, line and field", () => {
    expect(problems("outbox: { poll_interval: 30d, initial_backoff: 0s }\n").sort()).toEqual(
      [
        'unit.yaml:7:48: outbox.initial_backoff: expected a duration between 100ms and 1h like "30s", "5m" or "1h30m", got "0s" (shorter than 100ms)',
        'unit.yaml:7:26: outbox.poll_interval: expected a duration between 100ms and 1h like "30s", "5m" or "1h30m", got "30d" (longer than 1h)',
      ].sort(),
    );
    expect(problems('channels:\n  - { name: chat, kind: webhook, url: "http://127.0.0.1:1/", timeout: 25d }\n')).toEqual([
      'unit.yaml:8:71: channels[0].timeout: expected a duration between 1s and 10m like "30s", "5m" or "1h30m", got "25d" (longer than 10m)',
    ]);
    // Lead times may be days: not timers.
    expect(problems("planned_notices: { lookahead: 90d }\nincidents: { update_interval: 2d }\n")).toEqual([]);
  });

  it("a wrong type is a wrong type", () => {
    expect(problems("incidents: { update_interval: 30 }\n")).toEqual(["unit.yaml:7:31: incidents.update_interval: expected a string, got a number (30)"]);
  });
});

describe("shipped notifier configs", () => {
  const root = join(__dirname, "..", "config");

  it("config/notifier.demo.yaml is valid with its two environment variables", () => {
    const config = loadNotifierConfig(join(root, "notifier.demo.yaml"), {
      SMT_NOTIFIER_WEBHOOK_TOKEN: "demo-webhook-token-0123456789",
      SMT_NOTIFIER_REVIEWER_PASSWORD: "demo-reviewer-pass",
    });
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 9911 });
    // The calendar is the demo exporter config's maintenance section.
    expect(config.maintenance.recurring.map((r) => r.name)).toContain("saturday-maintenance");
  });

  it("config/notifier.example.yaml has no problem but its (absent) secrets", () => {
    let error: ConfigError | undefined;
    try {
      loadNotifierConfig(join(root, "notifier.example.yaml"), {});
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.length).toBeGreaterThan(0);
    for (const p of error!.problems) expect(p.message).toMatch(/^(cannot read secret file|environment variable \w+ is not set)/);
  });
});
