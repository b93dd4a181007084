import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError } from "../src/config/errors.js";
import { parseConfig } from "../src/config/load.js";
import { Exporter } from "../src/exporter/exporter.js";
import { captureLogger } from "./support/capture-logger.js";
import { get, sample } from "./support/http.js";

/**
 * Which checks count for a service's availability (issue 12 item 2): the config's
 * `counts_for_availability`, exported as smt_check_info; the rules that read it are tested with promtool
 * in prometheus/tests/counting-checks.test.yml (run by test/prometheus-rules.test.ts).
 */
const ROOT = join(import.meta.dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "smt-counting-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (homeCounts: string) => `listen_address: "127.0.0.1:0"
location: austin
defaults: { interval: 24h }
checks:
  - name: gui_home
    service: gui
    kind: http
${homeCounts}    http: { url: "http://127.0.0.1:9/" }
  - name: api_token
    service: api
    kind: http
    http: { url: "http://127.0.0.1:9/token" }
`;

describe("counts_for_availability", () => {
  it("the exporter exports it per check as smt_check_info, and a reload that changes it replaces the series", async () => {
    const file = join(dir, "exporter.yaml");
    writeFileSync(file, config("    counts_for_availability: false\n"));
    // random 0.99: the first runs are due late in the 24 h interval, so no check runs during the test.
    const exporter = new Exporter({ configFile: file, logger: captureLogger().logger, clock: { now: Date.now, random: () => 0.99 } });
    const { port } = await exporter.start();
    try {
      const info = async () => {
        const text = (await get(`http://127.0.0.1:${port}/metrics`)).text;
        return text
          .split("\n")
          .filter((line) => line.startsWith("smt_check_info{"))
          .sort();
      };
      expect(await info()).toEqual([
        'smt_check_info{service="api",check="api_token",location="austin",counts_for_availability="true"} 1',
        'smt_check_info{service="gui",check="gui_home",location="austin",counts_for_availability="false"} 1',
      ]);

      writeFileSync(file, config(""));
      expect(await exporter.reload()).toEqual({ ok: true });
      expect(await info()).toEqual([
        'smt_check_info{service="api",check="api_token",location="austin",counts_for_availability="true"} 1',
        'smt_check_info{service="gui",check="gui_home",location="austin",counts_for_availability="true"} 1',
      ]);
      const text = (await get(`http://127.0.0.1:${port}/metrics`)).text;
      expect(sample(text, "smt_check_info", { check: "gui_home", counts_for_availability: "false" })).toBeUndefined();
    } finally {
      await exporter.stop();
    }
  });

  it("a value that is not true or false is a config problem naming the line and the field", () => {
    let message = "";
    try {
      parseConfig(config("    counts_for_availability: sometimes\n"), "smt.yaml", {});
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      message = err.message;
    }
    expect(message).toBe('smt.yaml:8:30: checks[0].counts_for_availability: expected true or false, got a string ("sometimes")');
  });

  it("the example config counts the logged-in browser check for the GUI, not the homepage check", () => {
    const example = parse(readFileSync(join(ROOT, "config", "smt-monitor.example.yaml"), "utf8")) as {
      checks: { name: string; service: string; kind: string; counts_for_availability?: boolean }[];
    };
    const gui = example.checks.filter((c) => c.service === "gui");
    const counting = gui.filter((c) => c.counts_for_availability !== false);
    expect(counting.map((c) => c.kind)).toEqual(["browser"]);
    expect(gui.find((c) => c.name === "gui_home")?.counts_for_availability).toBe(false);
  });
});
