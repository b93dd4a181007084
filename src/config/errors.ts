/** One problem in a config file: where it is and what was expected. */
export interface ConfigProblem {
  path: (string | number)[];
  message: string;
  line?: number;
  column?: number;
}

export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "(top level)" : out;
}

/** A config the user can fix: names the file, the field and what was expected. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join("\n"));
    this.name = "ConfigError";
  }
}

export function formatProblem(file: string, p: ConfigProblem): string {
  const where = p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1}` : file;
  return `${where}: ${formatPath(p.path)}: ${p.message}`;
}

/** A warning about a config that loads: `FILE:LINE:COLUMN: warning: field.path: message`. */
export function formatWarning(file: string, p: ConfigProblem): string {
  const where = p.line !== undefined ? `${file}:${p.line}:${p.column ?? 1}` : file;
  return `${where}: warning: ${formatPath(p.path)}: ${p.message}`;
}
