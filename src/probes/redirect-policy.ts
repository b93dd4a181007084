/**
 * What a request may carry across one redirect of an `http` check (docs/configuration.md,
 * "Redirects"): a pure function of the two URLs, the request headers the check configured (its
 * `headers` and the Authorization that `basic_auth` makes) and the check's opt-ins.
 *
 * - Same origin (scheme, host and port): everything goes on.
 * - Another origin: no configured header goes on, whatever its case (`Authorization`,
 *   `authorization`, `X-Api-Key`, cookies, basic auth), unless the check names it in
 *   `redirect_keep_headers` (compared case-insensitively).
 * - https to http: refused, unless the check sets `allow_insecure_redirect`.
 */
export interface RedirectPolicy {
  /** Header names kept on a redirect to another origin (any case). */
  keepHeaders: readonly string[];
  /** Whether an https URL may redirect to an http one. */
  allowInsecure: boolean;
}

export type RedirectDecision = { follow: true; headers: Record<string, string>; dropped: string[] } | { follow: false; refusal: string };

export function decideRedirect(from: URL, to: URL, headers: Readonly<Record<string, string>>, policy: RedirectPolicy): RedirectDecision {
  if (to.protocol !== "http:" && to.protocol !== "https:") {
    return { follow: false, refusal: `redirect to a ${to.protocol} URL refused: only http and https are followed` };
  }
  if (from.protocol === "https:" && to.protocol === "http:" && !policy.allowInsecure) {
    return {
      follow: false,
      refusal: `redirect from https to http (${to.origin}) refused: the request would leave TLS; set allow_insecure_redirect: true to follow it`,
    };
  }
  if (to.origin === from.origin) return { follow: true, headers: { ...headers }, dropped: [] };
  const keep = new Set(policy.keepHeaders.map((name) => name.toLowerCase()));
  const kept: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (keep.has(name.toLowerCase())) kept[name] = value;
    else dropped.push(name);
  }
  return { follow: true, headers: kept, dropped };
}
