import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { observeApiEnergyData, observeTimedRows, DataFormatFailure } from "../src/energy-data/data-observation.js";
import {
  deliveryDeadline,
  expectedUsageDay,
  nextDeliveryDeadline,
  SLO_DELIVERY_DEADLINES,
  usageDayStart,
  usageDaysOfMonth,
  parseCivilDate,
} from "../src/energy-data/delivery-deadline.js";
import { dearmor, parseIntervalCsv, addOlderFileRows, intervalFileText, type IntervalRowsByDay } from "../src/energy-data/interval-file.js";
import { intervalsInDay, intervalStartTimes, parseReadingList, positionalQuality, timedRowsQuality } from "../src/energy-data/interval-quality.js";
import { insertCanaries } from "../src/energy-data/api-data-check.js";
import { parseCsv } from "../src/text/csv-records.js";
import { armor, intervalCsv, intervalRows } from "../src/simulator/energy-data.js";

const central = (iso: string) => DateTime.fromISO(iso, { zone: "America/Chicago" }).toMillis();
const day = (iso: string) => parseCivilDate(iso)!;
const ONCOR = "10443720000000001";
const CNP = "1008901000000000000001";

describe("delivery deadlines (Central time, DST-aware)", () => {
  it("FTPS: day D by 23:00 on D+1; GUI and API: by 06:00 on D+2, across both DST changes", () => {
    // spring forward on Sunday 2026-03-08: 23:00 on 03-07 is CST, 06:00 on 03-09 is CDT
    expect(deliveryDeadline(day("2026-03-06"), SLO_DELIVERY_DEADLINES.ftps)).toBe(Date.UTC(2026, 2, 8, 5, 0)); // 03-07 23:00 CST
    expect(deliveryDeadline(day("2026-03-07"), SLO_DELIVERY_DEADLINES.ftps)).toBe(Date.UTC(2026, 2, 9, 4, 0)); // 03-08 23:00 CDT
    expect(deliveryDeadline(day("2026-03-06"), SLO_DELIVERY_DEADLINES.api)).toBe(Date.UTC(2026, 2, 8, 11, 0)); // 03-08 06:00 CDT
    expect(deliveryDeadline(day("2026-03-05"), SLO_DELIVERY_DEADLINES.gui)).toBe(Date.UTC(2026, 2, 7, 12, 0)); // 03-07 06:00 CST
    // fall back on Sunday 2026-11-01
    expect(deliveryDeadline(day("2026-10-30"), SLO_DELIVERY_DEADLINES.api)).toBe(Date.UTC(2026, 10, 1, 12, 0)); // 11-01 06:00 CST
    expect(deliveryDeadline(day("2026-10-31"), SLO_DELIVERY_DEADLINES.ftps)).toBe(Date.UTC(2026, 10, 2, 5, 0)); // 11-01 23:00 CST
  });

  it("the expected day switches exactly at the deadline (inclusive), and the next deadline follows", () => {
    const ftps = SLO_DELIVERY_DEADLINES.ftps;
    const at = central("2026-03-08T23:00");
    expect(expectedUsageDay(at - 1, ftps)).toEqual(day("2026-03-06"));
    expect(expectedUsageDay(at, ftps)).toEqual(day("2026-03-07"));
    expect(nextDeliveryDeadline(at - 1, ftps)).toBe(at);
    expect(nextDeliveryDeadline(at, ftps)).toBe(central("2026-03-09T23:00"));
    const api = SLO_DELIVERY_DEADLINES.api;
    expect(expectedUsageDay(central("2026-11-03T05:59"), api)).toEqual(day("2026-10-31"));
    expect(expectedUsageDay(central("2026-11-03T06:00"), api)).toEqual(day("2026-11-01"));
    // just after midnight the expected API day is three days back
    expect(expectedUsageDay(central("2026-11-03T00:10"), api)).toEqual(day("2026-10-31"));
  });

  it("usage days start at local midnight; a month lists all its days", () => {
    expect(usageDayStart(day("2026-03-08"))).toBe(Date.UTC(2026, 2, 8, 6, 0));
    expect(usageDayStart(day("2026-03-09"))).toBe(Date.UTC(2026, 2, 9, 5, 0));
    expect(usageDaysOfMonth("2026-02").length).toBe(28);
    expect(usageDaysOfMonth("2028-02").length).toBe(29);
  });
});

