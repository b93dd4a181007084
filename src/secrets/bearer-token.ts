/**
 * Bearer tokens as both ends of the webhook must agree on them.
 *
 * Alertmanager 0.25 reads `http_config.authorization.credentials_file` on every request and sends
 * `strings.TrimSpace` of its content (prometheus/common config/http_config.go), so a file ending in
 * "\n\n" or "\r\n" sends the token without them. The notifier reads its token file the same way, so
 * one file works for both. What is left must be an RFC 6750 b64token, the only thing a
 * `Authorization: Bearer …` header can carry: anything else could never match a delivery, and
 * every notice would be lost to a 401 that Alertmanager does not retry.
 */

/** Go's unicode.IsSpace is the Unicode White_Space property, as `\p{White_Space}` is. */
const SURROUNDING_SPACE = /^\p{White_Space}+|\p{White_Space}+$/gu;

/** RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
export const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export const B64TOKEN_EXPECTED = 'an RFC 6750 bearer token: letters, digits, "-", ".", "_", "~", "+", "/", then "=" only at the end';

/** What Alertmanager sends for a credentials file's content: Go's strings.TrimSpace. */
export function trimLikeAlertmanager(text: string): string {
  return text.replace(SURROUNDING_SPACE, "");
}

/**
 * Why a token cannot be sent in a Bearer header, or undefined when it can. Names the position and
 * the kind of character, never the character or the token (they are secret).
 */
export function bearerTokenProblem(token: string): string | undefined {
  if (B64TOKEN.test(token)) return undefined;
  const chars = Array.from(token);
  const padding = chars.findIndex((c) => c === "=");
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (/[A-Za-z0-9\-._~+/]/.test(c)) {
      if (padding >= 0 && i > padding) return `"=" at character ${padding + 1}, not at the end; expected ${B64TOKEN_EXPECTED}`;
      continue;
    }
    if (c === "=") continue;
    return `${characterKind(c)} at character ${i + 1}; expected ${B64TOKEN_EXPECTED}`;
  }
  return `expected ${B64TOKEN_EXPECTED}`;
}

function characterKind(c: string): string {
  if (/^\p{White_Space}$/u.test(c)) return "whitespace";
  if (/^\p{Cc}$/u.test(c)) return "a control character";
  if (c.codePointAt(0)! > 0x7e) return "a non-ASCII character";
  return "a punctuation character not allowed in a bearer token";
}
