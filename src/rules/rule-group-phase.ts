import { mkdirSync } from "node:fs";
import { join } from "node:path";
import xxhash from "xxhash-wasm";

/**
 * When in its interval Prometheus evaluates a rule group. Prometheus 2.x (rules/group.go,
 * `EvalTimestamp`) runs a group at the instants t with t ≡ offset (mod interval), where offset is the
 * hash of the labels {file, name} modulo the interval in nanoseconds: xxhash64 of
 * `file\xff<path>\xffname\xff<group>\xff` (labels sorted by name, each followed by 0xff). The path is
 * the rule file's path as Prometheus reads it (the rule_files glob expanded), so the same file at
 * another path runs at another phase.
 *
 * What the rules compute does not depend on the phase (src/rules/minute-timing.ts: a minute is
 * recorded 70-130 s after it began, whatever the phase); only how soon a minute shows up does. The
 * demo uses it to place its rule files where the minute group runs early in the minute and the alert
 * group a few seconds after it, so an outage reaches Alertmanager up to two minutes sooner than at an
 * unlucky path.
 */
/** One WebAssembly instance of the hasher for the process (a placement may try hundreds of paths). */
let hasher: ReturnType<typeof xxhash> | undefined;

export async function ruleGroupPhaseMs(file: string, group: string, intervalMs: number): Promise<number> {
  const { h64Raw } = await (hasher ??= xxhash());
  const separator = Buffer.from([0xff]);
  const bytes = Buffer.concat([Buffer.from("file"), separator, Buffer.from(file), separator, Buffer.from("name"), separator, Buffer.from(group), separator]);
  return Number(h64Raw(bytes) % (BigInt(intervalMs) * 1_000_000n)) / 1e6;
}

/** A group that must run at a phase in [fromMs, toMs) of its interval, or relative to the group named in `after`. */
export interface GroupPlacement {
  /** The rule file's name inside the folder. */
  file: string;
  group: string;
  intervalMs: number;
  fromMs: number;
  toMs: number;
  /** When set, fromMs and toMs count from that group's phase (the group must come from an earlier placement). */
  after?: string;
}

/**
 * Creates and returns the first folder `<parent>/<prefix>-<k>` (k = 0, 1, ...) at which every placement
 * holds. Each try is a hash, so even a 1-in-50 placement is found in well under a millisecond per try.
 */
export async function placeRuleFolder(
  parent: string,
  prefix: string,
  placements: readonly GroupPlacement[],
  maxTries = 100_000,
): Promise<{ folder: string; phasesMs: Record<string, number> }> {
  for (let k = 0; k < maxTries; k++) {
    const folder = join(parent, `${prefix}-${k}`);
    const phasesMs: Record<string, number> = {};
    let fits = true;
    for (const p of placements) {
      const phase = await ruleGroupPhaseMs(join(folder, p.file), p.group, p.intervalMs);
      const base = p.after === undefined ? 0 : phasesMs[p.after];
      if (base === undefined) throw new Error(`placement of ${p.group}: group ${p.after ?? ""} must be placed before it`);
      const relative = (phase - base + p.intervalMs) % p.intervalMs;
      if (relative < p.fromMs || relative >= p.toMs) {
        fits = false;
        break;
      }
      phasesMs[p.group] = phase;
    }
    if (fits) {
      mkdirSync(folder, { recursive: true });
      return { folder, phasesMs };
    }
  }
  throw new Error(`no folder ${join(parent, `${prefix}-<k>`)} with k < ${maxTries} gives the wanted rule group phases`);
}
