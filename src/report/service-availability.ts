import type { Service } from "../config/services.js";

/** SMT's objective: over 99 % monthly availability per service. */
export const AVAILABILITY_OBJECTIVE_PERCENT = 99;
export const AVAILABILITY_OBJECTIVE = AVAILABILITY_OBJECTIVE_PERCENT / 100;

/**
 * Minutes of one service in a month recorded as maintenance, unavailable and available. Unmeasured
 * is the rest of the month: the minutes recorded as unmeasured and those never recorded alike.
 */
export interface RecordedMinutes {
  maintenance: number;
  unavailable: number;
  available: number;
}

/** One service's line of the monthly report; the key order is the JSON contract of `report --format json`. */
export interface ServiceAvailability {
  service: Service;
  total_minutes: number;
  maintenance_minutes: number;
  unavailable_minutes: number;
  unmeasured_minutes: number;
  available_minutes: number;
  /** available / (total - maintenance); null when the whole month was maintenance. */
  availability: number | null;
  objective: number;
  /** availability > objective ("over 99 %"); null when availability is null. */
  met: boolean | null;
}

export class InconsistentMinutesError extends Error {}

/**
 * The report line from the recorded minutes: every other minute of the month is unmeasured, so the
 * four counts add up to the month's total. Refuses (rather than print a wrong figure) when more
 * minutes were recorded than the month has.
 */
export function serviceAvailability(service: Service, totalMinutes: number, recorded: RecordedMinutes): ServiceAvailability {
  const counts = [recorded.maintenance, recorded.unavailable, recorded.available];
  if (counts.some((c) => !Number.isInteger(c) || c < 0)) {
    throw new InconsistentMinutesError(`${service}: recorded minute counts are not whole numbers: ${JSON.stringify(recorded)}`);
  }
  const recordedTotal = counts.reduce((a, b) => a + b, 0);
  if (recordedTotal > totalMinutes) {
    throw new InconsistentMinutesError(
      `${service}: ${recordedTotal} minutes recorded for a month of ${totalMinutes}: some minutes were recorded twice ` +
        `(was the rule group or its file renamed during the month? see docs/slo.md)`,
    );
  }
  const counted = totalMinutes - recorded.maintenance;
  const availability = counted > 0 ? recorded.available / counted : null;
  return {
    service,
    total_minutes: totalMinutes,
    maintenance_minutes: recorded.maintenance,
    unavailable_minutes: recorded.unavailable,
    unmeasured_minutes: totalMinutes - recordedTotal,
    available_minutes: recorded.available,
    availability,
    objective: AVAILABILITY_OBJECTIVE,
    met: objectiveMet(recorded.available, counted, AVAILABILITY_OBJECTIVE),
  };
}

/** Parts per million of a target: targets are compared in integers. */
const PPM = 1_000_000;

/**
 * Whether `available` of `counted` minutes is over the target (a share, 0.99 for "over 99 %"): in
 * integers (millionths of the target), so that exactly 99 % is not met without float doubts. Null
 * when no minute counted.
 */
export function objectiveMet(available: number, counted: number, target: number): boolean | null {
  return counted > 0 ? available * PPM > Math.round(target * PPM) * counted : null;
}

/** The line judged by another target (the objective in force in its month). Pure. */
export function judgedBy(line: ServiceAvailability, target: number): ServiceAvailability {
  return { ...line, objective: target, met: objectiveMet(line.available_minutes, line.total_minutes - line.maintenance_minutes, target) };
}
