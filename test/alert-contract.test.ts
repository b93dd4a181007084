import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { NOTICE_SIGNAL_LABELS, NOTICE_SIGNALS, NOTICE_TEXT_ANNOTATIONS } from "../src/notices/alert-signal.js";
import { ALERT_ANNOTATIONS, ALERT_LABELS, ALERT_NAME_PATTERN, ALERT_NAME_PREFIX, ALERT_NAMES, NOTICE_ALERT_NAMES } from "../src/rules/alert-contract.js";

/**
 * The contract between the rules and their readers (src/rules/alert-contract.ts), checked against
 * the files Prometheus and Alertmanager really load: a rename on one side fails here or in the build.
 */
const root = join(import.meta.dirname, "..");

interface AlertRuleYaml {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
function alertRules(file: string): AlertRuleYaml[] {
  const doc = parse(readFileSync(file, "utf8")) as { groups: { rules: (AlertRuleYaml | { record: string })[] }[] };
  return doc.groups.flatMap((g) => g.rules).filter((r): r is AlertRuleYaml => "alert" in r);
}
const generatedDir = join(root, "prometheus", "rules");
const generated = readdirSync(generatedDir)
  .filter((f) => f.endsWith(".yml"))
  .flatMap((f) => alertRules(join(generatedDir, f)));
const handWritten = alertRules(join(root, "prometheus", "notices", "smt-notices.rules.yml"));
const allRules = [...generated, ...handWritten];
const contractAnnotations: readonly string[] = Object.values(ALERT_ANNOTATIONS);
const contractLabels: readonly string[] = Object.values(ALERT_LABELS);

describe("the alert contract and the rule files under prometheus/", () => {
  it("the generated rules produce exactly the alerts of ALERT_NAMES, the hand-written ones those of NOTICE_ALERT_NAMES", () => {
    expect(generated.map((r) => r.alert).sort()).toEqual(Object.values(ALERT_NAMES).sort());
    expect(handWritten.map((r) => r.alert).sort()).toEqual(Object.values(NOTICE_ALERT_NAMES).sort());
  });

  it("every alert name starts with the prefix Alertmanager and the dashboards match", () => {
    for (const r of allRules) expect(r.alert, r.alert).toMatch(new RegExp(`^(?:${ALERT_NAME_PATTERN})$`));
    expect(ALERT_NAME_PATTERN.startsWith(ALERT_NAME_PREFIX)).toBe(true);
  });

  it("every annotation key and label name in the rule files is one the contract names", () => {
    for (const r of allRules) {
      for (const key of Object.keys(r.annotations ?? {})) expect(contractAnnotations, `${r.alert} annotation ${key}`).toContain(key);
      for (const key of Object.keys(r.labels ?? {})) expect(contractLabels, `${r.alert} label ${key}`).toContain(key);
      expect(Object.keys(r.annotations ?? {}), r.alert).toEqual(
        expect.arrayContaining([ALERT_ANNOTATIONS.summary, ALERT_ANNOTATIONS.description, ALERT_ANNOTATIONS.runbookUrl]),
      );
    }
  });

  it("every alert the notifier drafts notices for is produced, with the annotations and the labels the notifier reads", () => {
    const signals = Object.entries(NOTICE_SIGNALS);
    expect(signals.length).toBeGreaterThan(0);
    for (const [alertname, signal] of signals) {
      const rule = generated.find((r) => r.alert === alertname);
      expect(rule, `the notifier reads ${alertname}, which no rule under prometheus/rules/ produces`).toBeDefined();
      const annotations = Object.keys(rule!.annotations ?? {});
      expect(annotations, alertname).toContain(signal.startAnnotation);
      for (const key of Object.values(NOTICE_TEXT_ANNOTATIONS)) expect(annotations, alertname).toContain(key);
      // The start annotation holds whole Unix seconds of the alert's value.
      expect(rule!.annotations![signal.startAnnotation]).toBe('{{ printf "%.0f" $value }}');
      // The labels the notifier reads are the alert's (the expression keeps them; its summary names them).
      for (const label of NOTICE_SIGNAL_LABELS) {
        expect(rule!.expr, `${alertname} keeps label ${label}`).toMatch(new RegExp(`\\bon \\(${label}\\)`));
        expect(rule!.annotations![ALERT_ANNOTATIONS.summary], alertname).toContain(`$labels.${label}`);
      }
    }
  });
});

describe("alertmanager/alertmanager.yml (hand-written) and the contract", () => {
  interface Route {
    receiver?: string;
    matchers?: string[];
    group_by?: string[];
    routes?: Route[];
  }
  const config = parse(readFileSync(join(root, "alertmanager", "alertmanager.yml"), "utf8")) as { route: Route };
  const routes: Route[] = [];
  const walk = (r: Route) => {
    routes.push(r);
    for (const child of r.routes ?? []) walk(child);
  };
  walk(config.route);
  const matcher = (text: string) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/.exec(text);
    if (!m) throw new Error(`cannot read matcher ${text}`);
    return { label: m[1]!, op: m[2]!, value: m[3]! };
  };
  const every = [...Object.values(ALERT_NAMES), ...Object.values(NOTICE_ALERT_NAMES)];

  it("every alertname it names is one the rules export, and every exported alert matches the notifier's route", () => {
    const notifierRoute = routes.find((r) => r.receiver === "smt-notifier");
    expect(notifierRoute).toBeDefined();
    for (const r of routes) {
      for (const m of (r.matchers ?? []).map(matcher).filter((x) => x.label === ALERT_LABELS.alertname)) {
        if (m.op === "=" || m.op === "!=") expect(every, `matcher ${m.label}${m.op}"${m.value}"`).toContain(m.value);
        else
          expect(
            every.some((name) => new RegExp(`^(?:${m.value})$`).test(name)),
            `matcher ${m.label}${m.op}"${m.value}" matches no exported alert`,
          ).toBe(true);
      }
    }
    const alertnameMatchers = (notifierRoute!.matchers ?? []).map(matcher).filter((m) => m.label === ALERT_LABELS.alertname);
    expect(alertnameMatchers.length).toBeGreaterThan(0);
    for (const name of every) {
      for (const m of alertnameMatchers) {
        const matches = m.op === "=" ? name === m.value : m.op === "!=" ? name !== m.value : new RegExp(`^(?:${m.value})$`).test(name) === (m.op === "=~");
        expect(matches, `${name} against ${m.label}${m.op}"${m.value}"`).toBe(true);
      }
    }
  });

  it("groups only by labels the alerts carry", () => {
    for (const r of routes) for (const label of r.group_by ?? []) expect(contractLabels, `group_by ${label}`).toContain(label);
  });
});