describe("interval quality", () => {
  it("days have 96 intervals, 92 on the spring-forward day and 100 on the fall-back day", () => {
    expect(intervalsInDay(day("2026-03-07"))).toBe(96);
    expect(intervalsInDay(day("2026-03-08"))).toBe(92);
    expect(intervalsInDay(day("2026-11-01"))).toBe(100);
    const fall = intervalStartTimes(day("2026-11-01"));
    expect(fall.filter((t) => t === "01:15").length).toBe(2);
    expect(intervalStartTimes(day("2026-03-08"))).not.toContain("02:00");
  });

  it("timed rows: a gap, a duplicate, a negative value and estimated intervals", () => {
    const rows = intervalStartTimes(day("2026-03-10")).map((t) => ({ startTime: t, kwh: 0.3, estimated: false }));
    rows.splice(10, 1); // 02:30 missing
    rows.push({ startTime: "05:00", kwh: 0.3, estimated: false }); // 05:00 twice
    rows[3]!.kwh = -0.2;
    rows[4]!.estimated = true;
    rows[5]!.estimated = true;
    expect(timedRowsQuality(day("2026-03-10"), rows)).toEqual({ expected: 96, received: 96, missing: 1, duplicate: 1, negative: 1, estimated: 2 });
  });

  it("timed rows on the DST days: the repeated hour is not a duplicate, 02:15 on the spring day is", () => {
    const fall = intervalStartTimes(day("2026-11-01")).map((t) => ({ startTime: t, kwh: 0.1, estimated: false }));
    expect(timedRowsQuality(day("2026-11-01"), fall)).toEqual({ expected: 100, received: 100, missing: 0, duplicate: 0, negative: 0, estimated: 0 });
    // a file that has the repeated hour only once is missing four intervals
    const once = fall.filter((r, i) => !(r.startTime.startsWith("01:") && i >= 8));
    expect(timedRowsQuality(day("2026-11-01"), once).missing).toBe(4);
    const spring = intervalStartTimes(day("2026-03-08")).map((t) => ({ startTime: t, kwh: 0.1, estimated: false }));
    spring.push({ startTime: "02:15", kwh: 0.1, estimated: false });
    expect(timedRowsQuality(day("2026-03-08"), spring)).toEqual({ expected: 92, received: 93, missing: 0, duplicate: 1, negative: 0, estimated: 0 });
  });

  it("positional readings (the API's RD): only the count tells missing from surplus", () => {
    const rd = Array.from({ length: 95 }, (_, i) => (i === 7 ? "-0.010-A" : i < 3 ? "0.200-E" : "0.300-A")).join(",");
    const { readings, unreadable } = parseReadingList(rd);
    expect(unreadable).toBe(0);
    expect(positionalQuality(day("2026-03-10"), readings)).toEqual({ expected: 96, received: 95, missing: 1, duplicate: 0, negative: 1, estimated: 3 });
    expect(positionalQuality(day("2026-03-08"), readings)).toEqual({ expected: 92, received: 95, missing: 0, duplicate: 3, negative: 1, estimated: 3 });
    expect(positionalQuality(day("2026-03-10"), undefined).missing).toBe(96);
    expect(parseReadingList("0.1-A,x,0.2-Q,,0.3-e").readings.length).toBe(2);
  });
});

describe("SMT interval files", () => {
  it("reads the simulator's armored files, canaries only, consumption only", () => {
    const d = DateTime.fromISO("2026-03-08", { zone: "America/Chicago" });
    const csv =
      intervalCsv(intervalRows(ONCOR, d), d.plus({ days: 1 })) +
      `${CNP},03/08/2026,03/09/2026 05:30:00,00:00,00:15,0.500,E,Consumption\n${ONCOR},03/08/2026,03/09/2026 05:30:00,00:00,00:15,0.900,A,Surplus Generation\n99999999999999999,03/08/2026,x,00:00,00:15,1,A,Consumption\n`;
    const text = dearmor(armor(csv)).toString("utf8");
    expect(text).toBe(csv);
    const parsed = parseIntervalCsv(text, new Set([ONCOR, CNP]));
    expect(parsed.badRows).toBe(0);
    expect([...parsed.days]).toEqual(["2026-03-08"]);
    expect(parsed.rows.get("2026-03-08")!.get(ONCOR)!.length).toBe(92);
    expect(parsed.rows.get("2026-03-08")!.get(CNP)!).toEqual([{ startTime: "00:00", kwh: 0.5, estimated: true }]);
  });

  it("reports unreadable rows with their line, and refuses a file without the header", () => {
    const text =
      "ESIID,USAGE_DATE,REVISION_DATE,USAGE_START_TIME,USAGE_END_TIME,USAGE_KWH,ESTIMATED_ACTUAL,CONSUMPTION_SURPLUSGENERATION\n" +
      `${ONCOR},13/01/2026,x,00:00,00:15,0.1,A,Consumption\n${ONCOR},03/01/2026,x,0:15,00:30,abc,A,Consumption\n${ONCOR},03/01/2026,x,0:15,00:30,0.2,Z,Consumption\n${ONCOR},03/01/2026,x,0:15,00:30,0.2,A,Consumption\n`;
    const parsed = parseIntervalCsv(text);
    expect(parsed.badRows).toBe(3);
    expect(parsed.problems).toEqual([
      'line 2: USAGE_DATE: expected MM/DD/YYYY, got "13/01/2026"',
      'line 3: USAGE_KWH: expected a number, got "abc"',
      'line 4: ESTIMATED_ACTUAL: expected A or E, got "Z"',
    ]);
    expect(parsed.rows.get("2026-03-01")!.get(ONCOR)).toEqual([{ startTime: "00:15", kwh: 0.2, estimated: false }]);
    expect(() => parseIntervalCsv("\u0001\u0002binary junk")).toThrow(/expected a CSV header with ESIID/);
    expect(() => dearmor("-----BEGIN PGP MESSAGE-----\n\nAAAA\n")).toThrow(/no -----END/);
  });

  it("a decrypt command gets the file on stdin (here: base64 -d of a plain base64 body)", async () => {
    const out = await intervalFileText(Buffer.from(Buffer.from("ESIID\n").toString("base64")), "plain", ["base64", "-d"], new AbortController().signal);
    expect(out).toBe("ESIID\n");
    await expect(intervalFileText(Buffer.from("x"), "plain", ["false"], new AbortController().signal)).rejects.toThrow(/exited with 1/);
  });

  it("a newer file's rows for a day replace an older file's (revisions are not duplicates)", () => {
    const newer: IntervalRowsByDay = new Map([["2026-03-01", new Map([[ONCOR, [{ startTime: "00:00", kwh: 1, estimated: false }]]])]]);
    const older: IntervalRowsByDay = new Map([
      [
        "2026-03-01",
        new Map([
          [ONCOR, [{ startTime: "00:00", kwh: 9, estimated: true }]],
          [CNP, [{ startTime: "00:00", kwh: 2, estimated: false }]],
        ]),
      ],
    ]);
    addOlderFileRows(newer, older);
    expect(newer.get("2026-03-01")!.get(ONCOR)).toEqual([{ startTime: "00:00", kwh: 1, estimated: false }]);
    expect(newer.get("2026-03-01")!.get(CNP)!.length).toBe(1);
  });
});

