import { RE2JS } from "re2js";

/**
 * Regexes written in config (body_must_match, body_must_not_match, API `matches` assertions, FTPS
 * `file_pattern`), run against text a monitored target chooses. They run on RE2 (the `re2js`
 * port, pure JavaScript): matching time is linear in the length of the text, whatever the pattern,
 * so a body like "aaaa…!" against "^(a+)+$" cannot stall the event loop, the hard timeout and
 * /metrics (JavaScript's own engine backtracks exponentially there).
 *
 * The syntax is RE2's, the one of Go, Prometheus and blackbox_exporter: "(?i)" and other inline
 * flags, named groups "(?<name>…)" / "(?P<name>…)", counted repetition up to {1000}. What would
 * need backtracking (backreferences "\1", lookahead "(?=", "(?!", lookbehind) is refused when the
 * config is read, with the reason. A compiled program is limited to MAX_PATTERN_INSTRUCTIONS, which
 * bounds the cost per byte of text (docs/configuration.md, "Regexes").
 */
export const MAX_PATTERN_INSTRUCTIONS = 500;

/** What a compiled config pattern offers: the two operations the probes use. */
export interface ConfigPattern {
  /** True when the pattern matches anywhere in the text. */
  test(text: string): boolean;
  /** The first match with its named groups, or null. */
  exec(text: string): { groups?: Record<string, string | undefined> } | null;
}

/** RE2's complaint about a construct only a backtracking engine runs: "\1", "\k<…>", "(?=", "(?!", "(?<=", "(?<!". */
const BACKTRACKING_ONLY = /`(\\[1-9k]|\(\?[=!]|\(\?<[=!])/;

const compiled = new Map<string, ConfigPattern>();

/** Compiles a pattern that already passed `patternError` (config validation); throws otherwise. */
export function compilePattern(source: string): ConfigPattern {
  let re = compiled.get(source);
  if (!re) {
    const engine = RE2JS.compile(source);
    const instructions = engine.re2().numberOfInstructions() as number;
    if (instructions > MAX_PATTERN_INSTRUCTIONS) {
      throw new Error(
        `pattern too large: ${instructions} instructions once compiled, at most ${MAX_PATTERN_INSTRUCTIONS} (use fewer or smaller counted repetitions)`,
      );
    }
    re = {
      test: (text) => engine.test(text),
      exec: (text) => {
        const match = engine.exec(text) as ({ groups?: Record<string, string | undefined> } & unknown[]) | null;
        return match === null ? null : { groups: match.groups };
      },
    };
    compiled.set(source, re);
  }
  return re;
}

/**
 * The reason a pattern cannot be used, or undefined when it compiles: RE2's parser message
 * (e.g. "invalid or unsupported Perl syntax: `(?=`" for lookahead, "invalid escape sequence: `\1`"
 * for a backreference) or the size limit.
 */
export function patternError(source: string): string | undefined {
  try {
    compilePattern(source);
    return undefined;
  } catch (err) {
    const message = (err as Error).message.replace(/^error parsing regexp: /, "");
    return BACKTRACKING_ONLY.test(message) ? `${message} (RE2 syntax: no backreferences or lookaround, they need backtracking)` : message;
  }
}
