import type { ResolvedCheck } from "../config/load.js";
import { compilePattern } from "../config/pattern.js";
import type { BrowserStep } from "../config/browser-settings-schema.js";
import { formatByteLimit } from "../config/byte-count.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";
import { secretRedactor } from "../secrets/redactor.js";
import { evidencePaths, keepEvidence } from "./browser-evidence.js";
import { firstLine, REQUEST_ABORTED, StepError, type BrowserSession, type PageEvents } from "./browser-driver.js";
import { browserDriver, browserPages, finishBeforeClose } from "./browser-pool.js";
import { ProbeFailure, type Prober, type ProbeContext } from "./probe.js";
import { expandTemplate } from "./template.js";
import { navigationTimingOf, NavigationTimingRecorder, type NavigationTiming } from "./navigation-timing.js";
import { armTimer } from "../scheduler/timer.js";

type BrowserCheck = Extract<ResolvedCheck, { kind: "browser" }>;

/** The console log of a failure keeps at most this many lines (a page that logs in a loop). */
const TRANSCRIPT_MAX_LINES = 1000;

/** How long the screenshot of a failure may take (inside the check's timeout, except after a timeout; a busy machine needs seconds). */
const EVIDENCE_SCREENSHOT_TIMEOUT_MS = 5_000;

/**
 * How long reading the page's Navigation Timing after a step may take (a page busy navigating answers late: skipped,
 * read again after the next step). 1 s lost every read of a click's document on a machine at load 10-20 (CI).
 */
const NAVIGATION_TIMING_READ_TIMEOUT_MS = 3_000;

/** Chromium's console line for a failed subresource: a request failure, reported as such, not a script error. */
const RESOURCE_CONSOLE_LINE = /^Failed to load resource\b/;

/**
 * The `kind: browser` check: a real browser (one process per kind, shared; a fresh context per run; at most
 * BROWSER_MAX_PAGES pages at once) runs the steps in order. Each step's time is the phase named after it. The
 * run fails on the first of: a navigation that fails or answers 4xx/5xx (browser_navigation), an uncaught
 * exception or console error not allowed by allowed_script_errors (browser_script_error), a same-origin request
 * that fails or answers 5xx (browser_request_failed), a step whose selector or text is not found
 * (browser_step, naming the step). Values typed by `fill` are secrets: never in notes or messages.
 */
export const probeBrowser: Prober<BrowserCheck> = async (check, ctx) => {
  await browserPages.acquire();
  if (ctx.signal.aborted) {
    browserPages.release();
    return;
  }
  try {
    await runSteps(check, ctx);
  } finally {
    browserPages.release();
  }
};