describe("src/ names the contract's strings once", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const path = join(dir, f);
      return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
    });
  const sources = files(join(root, "src")).map((path) => ({ path: relative(root, path), text: readFileSync(path, "utf8") }));
  const owner = "src/rules/alert-contract.ts";
  const specificAnnotations = [
    ALERT_ANNOTATIONS.outageStartTimestamp,
    ALERT_ANNOTATIONS.outageStartCentral,
    ALERT_ANNOTATIONS.windowEndTimestamp,
    ALERT_ANNOTATIONS.windowEndCentral,
  ];

  it(`no source file but ${owner} spells an alert name or an alert-specific annotation key as a string`, () => {
    const quoted = new RegExp(`["'](?:${ALERT_NAME_PREFIX}[A-Z][A-Za-z]+|${specificAnnotations.join("|")})["']`, "g");
    const found = sources.filter((s) => s.path !== owner).flatMap((s) => (s.text.match(quoted) ?? []).map((m) => `${s.path}: ${m}`));
    expect(found).toEqual([]);
  });

  it("no code line (comments aside) but the contract's names an alert in text either (help, descriptions, log lines)", () => {
    const name = new RegExp(`\\b${ALERT_NAME_PREFIX}[A-Z][a-z][A-Za-z]+`);
    const found = sources
      .filter((s) => s.path !== owner)
      .flatMap((s) =>
        s.text.split("\n").flatMap((line, i) => (!/^\s*(\/\/|\/?\*)/.test(line) && name.test(line) ? [`${s.path}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(found).toEqual([]);
  });
});
