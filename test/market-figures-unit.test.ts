import { describe, expect, it } from "vitest";
import { ticketCounts, ticketMonth } from "../src/market-figures/call-center-tickets.js";
import { hanDeviceCounts } from "../src/market-figures/han-devices.js";
import { csvRecords, jsonRecords } from "../src/market-figures/source-records.js";
import { DEFAULT_TDSP_PREFIXES, tdspOfEsiid } from "../src/market-figures/tdsp-territory.js";
import { sourceFigures, SourceReadError } from "../src/market-figures/figure-source.js";
import { callCenterFromSamples, hanFromSamples } from "../src/report/market-figures-report.js";
import { ticketsCsv, hanDevices, hanDevicesJson } from "../src/simulator/figure-feeds.js";

describe("TDSP territories from ESIID prefixes (domain notes)", () => {
  it("maps each prefix, Oncor's East Texas one too, and nothing else", () => {
    expect(tdspOfEsiid("10443720000000001")).toBe("oncor");
    expect(tdspOfEsiid("10176990000000001")).toBe("oncor");
    expect(tdspOfEsiid("1008901000000000000001")).toBe("centerpoint");
    expect(tdspOfEsiid("10032780000000001")).toBe("aep_texas_central");
    expect(tdspOfEsiid("10204040000000001")).toBe("aep_texas_north");
    expect(tdspOfEsiid("10400510000000001")).toBe("tnmp");
    expect(tdspOfEsiid("10999990000000001")).toBeUndefined();
    expect(tdspOfEsiid("10999990000000001", { ...DEFAULT_TDSP_PREFIXES, tnmp: ["1099999"] })).toBe("tnmp");
  });
});

describe("call-center tickets", () => {
  it("monthly counts: good rows counted, bad rows reported with their line, an unreadable count remembered", () => {
    const { records, problems } = csvRecords(
      [
        "Month,Ticket Type,Count",
        "2026-03,Password Reset,120",
        "2026-03,Account Access,80",
        "2026-03,Password Reset,5", // duplicate pair
        "2026-13,Other,4",
        "2026-03,Energy Data Access,twelve",
        "2026-03,,3",
        "2026-03,Other", // short row
        "2026-02,Other,7",
      ].join("\n"),
    );
    expect(problems).toEqual([{ line: 8, message: "expected 3 fields (Month,Ticket Type,Count), got 2" }]);
    const t = ticketCounts(records);
    expect(t.accepted).toBe(3);
    expect(Object.fromEntries(t.counts.get("2026-03")!)).toEqual({ "Password Reset": 120, "Account Access": 80 });
    expect(t.counts.get("2026-02")!.get("Other")).toBe(7);
    expect(t.problems).toEqual([
      { line: 4, message: 'month 2026-03 and type "Password Reset" already given at line 2' },
      { line: 5, message: 'month: expected YYYY-MM, got "2026-13"' },
      { line: 6, message: 'count: expected a whole number of tickets, got "twelve"' },
      { line: 7, message: "type: missing" },
    ]);
    expect([...t.unreadable]).toEqual(["2026-03\tEnergy Data Access"]);
  });

  it("one row per ticket: counted in the Central-time month it was created, ids once", () => {
    expect(ticketMonth("2026-04-01T04:30:00Z")).toBe("2026-03"); // 23:30 CDT on March 31
    expect(ticketMonth("2026-04-01 00:30")).toBe("2026-04");
    expect(ticketMonth("03/31/2026 23:59")).toBe("2026-03");
    expect(ticketMonth("yesterday")).toBeUndefined();
    const { records } = jsonRecords(`[
  {"ticket_id": "T1", "created": "2026-03-02T10:00", "type": "Password Reset"},
  {"ticket_id": "T2", "created": "2026-04-01T04:30:00Z", "type": "Password Reset"},
  {"ticket_id": "T1", "created": "2026-03-03T10:00", "type": "Other"},
  {"ticket_id": "T3", "created": "soon", "type": "Other"},
  {"ticket_id": 4, "created": "2026-03-05", "type": "Other", "notes": {"a": 1}}
]`);
    const t = ticketCounts(records);
    expect(Object.fromEntries(t.counts.get("2026-03")!)).toEqual({ "Password Reset": 2, Other: 1 });
    expect(t.problems.map((p) => p.line)).toEqual([4, 5]);
    expect(t.problems[0]!.message).toBe("ticket_id T1 already counted at line 2");
  });
});

