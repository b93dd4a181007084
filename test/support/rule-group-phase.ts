import xxhash from "xxhash-wasm";

/**
 * When Prometheus evaluates a rule group inside its interval. Prometheus (2.x, rules/group.go
 * `EvalTimestamp`) evaluates a group at the instants t with t ≡ offset (mod interval), where offset is
 * the hash of the labels {file, name} (xxhash64 of `file\xff<path>\xffname\xff<group>\xff`, the labels
 * sorted by name) modulo the interval in nanoseconds. The path is the rule file's path as Prometheus
 * reads it (the glob in rule_files expanded), so copying a rule file to another path moves its groups.
 *
 * Tests use it to place rule files where the minute group runs early in the minute, so a recorded
 * minute appears about 70 s after it began instead of up to 130 s; the suite then checks the phase
 * against Prometheus' own `/api/v1/rules` (`lastEvaluation`).
 */
export async function ruleGroupPhaseMs(file: string, group: string, intervalMs: number): Promise<number> {
  const { h64Raw } = await xxhash();
  const separator = Buffer.from([0xff]);
  const bytes = Buffer.concat([Buffer.from("file"), separator, Buffer.from(file), separator, Buffer.from("name"), separator, Buffer.from(group), separator]);
  const intervalNs = BigInt(intervalMs) * 1_000_000n;
  return Number(h64Raw(bytes) % intervalNs) / 1e6;
}

/** The phase of a group's last evaluation as Prometheus reports it (ms into the interval), or undefined before its first. */
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
