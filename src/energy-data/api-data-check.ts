import type { ResolvedDataCheck } from "../config/market-data-load.js";
import { CANARY_ESIIDS_REF } from "../config/market-data-load.js";
import type { ProbeContext } from "../probes/probe.js";
import { runApiSteps } from "../probes/api.js";
import { DataFormatFailure, observeApiEnergyData, type DataObservation } from "./data-observation.js";

type ApiDataCheck = Extract<ResolvedDataCheck, { kind: "api" }>;

/** `{{ canary_esiids }}` as a whole JSON string becomes the list of ESIIDs; inside a longer string, "e1,e2". */
export function insertCanaries(json: unknown, canaries: readonly string[]): unknown {
  if (typeof json === "string") {
    if (new RegExp(`^${CANARY_ESIIDS_REF.source}$`).test(json)) return [...canaries];
    return json.replace(CANARY_ESIIDS_REF, canaries.join(","));
  }
  if (Array.isArray(json)) return json.map((v) => insertCanaries(v, canaries));
  if (json !== null && typeof json === "object") return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, insertCanaries(v, canaries)]));
  return json;
}

/**
 * The API energy-data check: the steps as for an `api` probe (token, then e.g. /v2/15minintervalreads/
 * for the canaries over the last few days); the last step's JSON answer holds energyData.
 */
export async function checkApiData(check: ApiDataCheck, canaries: readonly string[], ctx: ProbeContext): Promise<DataObservation> {
  const response = await runApiSteps(check.connection, ctx, (json) => insertCanaries(json, canaries));
  let json: unknown;
  try {
    json = JSON.parse(response.body.toString("utf8"));
  } catch {
    throw new DataFormatFailure(`the last step's answer is not JSON (${String(response.headers["content-type"] ?? "no content type")})`);
  }
  const observation = observeApiEnergyData(json, check.energyDataPath, canaries);
  ctx.note(`energy data for usage days ${observation.daysSeen.join(", ") || "none"}`);
  return observation;
}
