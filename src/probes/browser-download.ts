/**
 * The `download` step's work inside the page: fetch the link's target with the page's session (cookies, same
 * origin), read it as a stream and count its bytes, giving up past `maxBytes`. The same expression runs in
 * every browser (a string, evaluated by the driver), so Chromium and Firefox bound a download alike, and the
 * bytes are never held: the page only counts them.
 */

/** What the page reports about one download. */
export type DownloadOutcome = { error: string } | { url: string; status: number; contentType: string; bytes: number; overLimit: boolean };

/** The expression a driver evaluates in the page, after the link is visible; it resolves to a DownloadOutcome. */
export function downloadExpression(selector: string, maxBytes: number, timeoutMs: number): string {
  return `(async (selector, maxBytes, timeoutMs) => {
  const link = document.querySelector(selector);
  const href = link === null ? "" : link.href || link.getAttribute("href") || "";
  if (href === "") return { error: "the element has no href to download" };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(new URL(href, document.baseURI).href, { credentials: "same-origin", signal: controller.signal });
    const outcome = { url: response.url, status: response.status, contentType: response.headers.get("content-type") || "", bytes: 0, overLimit: false };
    if (!response.ok || response.body === null) return outcome;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      outcome.bytes += value.byteLength;
      if (outcome.bytes > maxBytes) {
        outcome.overLimit = true;
        await reader.cancel();
        break;
      }
    }
    return outcome;
  } catch (e) {
    return { error: controller.signal.aborted ? "the download did not finish within " + timeoutMs / 1000 + " s" : String((e && e.message) || e) };
  } finally {
    clearTimeout(timer);
  }
})(${JSON.stringify(selector)}, ${maxBytes}, ${timeoutMs})`;
}

/** Reads what the page returned (a plain object from the browser) as a DownloadOutcome. */
export function downloadOutcome(value: unknown): DownloadOutcome {
  const o = (value ?? {}) as Record<string, unknown>;
  if (typeof o.error === "string") return { error: o.error };
  return {
    url: String(o.url),
    status: Number(o.status),
    contentType: String(o.contentType),
    bytes: Number(o.bytes),
    overLimit: o.overLimit === true,
  };
}
