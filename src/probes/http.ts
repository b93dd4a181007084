import type { ResolvedCheck } from "../config/load.js";
import { basicAuthHeader, expectBody, expectStatus } from "./http-checks.js";
import { fetchPage, type FetchedPage } from "./http-page.js";
import { observeOutageMessage } from "./outage-message.js";
import type { Prober } from "./probe.js";

type HttpCheck = Extract<ResolvedCheck, { kind: "http" }>;

/**
 * The `http` kind: one page (the GUI home page, a health URL), following redirects, checking the
 * body. With `outage_message`, it also records whether the homepage shows the outage message
 * (outage-message.ts), whatever the check's result.
 */
export const probeHttp: Prober<HttpCheck> = async (check, ctx) => {
  const settings = check.http;
  const headers: Record<string, string> = { ...settings.headers };
  if (settings.basic_auth) {
    headers.Authorization = basicAuthHeader(settings.basic_auth.username, check.secrets.basic_auth_password ?? "");
  }
  let page: FetchedPage | undefined;
  try {
    page = await fetchPage(
      {
        url: new URL(settings.url),
        method: settings.method,
        headers,
        body: settings.body === undefined ? undefined : Buffer.from(settings.body),
        tls: check.tls,
        sourceAddress: check.sourceAddress,
        maxBodyBytes: settings.max_body_bytes,
        maxRedirects: settings.max_redirects,
        redirectKeepHeaders: settings.redirect_keep_headers,
        allowInsecureRedirect: settings.allow_insecure_redirect,
      },
      ctx,
    );
    const what = `${page.method} ${page.url.pathname}`;
    expectStatus(page.response.status, settings.valid_status_codes, what);
    expectBody(page.response.body.toString("utf8"), settings.body_must_match, settings.body_must_not_match, what);
  } finally {
    if (settings.outage_message) await observeOutageMessage(check, settings.outage_message, page?.response.body, ctx);
  }
};
