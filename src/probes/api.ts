import type { ResolvedCheck } from "../config/load.js";
import { exchange, type ExchangeResponse } from "./http-exchange.js";
import { basicAuthHeader, expectBody, expectStatus, hasHeader } from "./http-checks.js";
import { checkAssertion } from "./json-assertion.js";
import { readJsonPath } from "./json-path.js";
import { ProbeFailure, type Prober, type ProbeContext } from "./probe.js";
import { expandJson, expandTemplate, type TemplateScope } from "./template.js";
import { CENTRAL_TIME_ZONE } from "../maintenance/central-time.js";

type ApiCheck = Extract<ResolvedCheck, { kind: "api" }>;

/**
 * The `api` kind: ordered HTTP steps (SMT's `POST /v2/token/`, then a data request with the bearer
 * token). Each step's time is the phase named after the step. Values a step extracts are treated
 * as secrets: they never appear in the probe's messages.
 */
export const probeApi: Prober<ApiCheck> = async (check, ctx) => {
  await runApiSteps(check, ctx);
};

/**
 * Runs the steps of an `api` settings block (templates, basic auth, status, body patterns,
 * assertions, extraction, each over a fresh connection) and returns the last step's answer, whose
 * body the energy-data checks and the figure sources read. `rewriteJson` changes a step's JSON body
 * before templates are expanded (e.g. to insert the canary ESIIDs).
 */
export async function runApiSteps(check: ApiCheck, ctx: ProbeContext, rewriteJson: (json: unknown) => unknown = (j) => j): Promise<ExchangeResponse> {
  const scope: TemplateScope = { secret: check.secrets, vars: {}, now: ctx.now(), zone: CENTRAL_TIME_ZONE };
  let last: ExchangeResponse | undefined;
  try {
    for (const step of check.api.steps) {
      const start = performance.now();
      try {
        last = await runStep(check, step, scope, { ...ctx, phases: {} }, rewriteJson);
      } finally {
        ctx.phases[step.name] = (performance.now() - start) / 1000;
      }
    }
  } catch (err) {
    if (err instanceof ProbeFailure) throw new ProbeFailure(err.reason, hideValues(err.message, scope.vars));
    throw err;
  }
  return last!;
}

async function runStep(
  check: ApiCheck,
  step: ApiCheck["api"]["steps"][number],
  scope: TemplateScope,
  ctx: ProbeContext,
  rewriteJson: (json: unknown) => unknown,
): Promise<ExchangeResponse> {
  const url = new URL(expandTemplate(step.url, scope));
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(step.headers)) headers[key] = expandTemplate(value, scope);
  let body: Buffer | undefined;
  if (step.json !== undefined) {
    body = Buffer.from(JSON.stringify(expandJson(rewriteJson(step.json), scope)));
    if (!hasHeader(headers, "content-type")) headers["Content-Type"] = "application/json";
  } else if (step.body !== undefined) {
    body = Buffer.from(expandTemplate(step.body, scope));
  }
  // A step that sets its own Authorization (any case: e.g. a bearer token from an earlier step) keeps it.
  if (check.api.basic_auth && !hasHeader(headers, "authorization")) {
    headers.Authorization = basicAuthHeader(check.api.basic_auth.username, check.secrets.basic_auth_password ?? "");
  }

  const what = `step ${step.name}`;
  const response = await exchange(
    { url, method: step.method, headers, body, tls: check.tls, maxBodyBytes: step.max_body_bytes, sourceAddress: check.sourceAddress },
    ctx,
  );
  ctx.note(`${what}: ${step.method} ${url.origin}${url.pathname} -> ${response.status} (${response.body.length} bytes)`);
  expectStatus(response.status, step.valid_status_codes, what);
  const text = response.body.toString("utf8");
  expectBody(text, step.body_must_match, step.body_must_not_match, what);
  if (step.assert.length === 0 && Object.keys(step.extract).length === 0) return response;

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const type = String(response.headers["content-type"] ?? "no content type");
    throw new ProbeFailure("body_mismatch", `${what}: expected a JSON body, got ${type}: ${JSON.stringify(text.slice(0, 80))}`);
  }
  for (const assertion of step.assert) {
    const problem = checkAssertion(json, assertion);
    if (problem) throw new ProbeFailure("json_assertion", `${what}: ${problem}`);
  }
  for (const [name, path] of Object.entries(step.extract)) {
    const value = readJsonPath(json, path);
    if (value === undefined || value === null || typeof value === "object") {
      throw new ProbeFailure("json_assertion", `${what}: cannot extract ${name}: no scalar at ${path}`);
    }
    scope.vars[name] = String(value);
  }
  return response;
}

function hideValues(message: string, vars: Record<string, string>): string {
  let out = message;
  for (const value of Object.values(vars)) if (value.length >= 4) out = out.split(value).join("<redacted>");
  return out;
}