describe("observations", () => {
  const full = (d: string) => intervalStartTimes(day(d)).map((t) => ({ startTime: t, kwh: 0.2, estimated: false }));

  it("the latest day is the newest day every canary has", () => {
    const rows: IntervalRowsByDay = new Map([
      ["2026-03-09", new Map([[ONCOR, full("2026-03-09")]])], // CenterPoint's part not there yet
      [
        "2026-03-08",
        new Map([
          [ONCOR, full("2026-03-08")],
          [CNP, full("2026-03-08").slice(1)],
        ]),
      ],
    ]);
    const o = observeTimedRows(rows, [ONCOR, CNP]);
    expect(o.latestDay).toEqual(day("2026-03-08"));
    expect(o.quality!.figures).toEqual({ expected: 184, received: 183, missing: 1, duplicate: 0, negative: 0, estimated: 0 });
    expect(o.daysSeen).toEqual(["2026-03-09", "2026-03-08"]);
    expect(observeTimedRows(new Map(), [ONCOR]).latestDay).toBeUndefined();
  });

  it("the API's answer: energyData, the 'data not ready' answer, and errors", () => {
    const rd = (n: number) => Array.from({ length: n }, () => "0.250-A").join(",");
    const answer = {
      energyData: [
        { esiid: ONCOR, DT: "03/09/2026", RD: rd(96) },
        { esiid: CNP, DT: "03/09/2026", RD: "" }, // empty: not delivered
        { esiid: ONCOR, DT: "03/08/2026", RD: rd(92) },
        { esiid: CNP, DT: "03/08/2026", RD: rd(91) },
      ],
    };
    const o = observeApiEnergyData(answer, "energyData", [ONCOR, CNP]);
    expect(o.latestDay).toEqual(day("2026-03-08"));
    expect(o.quality!.figures).toMatchObject({ expected: 184, received: 183, missing: 1 });
    expect(
      observeApiEnergyData({ errorCode: "1", errorMessage: "No data received from the respective TDSP" }, "energyData", [ONCOR]).latestDay,
    ).toBeUndefined();
    expect(() => observeApiEnergyData({ errorCode: "3", errorMessage: "ESIID not found" }, "energyData", [ONCOR])).toThrow(DataFormatFailure);
    expect(() => observeApiEnergyData({ energyData: [{ esiid: ONCOR, DT: "2026-03-08", RD: "" }] }, "energyData", [ONCOR])).toThrow(
      /DT: expected MM\/DD\/YYYY/,
    );
    expect(() => observeApiEnergyData("<html>", "energyData", [ONCOR])).toThrow(/expected a JSON object/);
  });

  it("{{ canary_esiids }} becomes the list, or a comma-joined text inside a string", () => {
    expect(insertCanaries({ esiid: "{{ canary_esiids }}", q: "ids={{canary_esiids}}", n: 1 }, [ONCOR, CNP])).toEqual({
      esiid: [ONCOR, CNP],
      q: `ids=${ONCOR},${CNP}`,
      n: 1,
    });
  });
});

describe("CSV records", () => {
  it("quotes, doubled quotes, quoted newlines, CRLF, blank lines and line numbers", () => {
    const { records, error } = parseCsv('a,b\r\n"x, y","say ""hi"""\n\n"multi\nline",2\nlast,3');
    expect(error).toBeUndefined();
    expect(records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x, y", 'say "hi"'] },
      { line: 4, fields: ["multi\nline", "2"] },
      { line: 6, fields: ["last", "3"] },
    ]);
    expect(parseCsv('a\n"open').error).toEqual({ line: 2, message: "a quoted field is not closed before the end of the file" });
  });
});
