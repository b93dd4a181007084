import { LineCounter, parseDocument, isNode, type Document } from "yaml";
import type { ConfigProblem } from "./errors.js";

/** A parsed YAML file that can tell the line and column of any field path. */
export class YamlSource {
  private constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
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
    return { source: new YamlSource(doc, lines), problems: [] };
  }

  value(): unknown {
    return this.doc.toJS() ?? {};
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
