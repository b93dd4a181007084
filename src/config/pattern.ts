/**
 * Regexes written in config. A leading "(?i)" (the Go / Prometheus spelling) is accepted and
 * turned into JavaScript's "i" flag, so patterns copied from blackbox_exporter keep working.
 */
const compiled = new Map<string, RegExp>();

export function compilePattern(source: string): RegExp {
  let re = compiled.get(source);
  if (!re) {
    re = source.startsWith("(?i)") ? new RegExp(source.slice(4), "i") : new RegExp(source);
    compiled.set(source, re);
  }
  return re;
}

/** The error message for an invalid pattern, or undefined when it compiles. */
export function patternError(source: string): string | undefined {
  try {
    compilePattern(source);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
