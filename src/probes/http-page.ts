import { exchange, type ExchangeRequest, type ExchangeResponse } from "./http-exchange.js";
import { ProbeFailure, type ProbeContext } from "./probe.js";
import { decideRedirect } from "./redirect-policy.js";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** What a page fetch is asked for: the first request and how redirects are followed. */
export interface PageRequest extends ExchangeRequest {
  maxRedirects: number;
  redirectKeepHeaders: string[];
  allowInsecureRedirect: boolean;
}

/** The answer at the end of the redirects, and the request that got it. */
export interface FetchedPage {
  url: URL;
  method: string;
  response: ExchangeResponse;
}

/**
 * One page, following redirects (up to maxRedirects; other origins lose the headers not kept, https
 * never goes to http unless allowed: redirect-policy.ts). A redirect the policy refuses, or one too
 * many, fails with reason "redirect".
 */
export async function fetchPage(req: PageRequest, ctx: ProbeContext): Promise<FetchedPage> {
  let url = req.url;
  let method = req.method;
  let body = req.body;
  let headers = req.headers;
  for (let hop = 0; ; hop++) {
    const response = await exchange({ url, method, headers, body, tls: req.tls, maxBodyBytes: req.maxBodyBytes, sourceAddress: req.sourceAddress }, ctx);
    ctx.note(`${method} ${url.href} -> ${response.status} (${response.body.length} bytes)`);
    const location = response.headers.location;
    if (req.maxRedirects > 0 && REDIRECTS.has(response.status) && location) {
      if (hop >= req.maxRedirects) {
        throw new ProbeFailure("redirect", `more than ${req.maxRedirects} redirects (last to ${location})`);
      }
      const next = locationUrl(location, url);
      const decision = decideRedirect(url, next, headers, { keepHeaders: req.redirectKeepHeaders, allowInsecure: req.allowInsecureRedirect });
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
    return { url, method, response };
  }
}

/** The URL a Location header points to (relative to the current one); a target-chosen value, so a bad one is a probe failure. */
function locationUrl(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new ProbeFailure("redirect", `redirect to an invalid Location ${JSON.stringify(location.slice(0, 200))}`);
  }
}
