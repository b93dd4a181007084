import type { z } from "zod";
import type { ConfigProblem } from "./errors.js";
import { inlineSecretMessage, SECRET_FIELDS } from "./schema-parts.js";
import type { YamlSource } from "./yaml-source.js";

/**
 * zod's issues in the words of the config: every config file (exporter, maintenance, notifier,
 * report deadlines) maps its schema's issues here, so a field is described the same way everywhere.
 */

/** A zod issue as a problem naming the field, its line and what was expected. */
export function toProblem(issue: z.core.$ZodIssue, source: YamlSource): ConfigProblem {
  let path = [...issue.path] as (string | number)[];
  let message = issue.message;
  const last = path[path.length - 1];
  if (SECRET_FIELDS.includes(last as (typeof SECRET_FIELDS)[number])) {
    // Never echo what was written there: it is a secret.
    return { path, message: inlineSecretMessage(String(last)), ...source.locate(path) };
  }
  switch (issue.code) {
    case "invalid_type": {
      const got = describeInput(issue.input);
      message =
        got === "nothing"
          ? `required field is missing; expected ${expectedType(issue.expected)}`
          : `expected ${expectedType(issue.expected)}, got ${describeType(issue.input)}`;
      break;
    }
    case "unrecognized_keys":
      path = [...path, issue.keys[0]!];
      message = `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
      break;
    case "invalid_value":
      message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeInput(issue.input)}`;
      break;
    case "invalid_union":
      if (issue.discriminator) {
        if (last !== issue.discriminator) path = [...path, issue.discriminator];
        message = `expected ${issue.discriminator} to be one of ${("options" in issue && issue.options ? issue.options : []).map((o) => JSON.stringify(o)).join(", ")}`;
      }
      break;
    case "too_small":
    case "too_big":
      message = `expected ${boundText(issue)}, got ${describeSize(issue.origin, issue.input)}`;
      break;
    default:
      break;
  }
  return { path, message, ...source.locate(path) };
}

/** zod's type names as the config speaks of them. */
const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  map: "a mapping",
  null: "null",
  undefined: "nothing (remove the field)",
};

function expectedType(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

/** What was written, by type: "a number (30)", "a list", "a string ("x")". */
function describeType(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  const value = JSON.stringify(input) ?? String(input);
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  if (typeof input === "string") return `a string (${shown})`;
  if (typeof input === "number") return `a number (${shown})`;
  if (typeof input === "boolean") return shown;
  return typeof input;
}

/** The limit a too_small / too_big issue enforces, in the words of its origin. */
function boundText(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === "too_small";
  const bound = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  const unit = issue.origin === "array" || issue.origin === "set" ? "item" : issue.origin === "string" ? "character" : "";
  if (unit) {
    // Lengths are whole: "more than 0" is "at least 1".
    const n = inclusive ? bound : small ? bound + 1 : bound - 1;
    if (small && n === 1 && unit === "character") return "a non-empty string";
    const noun = `${unit}${n === 1 ? "" : "s"}`;
    return `${issue.origin === "string" ? "a string of" : "a list of"} ${small ? "at least" : "at most"} ${n} ${noun}`;
  }
  const what = issue.origin === "int" ? "a whole number" : "a number";
  if (small) return inclusive ? `${what} of at least ${bound}` : `${what} greater than ${bound}`;
  return inclusive ? `${what} of at most ${bound}` : `${what} less than ${bound}`;
}

/** The size of what was written: the number, or the length of a string or list. */
function describeSize(origin: string, input: unknown): string {
  if (Array.isArray(input)) return `${input.length} item${input.length === 1 ? "" : "s"}`;
  if (typeof input === "string") return origin === "string" ? `${input.length} character${input.length === 1 ? "" : "s"}` : describeType(input);
  if (typeof input === "number") return String(input);
  return describeType(input);
}

function describeInput(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  return `${typeof input} ${JSON.stringify(input)}`;
}
