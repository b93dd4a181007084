import type { ResolvedCheck } from "../config/load.js";
import { exchange } from "./http-exchange.js";
import { basicAuthHeader, expectBody, expectStatus } from "./http-checks.js";
import { ProbeFailure, type Prober } from "./probe.js";
import { decideRedirect } from "./redirect-policy.js";

type HttpCheck = Extract<ResolvedCheck, { kind: "http" }>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The `http` kind: one page (the GUI home page, a health URL), following redirects, checking the body. */
export const probeHttp: Prober<HttpCheck> = async (check, ctx) => {
  const settings = check.http;
  let url = new URL(settings.url);
  let method: string = settings.method;
  let body = settings.body === undefined ? undefined : Buffer.from(settings.body);
  let headers: Record<string, string> = { ...settings.headers };
  if (settings.basic_auth) {
    headers.Authorization = basicAuthHeader(settings.basic_auth.username, check.secrets.basic_auth_password ?? "");
  }

  for (let hop = 0; ; hop++) {
    const response = await exchange({ url, method, headers, body, tls: check.tls, maxBodyBytes: settings.max_body_bytes }, ctx);
    ctx.note(`${method} ${url.href} -> ${response.status} (${response.body.length} bytes)`);
    const location = response.headers.location;
    if (settings.max_redirects > 0 && REDIRECTS.has(response.status) && location) {
      if (hop >= settings.max_redirects) {
        throw new ProbeFailure("redirect", `more than ${settings.max_redirects} redirects (last to ${location})`);
      }
      const next = locationUrl(location, url);
      const decision = decideRedirect(url, next, headers, {
        keepHeaders: settings.redirect_keep_headers,
        allowInsecure: settings.allow_insecure_redirect,
      });
      if (!decision.follow) throw new ProbeFailure("redirect", decision.refusal);
      if (decision.dropped.length > 0) ctx.note(`redirect to ${next.origin}: not sending ${decision.dropped.join(", ")} (another origin)`);
      headers = decision.headers;
      url = next;
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
      }
      continue;
    }
    expectStatus(response.status, settings.valid_status_codes, `${method} ${url.pathname}`);
    expectBody(response.body.toString("utf8"), settings.body_must_match, settings.body_must_not_match, `${method} ${url.pathname}`);
    return;
  }
};

/** The URL a Location header points to (relative to the current one); a target-chosen value, so a bad one is a probe failure. */
function locationUrl(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new ProbeFailure("redirect", `redirect to an invalid Location ${JSON.stringify(location.slice(0, 200))}`);
  }
}
