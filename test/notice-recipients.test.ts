import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/errors.js";
import { parseNotifierConfig } from "../src/config/notifier-load.js";
import { REVIEWER, basic, payload, postWebhook, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";

/**
 * INTENDED AUDIENCE, CONTACT and the listservs per service (notices.by_service): a notice about a
 * service with its own lists goes to them, one about several services to every list of each.
 */

const BY_SERVICE = `  by_service:
    han:
      intended_audience: REPs of record and HAN device providers
      contact: "SMT HAN desk: han-desk@smt.example"
      to: ["han-listserv@lists.example.org"]
      cc: ["rms@lists.example.org", "han-vendors@lists.example.org"]`;

describe("recipients and audience per service", () => {
  let n: RunningNotifier;
  const auth = { authorization: basic(REVIEWER) };
  /** The .eml's header block, folded lines unfolded (RFC 5322 2.2.3). */
  const eml = async (id: string) =>
    (await (await fetch(`${n.url}/api/v1/notices/${id}/eml`, { headers: auth })).text()).split("\r\n\r\n", 1)[0]!.replace(/\r\n[ \t]+/g, " ");
  beforeAll(async () => {
    n = await startNotifier({ notices: BY_SERVICE });
  });
  afterAll(async () => {
    await n?.stop();
  });

  it("a HAN notice names the HAN audience and contact and goes to the HAN list; joined by the portal, to both lists", async () => {
    const start = Math.floor(Date.now() / 1000) - 1800;
    const han = await postWebhook(n.url, payload([{ service: "han", start }]));
    const initial = n.notifier.store.notice((han.json.drafts as { id: string }[])[0]!.id)!;
    expect(initial.body).toContain("\n\nINTENDED AUDIENCE: REPs of record and HAN device providers\n\n");
    expect(initial.body).toMatch(/\n\nCONTACT: SMT HAN desk: han-desk@smt\.example\n$/);
    const hanHead = await eml(initial.id);
    expect(hanHead).toMatch(/^To: han-listserv@lists\.example\.org$/m);
    expect(hanHead).toMatch(/^Cc: rms@lists\.example\.org, han-vendors@lists\.example\.org$/m);

    const gui = await postWebhook(n.url, payload([{ service: "gui", start: start + 60 }]));
    const update = n.notifier.store.notice((gui.json.drafts as { id: string }[])[0]!.id)!;
    expect(update.kind).toBe("UPDATE");
    expect(update.body).toContain("\n\nINTENDED AUDIENCE: REPs of record and HAN device providers; REPs of record, TDSPs, Third Parties / CSPs\n\n");
    expect(update.body).toMatch(/\n\nCONTACT: SMT HAN desk: han-desk@smt\.example\nSMT Help Desk: 1-844-217-8595, support@smartmetertexas\.com\n$/);
    const both = await eml(update.id);
    expect(both).toMatch(/^To: han-listserv@lists\.example\.org, rms@lists\.example\.org, amwg@lists\.example\.org$/m);
    // An address already in To is not copied again.
    expect(both).toMatch(/^Cc: han-vendors@lists\.example\.org$/m);
    const page = await (await fetch(`${n.url}/notices/${update.id}`, { headers: auth })).text();
    expect(page).toContain("<dt>to</dt><dd>han-listserv@lists.example.org, rms@lists.example.org, amwg@lists.example.org</dd>");
  });

  it("an unknown service under by_service is a config error naming file, line and field", () => {
    const text = `webhook: { bearer_token_env: TOKEN }
reviewers: [{ name: alice, password_env: ALICE }]
notices:
  from: "SMT <notices@smt.example>"
  to: ["rms@lists.example.org"]
  by_service:
    water_utility: { to: ["cc@lists.example.org"] }
    han: { to: [] }
`;
    let error: unknown;
    try {
      parseNotifierConfig(text, "notifier.yaml", { TOKEN: "recipients-test-token-123", ALICE: "alice-password-123" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('notifier.yaml:7:20: notices.by_service.water_utility: unknown field "water_utility"');
    expect(message).toMatch(/notifier\.yaml:8:\d+: notices\.by_service\.han\.to: /);
  });
});
