import { z } from "zod";
import { SERVICES } from "./services.js";
import { parseCivilDate } from "../maintenance/wall-clock-time.js";

/**
 * The `objectives:` section of the exporter config: the availability target of each service and the
 * date it took effect, so that the report judges every month by the target in force then (the SLO
 * document's section 10 reviews the targets yearly). Read by `smt-monitor report`; see docs/report.md.
 *
 *   objectives:
 *     - { service: gui, target: 0.99, from: 2013-04-30 }
 *     - { service: gui, target: 0.995, from: 2026-07-01 }
 */

const effectiveDate = z.string().superRefine((text, ctx) => {
  if (!parseCivilDate(text)) ctx.addIssue({ code: "custom", message: `expected a real date "YYYY-MM-DD", got "${text}"` });
});

export const objectiveEntry = z.strictObject({
  service: z.enum(SERVICES),
  /** The share of counted minutes that must be available, above which the month meets it ("over 99 %" is 0.99). */
  target: z.number().superRefine((n, ctx) => {
    if (!(n > 0 && n < 1)) ctx.addIssue({ code: "custom", message: `expected a share of minutes above 0 and below 1 (0.99 for over 99 %), got ${n}` });
  }),
  /** The first day (Central time) the target is in force. */
  from: effectiveDate,
});

export const objectivesConfig = z.array(objectiveEntry).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((o, i) => {
    const key = `${o.service} ${o.from}`;
    const first = seen.get(key);
    if (first !== undefined)
      ctx.addIssue({ code: "custom", path: [i, "from"], message: `${o.service} already has an objective from ${o.from} (objectives[${first}])` });
    else seen.set(key, i);
  });
});

export type ObjectiveEntry = z.infer<typeof objectiveEntry>;