async function runSteps(check: BrowserCheck, ctx: ProbeContext): Promise<void> {
  const b = check.browser;
  const origins = new Set(b.steps.flatMap((s) => ("goto" in s ? [new URL(s.goto).origin] : [])));
  const sameOrigin = (url: string) => URL.canParse(url) && origins.has(new URL(url).origin);
  const allowed = b.allowed_script_errors.map(compilePattern);
  let raise!: (failure: ProbeFailure) => void;
  let raised = false;
  const problem = new Promise<never>((_, reject) => {
    raise = (failure) => {
      if (raised) return;
      raised = true;
      reject(failure);
    };
  });
  problem.catch(() => {});
  // The page's console log for the evidence of a failure: every message, error and failed request, timed.
  const started = performance.now();
  const transcript: string[] = [];
  const record = (line: string) => {
    if (transcript.length < TRANSCRIPT_MAX_LINES) transcript.push(`+${((performance.now() - started) / 1000).toFixed(3)} s ${firstLine(line)}`);
  };
  const scriptError = (what: string, text: string) => {
    if (allowed.some((p) => p.test(text))) return ctx.note(`allowed ${what}: ${firstLine(text)}`);
    raise(new ProbeFailure("browser_script_error", `${what}: ${firstLine(text)}`));
  };
  const events: PageEvents = {
    pageError: (message) => {
      record(`uncaught exception: ${message}`);
      scriptError("uncaught exception", message);
    },
    console: (type, text) => {
      record(`console.${type}: ${text}`);
      if (type === "error" && !RESOURCE_CONSOLE_LINE.test(text)) scriptError("console error", text);
    },
    response: (url, status, document) => {
      if (status >= 400) record(`${document ? "page" : "request"} ${pathOf(url)} answered ${status}`);
      if (status < 500 || !sameOrigin(url)) return;
      const where = pathOf(url);
      if (document) raise(new ProbeFailure("browser_navigation", `${where} answered ${status}`));
      else raise(new ProbeFailure("browser_request_failed", `${where} answered ${status}`));
    },
    requestFailed: (url, reason, document) => {
      record(`${document ? "page" : "request"} ${pathOf(url)} failed: ${reason}`);
      // A request the page gave up on (a navigation away) is not the site's failure.
      if (document || reason === REQUEST_ABORTED || !sameOrigin(url)) return;
      raise(new ProbeFailure("browser_request_failed", `${pathOf(url)} failed: ${reason}`));
    },
  };

  let session: BrowserSession;
  try {
    session = await browserDriver(b.browser).openSession({ ignoreHttpsErrors: b.insecure_skip_verify, events });
  } catch (err) {
    // The monitor's own browser, not the site: never charged as one of the site's reasons.
    throw new ProbeFailure("internal", `cannot open a page in ${b.browser}: ${firstLine((err as Error).message)}`);
  }
  const evidence = ctx.evidenceDir === undefined ? undefined : evidencePaths(ctx.evidenceDir, check.name, b.browser);
  const filled = b.steps.flatMap((s) => ("fill" in s ? [s.fill] : []));
  const secrets = Object.values(check.secrets);
  /** Keeps the screenshot and console log of this failure (never failing the run itself: a note says why not). */
  const keep = async (failure: string) => {
    if (!evidence) return;
    ctx.facts.browserEvidence = evidence;
    let screenshot: Uint8Array | undefined;
    try {
      screenshot = await session.screenshot(filled, EVIDENCE_SCREENSHOT_TIMEOUT_MS);
    } catch (err) {
      record(`no screenshot: ${firstLine((err as Error).message)}`);
    }
    const lines = [`check ${check.name} in ${b.browser}: ${failure}`, ...transcript].map((line) => scrub(line, secrets));
    try {
      await keepEvidence(evidence, screenshot, `${lines.join("\n")}\n`);
    } catch (err) {
      ctx.note(`evidence not kept: ${firstLine((err as Error).message)}`);
    }
  };
  // At the timeout the run's result is already out: the evidence is taken before the page closes, just after it.
  const closeOnAbort = () => finishBeforeClose(keep(`timed out after ${check.timeoutMs / 1000} s`).finally(() => session.close()));
  ctx.signal.addEventListener("abort", closeOnAbort, { once: true });
  const scope = { secret: check.secrets, vars: {}, now: ctx.now(), zone: CENTRAL_TIME_ZONE };
  const timing = new NavigationTimingRecorder(ctx.phases);
  try {
    for (const step of b.steps) {
      const start = performance.now();
      try {
        await Promise.race([runStep(session, step, b.step_timeout, check.timeoutMs, scope, ctx), problem]);
        ctx.phases[step.name] = (performance.now() - start) / 1000;
        if (timing.wantsReadAfter(step)) timing.observe(await navigationTiming(session, ctx.note));
      } catch (err) {
        if (ctx.signal.aborted) throw new ProbeFailure("timeout", `step ${step.name} did not finish`);
        const failure = err instanceof ProbeFailure ? new ProbeFailure(err.reason, `step ${step.name}: ${err.message}`) : err;
        if (failure instanceof ProbeFailure) {
          ctx.signal.removeEventListener("abort", closeOnAbort);
          await keep(`${failure.reason}: ${failure.message}`);
        }
        throw failure;
      } finally {
        ctx.phases[step.name] ??= (performance.now() - start) / 1000;
      }
    }
    // A load event after the last step that loaded a document (a click's navigation goes on after the click).
    timing.observe(await navigationTiming(session, ctx.note));
  } finally {
    ctx.signal.removeEventListener("abort", closeOnAbort);
    await session.close().catch(() => {});
  }
}

