/**
 * The phase of a group's last evaluation as Prometheus reports it (ms into the interval), or undefined
 * before its first: tests compare it with the phase src/rules/rule-group-phase.ts predicts.
 */
export async function observedRuleGroupPhaseMs(prometheusUrl: string, group: string, intervalMs: number): Promise<number | undefined> {
  const res = await fetch(`${prometheusUrl}/api/v1/rules`);
  const body = (await res.json()) as { data: { groups: { name: string; lastEvaluation?: string }[] } };
  const last = body.data.groups.find((g) => g.name === group)?.lastEvaluation;
  if (!last || last.startsWith("0001-")) return undefined;
  // lastEvaluation is the wall-clock start of the evaluation (at or just after the slot), with nanoseconds.
  const [whole, fraction = ""] = last.replace(/Z$/, "").split(".");
  const ms = Date.parse(`${whole}Z`) + Number(`0.${fraction || "0"}`) * 1000;
  return ms % intervalMs;
}
