// CPU time of one body check: the demo GUI check's four patterns (one body_must_match, three
// body_must_not_match) on the portal's 440-byte page and on a 1 MiB HTML page, with the engine the
// probes use (RE2 through re2js, src/config/pattern.ts) and, for comparison, JavaScript's own
// backtracking RegExp; then the adversarial case of issue 16 (^(a+)+$ on "a…a!"). Single-threaded,
// in this process; the median of `--runs` timed runs after warm-up.
//
//   npm run build && node bench/pattern-cost.mjs [--runs 50]
import { compilePattern } from "../dist/config/pattern.js";
import * as L from "./lib.mjs";

const opts = L.parseArgs({ runs: 50 });
const PATTERNS = ["Smart Meter Texas", "Access Denied", "(?i)scheduled maintenance", "(?i)currently unavailable"];
const PORTAL = `<!doctype html><html><head><title>Smart Meter Texas</title></head>
<body><header><h1>Smart Meter Texas</h1></header><main><p>Welcome. Log in to see your usage.</p></main>
<footer>Smart Meter Texas Support: 1-844-217-8595</footer></body></html>`;
const row = (i) => `<tr class="reading r${i}"><td>ESIID 1044372000${String(i).padStart(7, "0")}</td><td>${(i % 97) / 10} kWh</td><td>Actual</td></tr>\n`;
let big = "<!doctype html><html><head><title>Smart Meter Texas</title></head><body><table>\n";
for (let i = 0; big.length < 1 << 20; i++) big += row(i);
big = `${big.slice(0, (1 << 20) - 40)}</table>Smart Meter Texas</body></html>`;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(fn, runs) {
  for (let i = 0; i < 5; i++) fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1000);
  }
  return median(samples);
}
const re2 = PATTERNS.map((p) => compilePattern(p));
const js = PATTERNS.map((p) => (p.startsWith("(?i)") ? new RegExp(p.slice(4), "i") : new RegExp(p)));
const check = (engines, body) => () => engines.forEach((e) => e.test(body));

console.log(`body check of the demo GUI check (${PATTERNS.length} patterns), CPU-ms, median of ${opts.runs}:`);
for (const [name, body] of [
  ["portal page, 440 B", PORTAL],
  ["HTML page, 1 MiB", big],
]) {
  const runs = body.length > 10_000 ? Math.min(opts.runs, 20) : opts.runs * 100;
  console.log(`  ${name.padEnd(20)} re2js ${time(check(re2, body), runs).toFixed(3)}   JavaScript RegExp ${time(check(js, body), runs).toFixed(3)}`);
}
const hostile = compilePattern("^(a+)+$");
for (const n of [40, 1 << 20]) {
  const body = `${"a".repeat(n)}!`;
  console.log(`  ^(a+)+$ on ${n} x "a" + "!": re2js ${time(() => hostile.test(body), 5).toFixed(3)} CPU-ms (JavaScript RegExp: 2^${n} steps, never ends)`);
}
// The worst found within the limit of 500 compiled instructions, on a body made to keep many states
// alive: the first run builds re2js's DFA cache (the cost a target can make a fresh pattern pay),
// later runs reuse it.
const letters = "abcdefghij klmnopqrstuvwxyz\n";
let text = "";
for (let i = 0; text.length < 1 << 20; i++) text += letters[(i * 7919) % letters.length];
const worst = compilePattern("(?i)(\\w+\\s*){1,70}[0-9]");
const cold = process.cpuUsage();
worst.test(text);
const coldUsed = process.cpuUsage(cold);
const coldMs = (coldUsed.user + coldUsed.system) / 1000;
console.log(
  `  (?i)(\\w+\\s*){1,70}[0-9] (492 instructions) on 1 MiB of letters: re2js first run ${coldMs.toFixed(0)} CPU-ms, then ${time(() => worst.test(text), 3).toFixed(1)}`,
);
