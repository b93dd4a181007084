import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFailure } from "../src/cli/report-command.js";
import { NoticeStore, NoticeStoreReader } from "../src/notices/notice-store.js";
import { reportYear } from "../src/report/committee-report.js";
import { PromqlClient, PromqlError } from "../src/report/promql-client.js";
import { reportMonth } from "../src/report/report-month.js";

/**
 * Issue 14 item 3: no library error message names a CLI flag (the CLI maps each error to its flag),
 * and the notice evidence is read by a read-only query method of the notice store.
 */
let dir: string;
let server: Server;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "smt-report-errors-"));
  // a web server that is not Prometheus: an HTML page for every path
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><body>Grafana</body></html>");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const caught = async (f: () => unknown): Promise<Error> => {
  try {
    await f();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
};

describe("library errors name no flag; the CLI maps them to theirs", () => {
  it("a month, a year, a Prometheus URL, a server that is not Prometheus, a file that is not the store", async () => {
    const notSqlite = join(dir, "not-a-store.db");
    writeFileSync(notSqlite, "just text, not SQLite ".repeat(300));
    const cases: [Error, string][] = [
      [await caught(() => reportMonth("March")), '--month: expected a calendar month as YYYY-MM (e.g. 2026-03), got "March"'],
      [await caught(() => reportYear("26")), '--year: expected a year as YYYY (e.g. 2026), got "26"'],
      [
        await caught(() => new PromqlClient("ftp://prometheus:9090")),
        '--prometheus: expected the http:// or https:// URL of Prometheus, got "ftp://prometheus:9090"',
      ],
      [
        await caught(() => new PromqlClient(url).instant("up", 0)),
        `Prometheus at ${url}/ answered HTTP 200 with something else than its JSON API: <html><body>Grafana</body></html> (is --prometheus the server's base URL?)`,
      ],
      [
        await caught(() => NoticeStoreReader.open(notSqlite)),
        `--notices: ${notSqlite} is not an SQLite database: expected the notifier's store file (its storage.path)`,
      ],
      [
        await caught(() => NoticeStoreReader.open(join(dir, "missing.db"))),
        `--notices: cannot open the notifier's store ${join(dir, "missing.db")} (SQLITE_CANTOPEN: unable to open database file): expected the notifier's store file (its storage.path), readable by this user`,
      ],
    ];
    for (const [err, cli] of cases) {
      expect(err.message, cli).not.toMatch(/(^|\s|\()--[a-z]/);
      expect(reportFailure(err)?.message).toBe(cli);
    }
    const notPrometheus = cases[3]![0];
    expect(notPrometheus).toBeInstanceOf(PromqlError);
    expect(notPrometheus instanceof PromqlError && notPrometheus.kind).toBe("not_prometheus");
    expect(reportFailure(cases[2]![0])?.code).toBe(2);
    expect(reportFailure(cases[3]![0])?.code).toBe(1);
    expect(reportFailure(new Error("a bug"))).toBeUndefined();
  });
});

describe("notice evidence: a read-only query method of the notice store", () => {
  it("the outages and planned incidents of a period with their notices, in issue order; the file is not written", () => {
    const path = join(dir, "notices.db");
    const store = NoticeStore.open(path);
    const incident = (kind: "unplanned" | "planned", series: string, start: number, end: number | null, services: string) =>
      store.insertIncident({
        kind,
        series_id: series,
        planned_key: kind === "planned" ? series : null,
        status: "resolved",
        start_ms: start,
        end_ms: end,
        services,
        summary: null,
        description: null,
        runbook_url: null,
        due_date: null,
        overrun: 0,
        created_at: start,
        next_update_at: null,
      }).id;
    const notice = (incidentId: number, id: string, sequence: number) =>
      store.insertNotice({
        id,
        incident_id: incidentId,
        sequence,
        kind: sequence === 1 ? "INITIAL" : "UPDATE",
        status: "draft",
        services: "[]",
        subject: id,
        body: "",
        version: 1,
        created_at: 0,
        updated_at: 0,
        approved_by: null,
        approved_at: null,
        sent_by: null,
        sent_at: null,
      });
    const inside = incident("unplanned", "SMT-M-A010126", 1_000_000, 2_000_000, '["gui"]');
    const before = incident("unplanned", "SMT-M-B010126", 100_000, 200_000, '["api"]');
    const window = incident("planned", "SMT-M-C010126", 500_000, null, '["api","han"]');
    incident("planned", "SMT-M-D010126", 5_000_000, 6_000_000, '["gui"]'); // after the period
    store.insertOutage({
      service: "gui",
      start_s: 1_000,
      incident_id: inside,
      status: "resolved",
      end_ms: 2_000_000,
      alertname: "SMTUnplannedOutage",
      first_seen: 0,
      last_seen: 0,
    });
    store.insertOutage({
      service: "api",
      start_s: 100,
      incident_id: before,
      status: "resolved",
      end_ms: 200_000,
      alertname: "SMTUnplannedOutage",
      first_seen: 0,
      last_seen: 0,
    });
    notice(inside, "SMT-M-A010126-02", 2);
    notice(inside, "SMT-M-A010126-01", 1);
    notice(window, "SMT-M-C010126-01", 1);
    store.close();
    const bytes = readFileSync(path);
    const mtime = statSync(path).mtimeMs;

    const reader = NoticeStoreReader.open(path);
    const evidence = reader.noticeEvidence(900_000, 3_000_000);
    reader.close();
    expect(evidence.outages).toEqual([{ service: "gui", startMs: 1_000_000, incidentId: inside }]);
    expect(evidence.plannedIncidents).toEqual([{ incidentId: window, startMs: 500_000, endMs: null, services: ["api", "han"] }]);
    expect(evidence.noticeIds).toEqual(
      new Map([
        [inside, ["SMT-M-A010126-01", "SMT-M-A010126-02"]],
        [window, ["SMT-M-C010126-01"]],
      ]),
    );
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(statSync(path).mtimeMs).toBe(mtime);
  });
});
