import { LineCounter, parseDocument, isNode, type Document } from "yaml";
import type { ConfigProblem } from "./errors.js";

/**
 * How many alias expansions (`*name`) a config may make: the yaml package counts each expansion
 * weighted by the aliases inside what it expands, so nested aliases ("billion laughs") are stopped
 * after a few hundred nodes instead of expanding to gigabytes. A config that reuses an anchor
 * (`<<: *defaults`) a few dozen times stays well below it.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

/** A parsed YAML file that can tell the line and column of any field path. */
export class YamlSource {
  private constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly content: unknown,
  ) {}

  static parse(text: string): { source?: YamlSource; problems: ConfigProblem[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return {
        problems: doc.errors.map((e) => {
          const pos = e.linePos?.[0];
          return { path: [], message: `invalid YAML: ${e.message.split("\n")[0]}`, line: pos?.line, column: pos?.col };
        }),
      };
    }
    let content: unknown;
    try {
      content = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
    } catch (err) {
      // The yaml package throws a ReferenceError when the alias expansions pass the limit.
      if (!(err instanceof ReferenceError)) throw err;
      return {
        problems: [
          {
            path: [],
            message: `invalid YAML: too many alias expansions (more than ${MAX_YAML_ALIAS_COUNT}; nested anchors and aliases expand exponentially): write the values out`,
          },
        ],
      };
    }
    return { source: new YamlSource(doc, lines, content), problems: [] };
  }

  value(): unknown {
    return this.content ?? {};
  }

  /** The position of the deepest node that exists along the path. */
  locate(path: readonly (string | number | symbol)[]): { line?: number; column?: number } {
    const keys = path.filter((p): p is string | number => typeof p !== "symbol");
    for (let n = keys.length; n >= 0; n--) {
      const node = n === 0 ? this.doc.contents : this.doc.getIn(keys.slice(0, n), true);
      if (isNode(node) && node.range) {
        const pos = this.lines.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return {};
  }
}
