import type { ResolvedCheck } from "../config/load.js";
import { compilePattern } from "../config/pattern.js";
import type { OutageMessageSettings } from "../config/schema.js";
import { fetchPage } from "./http-page.js";
import type { ProbeContext } from "./probe.js";

type HttpCheck = Extract<ResolvedCheck, { kind: "http" }>;

/**
 * Whether the homepage shows the outage message (seed 3.3), noted in ctx.facts.outageMessageShown:
 * true or false when the homepage answered (any status: an error page can carry the message), left
 * undefined when it did not (refused, timed out, a body over the limit), since then nobody sees any
 * page. The page is the check's own answer after redirects, or `url` fetched once (GET, no
 * headers or credentials of the check, its TLS settings and redirect limits, its own phase
 * timings so the check's stay the check's). Never fails the check: availability is the check's
 * result alone. The pattern runs on RE2 (config/pattern.ts): linear in the body, whatever the regex.
 */
export async function observeOutageMessage(check: HttpCheck, message: OutageMessageSettings, ownPage: Buffer | undefined, ctx: ProbeContext): Promise<void> {
  let body = ownPage;
  if (message.url !== undefined) {
    try {
      const page = await fetchPage(
        {
          url: new URL(message.url),
          method: "GET",
          headers: {},
          tls: check.tls,
          sourceAddress: check.sourceAddress,
          maxBodyBytes: message.max_body_bytes ?? check.http.max_body_bytes,
          maxRedirects: check.http.max_redirects,
          redirectKeepHeaders: [],
          allowInsecureRedirect: check.http.allow_insecure_redirect,
        },
        { ...ctx, phases: {} },
      );
      body = page.response.body;
    } catch (err) {
      ctx.note(`outage message: the homepage ${message.url} did not answer (${(err as Error).message})`);
      return;
    }
  }
  if (body === undefined) return;
  const shown = compilePattern(message.pattern).test(body.toString("utf8"));
  ctx.facts.outageMessageShown = shown;
  ctx.note(`outage message: ${shown ? "shown" : "not shown"} on the homepage`);
}