async function runStep(
  session: BrowserSession,
  step: BrowserStep,
  stepTimeoutMs: number,
  checkTimeoutMs: number,
  scope: Parameters<typeof expandTemplate>[1],
  ctx: ProbeContext,
): Promise<void> {
  try {
    if ("goto" in step) {
      let status: number | undefined;
      try {
        status = await session.goto(step.goto, checkTimeoutMs);
      } catch (err) {
        throw new ProbeFailure("browser_navigation", `${pathOf(step.goto)}: ${firstLine((err as Error).message)}`);
      }
      ctx.note(`step ${step.name}: goto ${pathOf(step.goto)} -> ${status ?? "no document"}`);
      if (status !== undefined && status >= 400) throw new ProbeFailure("browser_navigation", `${pathOf(step.goto)} answered ${status}`);
    } else if ("fill" in step) {
      await session.fill(step.fill, expandTemplate(step.value, scope), stepTimeoutMs);
      ctx.note(`step ${step.name}: filled ${step.fill}`);
    } else if ("click" in step) {
      await session.click(step.click, stepTimeoutMs);
      ctx.note(`step ${step.name}: clicked ${step.click}`);
    } else if ("wait_for" in step) {
      if (step.wait_for.selector !== undefined) await session.waitForSelector(step.wait_for.selector, stepTimeoutMs);
      else await session.waitForText(step.wait_for.text!, stepTimeoutMs);
      ctx.note(`step ${step.name}: found ${step.wait_for.selector ?? JSON.stringify(step.wait_for.text)}`);
    } else if ("download" in step) {
      const got = await session.download(step.download, step.max_bytes, stepTimeoutMs);
      if ("error" in got) throw new ProbeFailure("browser_step", `download ${step.download}: ${got.error}`);
      const what = `the download of ${pathOf(got.url)}`;
      if (got.status < 200 || got.status > 299) throw new ProbeFailure("browser_step", `${what} answered ${got.status}`);
      if (got.overLimit) throw new ProbeFailure("browser_step", `${what} is larger than max_bytes (${formatByteLimit(step.max_bytes)})`);
      if (got.bytes === 0) throw new ProbeFailure("browser_step", `${what} is empty`);
      ctx.note(`step ${step.name}: downloaded ${pathOf(got.url)}: ${got.bytes} bytes of ${got.contentType || "no content type"}`);
    } else {
      const expected = "expect_text" in step;
      const text = expected ? step.expect_text : step.expect_no_text;
      const shown = (await session.bodyText()).includes(text);
      if (shown !== expected) throw new ProbeFailure("browser_step", `the page ${expected ? "does not show" : "shows"} ${JSON.stringify(text)}`);
      ctx.note(`step ${step.name}: the page ${expected ? "shows" : "does not show"} ${JSON.stringify(text)}`);
    }
  } catch (err) {
    if (err instanceof StepError) throw new ProbeFailure("browser_step", err.message);
    throw err;
  }
}

/**
 * The page's Navigation Timing now, or undefined when it cannot be read in time (never failing the run;
 * the probe's log says why).
 */
async function navigationTiming(session: BrowserSession, note: (line: string) => void): Promise<NavigationTiming | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>(
    (resolve) => (timer = armTimer(NAVIGATION_TIMING_READ_TIMEOUT_MS, () => resolve(`not read within ${NAVIGATION_TIMING_READ_TIMEOUT_MS / 1000} s`))),
  );
  try {
    const read = session.navigationTiming().then(
      (value) => ({ value }),
      (err: unknown) => firstLine((err as Error).message),
    );
    const outcome = await Promise.race([read, late]);
    if (typeof outcome === "string") {
      note(`navigation timing: ${outcome}`);
      return undefined;
    }
    return navigationTimingOf(outcome.value);
  } finally {
    clearTimeout(timer);
  }
}

/** The typed values and other secrets out of a line of evidence, and every secret the process knows. */
function scrub(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join("<redacted>");
  return secretRedactor.redact(out);
}

/** A URL without its query (which may carry tokens): origin and path. */
function pathOf(url: string): string {
  if (!URL.canParse(url)) return "(an unparsable URL)";
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}
