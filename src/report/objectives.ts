import type { ObjectiveEntry } from "../config/objectives-schema.js";
import type { Service } from "../config/services.js";
import { AVAILABILITY_OBJECTIVE } from "./service-availability.js";

/**
 * Which availability target judges a period (issue 9 item 7). The config's `objectives:` give each
 * service targets with the day they took effect; a period (a month, a year) is judged by the target
 * in force on its first day, in Central time: a target that takes effect on 2026-07-15 first judges
 * August. Before a service's first entry, and for a service without one, the SLO document's "over
 * 99 %" applies. Pure.
 */

export interface ObjectiveInForce {
  service: Service;
  /** The share of counted minutes the period had to be over. */
  target: number;
  /** The day the target took effect; null: the SLO document's target (no `objectives:` entry in force). */
  from: string | null;
}

/** The objective of a service in force on `date` ("YYYY-MM-DD"). Pure. */
export function objectiveInForce(objectives: readonly ObjectiveEntry[], service: Service, date: string): ObjectiveInForce {
  const inForce = objectives.filter((o) => o.service === service && o.from <= date).sort((a, b) => (a.from < b.from ? -1 : 1));
  const last = inForce[inForce.length - 1];
  return last ? { service, target: last.target, from: last.from } : { service, target: AVAILABILITY_OBJECTIVE, from: null };
}
