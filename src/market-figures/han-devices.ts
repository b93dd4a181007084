import { field, type SourceRecord } from "./source-records.js";
import { labelValueProblem, MAX_DISTINCT_VALUES, parseCount, type RowProblem } from "./figure-problems.js";
import { TDSP_NAMES, TDSP_TERRITORIES, tdspOfEsiid, type TdspTerritory } from "./tdsp-territory.js";
import { ESIID_PATTERN } from "../config/esiid.js";

/**
 * HAN devices provisioned, by status and by TDSP territory (SLO document 7.4), from either kind of row:
 * - one device: `esiid`, `status` (and optionally `device_mac_id`): the territory comes from the
 *   ESIID's prefix;
 * - a count: `tdsp` (oncor, centerpoint, aep_texas_central, aep_texas_north, tnmp, or their names),
 *   `status`, `count`.
 * Statuses are kept as written, in lower case with spaces as underscores ("De-provisioned" ->
 * "de_provisioned"). A device MAC seen twice, or a tdsp/status pair given twice, is a bad row.
 */
export interface HanDeviceCounts {
  /** "status\ttdsp" -> devices */
  counts: Map<string, number>;
  accepted: number;
  problems: RowProblem[];
  /** keys of count rows whose count could not be read: their previous figure is kept. */
  unreadable: Set<string>;
}

export const hanKey = (status: string, tdsp: TdspTerritory) => `${status}\t${tdsp}`;

/** "De-provisioned" -> "de_provisioned". */
export function normalizeStatus(status: string): string {
  return status
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
}

function territoryOf(text: string): TdspTerritory | undefined {
  const key = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if ((TDSP_TERRITORIES as readonly string[]).includes(key)) return key as TdspTerritory;
  return TDSP_TERRITORIES.find((t) => TDSP_NAMES[t].toLowerCase() === text.trim().toLowerCase());
}

export function hanDeviceCounts(records: readonly SourceRecord[], prefixes: Readonly<Record<TdspTerritory, readonly string[]>>): HanDeviceCounts {
  const result: HanDeviceCounts = { counts: new Map(), accepted: 0, problems: [], unreadable: new Set() };
  const bad = (line: number, message: string) => result.problems.push({ line, message });
  const macLine = new Map<string, number>();
  const countLine = new Map<string, number>();
  const statuses = new Set<string>();
  for (const r of records) {
    const rawStatus = field(r, "status", "device_status");
    const statusProblem = labelValueProblem("status", rawStatus);
    const status = rawStatus === undefined ? "" : normalizeStatus(rawStatus);
    const countText = field(r, "count", "devices", "device_count");
    let tdsp: TdspTerritory | undefined;
    let count: number;
    if (countText !== undefined) {
      const t = field(r, "tdsp", "tdsp_territory", "territory");
      tdsp = t === undefined ? undefined : territoryOf(t);
      if (!tdsp) {
        bad(r.line, `tdsp: expected one of ${TDSP_TERRITORIES.join(", ")}, got ${t === undefined ? "nothing" : `"${t}"`}`);
        continue;
      }
      const n = parseCount(countText);
      if (n === undefined) {
        if (!statusProblem) result.unreadable.add(hanKey(status, tdsp));
        bad(r.line, `count: expected a whole number of devices, got "${countText}"`);
        continue;
      }
      count = n;
    } else {
      const esiid = field(r, "esiid", "esi_id");
      if (esiid === undefined) {
        bad(r.line, "expected either esiid and status, or tdsp, status and count");
        continue;
      }
      if (!ESIID_PATTERN.test(esiid)) {
        bad(r.line, `esiid: expected 17 digits (22 for CenterPoint) starting with "10", got "${esiid}"`);
        continue;
      }
      tdsp = tdspOfEsiid(esiid, prefixes);
      if (!tdsp) {
        bad(r.line, `esiid ${esiid}: its prefix names no TDSP territory (market_figures.tdsp_prefixes)`);
        continue;
      }
      const mac = field(r, "device_mac_id", "mac", "device_id");
      if (mac) {
        const first = macLine.get(mac.toUpperCase());
        if (first !== undefined) {
          bad(r.line, `device ${mac} already counted at line ${first}`);
          continue;
        }
        macLine.set(mac.toUpperCase(), r.line);
      }
      count = 1;
    }
    if (statusProblem) {
      bad(r.line, statusProblem);
      continue;
    }
    if (!/^[a-z][a-z0-9_]*$/.test(status)) {
      bad(r.line, `status: expected letters, digits and spaces, got "${rawStatus}"`);
      continue;
    }
    if (!statuses.has(status) && statuses.size >= MAX_DISTINCT_VALUES) {
      bad(r.line, `status "${rawStatus}": more than ${MAX_DISTINCT_VALUES} distinct statuses in one source`);
      continue;
    }
    const key = hanKey(status, tdsp);
    if (countText !== undefined) {
      const first = countLine.get(key);
      if (first !== undefined) {
        bad(r.line, `tdsp ${tdsp} and status ${status} already given at line ${first}`);
        continue;
      }
      countLine.set(key, r.line);
    }
    statuses.add(status);
    result.counts.set(key, (result.counts.get(key) ?? 0) + count);
    result.accepted++;
  }
  return result;
}
