import { DateTime } from "luxon";
import { field, type SourceRecord } from "./source-records.js";
import { labelValueProblem, MAX_DISTINCT_VALUES, parseCount, type RowProblem } from "./figure-problems.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

/**
 * Call-center tickets by month and by type (SLO document 6.4), from either kind of row:
 * - a monthly count: `month` (YYYY-MM), `type`, `count`;
 * - one ticket: `ticket_id`, `created` (ISO date-time, `YYYY-MM-DD HH:MM`, or `MM/DD/YYYY[ HH:MM]`,
 *   local times in Central time), `type`: counted in the month it was created.
 * A month/type pair given twice as a count, or a ticket id seen twice, is a bad row.
 */
export interface TicketCounts {
  /** month "YYYY-MM" -> type -> tickets */
  counts: Map<string, Map<string, number>>;
  accepted: number;
  problems: RowProblem[];
  /** "month\ttype" of count rows whose count could not be read: their previous figure is kept. */
  unreadable: Set<string>;
}

/** The Central-time month of a ticket's creation time, or undefined. */
export function ticketMonth(text: string, zone = CENTRAL_TIME_ZONE): string | undefined {
  return feedTime(text, zone)?.toFormat("yyyy-MM");
}

/**
 * A date-time of a feed (ISO with or without an offset, "YYYY-MM-DD HH:MM", "MM/DD/YYYY[ HH:MM]"; a
 * time without an offset is local time in `zone`), in `zone`; undefined when it is none of these.
 */
export function feedTime(text: string, zone = CENTRAL_TIME_ZONE): DateTime | undefined {
  const t = text.trim();
  let dt = DateTime.fromISO(t.replace(" ", "T"), { zone, setZone: false });
  if (!dt.isValid) {
    for (const format of ["MM/dd/yyyy HH:mm:ss", "MM/dd/yyyy HH:mm", "MM/dd/yyyy", "M/d/yyyy H:mm", "M/d/yyyy"]) {
      dt = DateTime.fromFormat(t, format, { zone });
      if (dt.isValid) break;
    }
  }
  return dt.isValid ? dt.setZone(zone) : undefined;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function ticketCounts(records: readonly SourceRecord[], zone = CENTRAL_TIME_ZONE): TicketCounts {
  const result: TicketCounts = { counts: new Map(), accepted: 0, problems: [], unreadable: new Set() };
  const countRowLine = new Map<string, number>();
  const ticketLine = new Map<string, number>();
  const types = new Set<string>();
  const bad = (line: number, message: string) => result.problems.push({ line, message });
  for (const r of records) {
    const type = field(r, "type", "ticket_type", "category");
    const typeProblem = labelValueProblem("type", type);
    const countText = field(r, "count", "tickets", "ticket_count");
    let month: string | undefined;
    let count: number | undefined;
    if (countText !== undefined) {
      const m = field(r, "month");
      if (m === undefined || !MONTH.test(m)) {
        bad(r.line, `month: expected YYYY-MM, got ${m === undefined ? "nothing" : `"${m}"`}`);
        continue;
      }
      month = m;
      count = parseCount(countText);
      if (count === undefined) {
        if (!typeProblem) result.unreadable.add(`${month}\t${type}`);
        bad(r.line, `count: expected a whole number of tickets, got "${countText}"`);
        continue;
      }
    } else {
      const created = field(r, "created", "created_at", "opened", "opened_at", "date");
      const id = field(r, "ticket_id", "id", "ticket");
      if (created === undefined || id === undefined) {
        bad(r.line, "expected either month, type and count, or ticket_id, created and type");
        continue;
      }
      month = ticketMonth(created, zone);
      if (!month) {
        bad(r.line, `created: expected a date-time (2026-03-05T14:20, 03/05/2026 14:20), got "${created}"`);
        continue;
      }
      if (id === "") {
        bad(r.line, "ticket_id: missing");
        continue;
      }
      const first = ticketLine.get(id);
      if (first !== undefined) {
        bad(r.line, `ticket_id ${id} already counted at line ${first}`);
        continue;
      }
      ticketLine.set(id, r.line);
      count = 1;
    }
    if (typeProblem) {
      bad(r.line, typeProblem);
      continue;
    }
    if (!types.has(type!) && types.size >= MAX_DISTINCT_VALUES) {
      bad(r.line, `type "${type}": more than ${MAX_DISTINCT_VALUES} distinct types in one source`);
      continue;
    }
    if (countText !== undefined) {
      const key = `${month}\t${type}`;
      const first = countRowLine.get(key);
      if (first !== undefined) {
        bad(r.line, `month ${month} and type "${type}" already given at line ${first}`);
        continue;
      }
      countRowLine.set(key, r.line);
    }
    types.add(type!);
    let byType = result.counts.get(month);
    if (!byType) result.counts.set(month, (byType = new Map<string, number>()));
    byType.set(type!, (byType.get(type!) ?? 0) + count);
    result.accepted++;
  }
  return result;
}