describe("HAN devices", () => {
  it("device rows: territory from the ESIID, status normalized, bad rows with their line", () => {
    const { records } = jsonRecords(hanDevicesJson(true));
    const h = hanDeviceCounts(records, DEFAULT_TDSP_PREFIXES);
    const good = hanDevices(false);
    expect(h.accepted).toBe(good.length);
    expect([...h.counts.values()].reduce((a, b) => a + b, 0)).toBe(good.length);
    expect(h.problems).toEqual([
      { line: good.length + 2, message: 'esiid: expected 17 digits (22 for CenterPoint) starting with "10", got "99999999999999999"' },
      { line: good.length + 3, message: "status: missing" },
      { line: good.length + 4, message: `device ${good[0]!.device_mac_id} already counted at line 2` },
    ]);
    const oncorJoined = good.filter((d) => d.esiid.startsWith("1044372") && d.status === "Joined").length;
    expect(h.counts.get("joined\toncor")).toBe(oncorJoined);
  });

  it("count rows by TDSP name or id; De-provisioned becomes de_provisioned", () => {
    const { records } = csvRecords("tdsp,status,count\nOncor,Joined,10\nAEP Texas North,De-provisioned,2\ntnmp,Joined,x\nEntergy,Joined,1\n");
    const h = hanDeviceCounts(records, DEFAULT_TDSP_PREFIXES);
    expect(Object.fromEntries(h.counts)).toEqual({ "joined\toncor": 10, "de_provisioned\taep_texas_north": 2 });
    expect([...h.unreadable]).toEqual(["joined\ttnmp"]);
    expect(h.problems.map((p) => p.line)).toEqual([4, 5]);
  });
});

describe("a whole source", () => {
  const source = (figure: "call_center_tickets" | "han_devices") => ({ name: "s", figure, maxBytes: 1 << 20 });
  it("bad rows are reported as origin:line; a source with no good row is refused (previous figures kept)", () => {
    const now = Date.UTC(2026, 2, 15, 12);
    const good = sourceFigures(
      source("call_center_tickets"),
      { origin: "/drop/tickets.csv", text: ticketsCsv(now, true), format: "csv" },
      DEFAULT_TDSP_PREFIXES,
    );
    expect(good.accepted).toBe(13 * 6);
    expect(good.problems.length).toBe(3);
    expect(() =>
      sourceFigures(source("call_center_tickets"), { origin: "/drop/t.csv", text: "month,type,count\n2026-13,x,1\n", format: "csv" }, DEFAULT_TDSP_PREFIXES),
    ).toThrow(/\/drop\/t\.csv: no row could be counted \(1 bad rows; first at line 2: month: expected YYYY-MM/);
    expect(() =>
      sourceFigures(source("han_devices"), { origin: "/drop/h.json", text: '{"devices": [ {"esiid": 1}', format: "json" }, DEFAULT_TDSP_PREFIXES),
    ).toThrow(SourceReadError);
    expect(() => sourceFigures(source("han_devices"), { origin: "/drop/h.json", text: '{"nothing": 1}', format: "json" }, DEFAULT_TDSP_PREFIXES)).toThrow(
      /h\.json:1: expected an array of objects/,
    );
    expect(() => sourceFigures(source("han_devices"), { origin: "/drop/h.csv", text: "", format: "csv" }, DEFAULT_TDSP_PREFIXES)).toThrow(/no header row/);
  });

  it("the report adds sources up, by type and by status and TDSP", () => {
    const cc = callCenterFromSamples("2026-03", [
      { metric: { source: "phone", type: "Password Reset" }, value: 10 },
      { metric: { source: "email", type: "Password Reset" }, value: 5 },
      { metric: { source: "email", type: "Other" }, value: 20 },
    ]);
    expect(cc).toEqual({
      month: "2026-03",
      total: 35,
      by_type: [
        { type: "Other", tickets: 20 },
        { type: "Password Reset", tickets: 15 },
      ],
      sources: ["email", "phone"],
    });
    const han = hanFromSamples(0, [
      { metric: { source: "a", status: "joined", tdsp: "oncor" }, value: 3 },
      { metric: { source: "a", status: "failed", tdsp: "tnmp" }, value: 1 },
      { metric: { source: "b", status: "joined", tdsp: "oncor" }, value: 2 },
    ])!;
    expect(han.total).toBe(6);
    expect(han.by_status).toEqual([
      { status: "joined", devices: 5 },
      { status: "failed", devices: 1 },
    ]);
    expect(han.by_tdsp.map((t) => t.devices)).toEqual([5, 0, 0, 0, 1]);
    expect(callCenterFromSamples("2026-03", [])).toBeNull();
  });
});
