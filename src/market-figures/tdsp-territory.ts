/**
 * TDSP territories of the Texas competitive market, and how an ESIID names its TDSP: "10" followed
 * by the TDSP's DUNS-based code (domain notes). The prefixes are config (market_figures.tdsp_prefixes),
 * with these defaults.
 */
export const TDSP_TERRITORIES = ["oncor", "centerpoint", "aep_texas_central", "aep_texas_north", "tnmp"] as const;
export type TdspTerritory = (typeof TDSP_TERRITORIES)[number];

export const TDSP_NAMES: Readonly<Record<TdspTerritory, string>> = {
  oncor: "Oncor",
  centerpoint: "CenterPoint",
  aep_texas_central: "AEP Texas Central",
  aep_texas_north: "AEP Texas North",
  tnmp: "TNMP",
};

export const DEFAULT_TDSP_PREFIXES: Readonly<Record<TdspTerritory, readonly string[]>> = {
  oncor: ["1044372", "1017699"], // 1017699: Oncor's former TXU East Texas area
  centerpoint: ["1008901"],
  aep_texas_central: ["1003278"],
  aep_texas_north: ["1020404"],
  tnmp: ["1040051"],
};

/** The territory whose prefix starts the ESIID (longest prefix wins), or undefined. */
export function tdspOfEsiid(esiid: string, prefixes: Readonly<Record<TdspTerritory, readonly string[]>> = DEFAULT_TDSP_PREFIXES): TdspTerritory | undefined {
  let best: { tdsp: TdspTerritory; length: number } | undefined;
  for (const tdsp of TDSP_TERRITORIES) {
    for (const prefix of prefixes[tdsp]) {
      if (esiid.startsWith(prefix) && (!best || prefix.length > best.length)) best = { tdsp, length: prefix.length };
    }
  }
  return best?.tdsp;
}

/** "Oncor" for "oncor"; an unknown id is shown as it is. */
export function tdspName(id: string): string {
  return (TDSP_NAMES as Record<string, string>)[id] ?? id;
}
