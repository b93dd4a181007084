import { compilePattern } from "../config/pattern.js";
import type { JsonAssertion, JsonPathAssertion } from "../config/schema.js";
import { readJsonPath } from "./json-path.js";

/**
 * The assertions of an `api` step on its JSON answer. A leaf of the probes: the config's freshness
 * warning (src/config/availability-freshness.ts) evaluates the same assertions on SMT's "no data
 * yet" answer, so the warning and the probe cannot disagree.
 */

/** A description of what is wrong, or undefined when the assertion holds. */
export function checkAssertion(json: unknown, a: JsonAssertion): string | undefined {
  if (a.any_of !== undefined) {
    const problems: string[] = [];
    for (const alternative of a.any_of) {
      const problem = checkPathAssertion(json, alternative);
      if (problem === undefined) return undefined;
      problems.push(problem);
    }
    return `none of any_of holds: ${problems.join("; ")}`;
  }
  // The schema guarantees a path beside a test.
  return checkPathAssertion(json, { ...a, path: a.path ?? "" });
}

function checkPathAssertion(json: unknown, a: JsonPathAssertion): string | undefined {
  const value = readJsonPath(json, a.path);
  const shown = value === undefined ? "nothing" : JSON.stringify(value).slice(0, 80);
  if (a.exists !== undefined) {
    return (value !== undefined) === a.exists ? undefined : `${a.path} ${a.exists ? "is missing" : `exists (${shown})`}`;
  }
  if (a.equals !== undefined) {
    return value === a.equals ? undefined : `${a.path} is ${shown}, expected ${JSON.stringify(a.equals)}`;
  }
  if (a.matches !== undefined) {
    return typeof value === "string" && compilePattern(a.matches).test(value) ? undefined : `${a.path} is ${shown}, expected to match "${a.matches}"`;
  }
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (a.less_than !== undefined) {
    return n < a.less_than ? undefined : `${a.path} is ${shown}, expected less than ${a.less_than}`;
  }
  if (a.greater_than !== undefined) {
    return n > a.greater_than ? undefined : `${a.path} is ${shown}, expected greater than ${a.greater_than}`;
  }
  return undefined;
}
