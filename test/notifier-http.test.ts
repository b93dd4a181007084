import { formatNoticeDate } from "../src/notices/central-time.js";
import { withNoticeDate } from "../src/notices/notice-fields.js";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { SMTPServer } from "smtp-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { REVIEWER, REVIEWER2, WEBHOOK_TOKEN, basic, payload, postWebhook, startNotifier, type RunningNotifier } from "./support/notifier-fixture.js";
import { NOTICE_PAGE_SIZE } from "../src/notices/notice-store.js";
import { sample, waitFor } from "./support/http.js";

const START = Math.floor(Date.now() / 1000) - 1200;

describe("webhook input", () => {
  let n: RunningNotifier;
  beforeAll(async () => {
    n = await startNotifier();
  });
  afterAll(async () => {
    await n?.stop();
  });

  const snapshot = () => ({
    deliveries: n.notifier.store.countDeliveries(),
    notices: n.notifier.store.listNotices().length,
    alerts: n.notifier.store.listAlerts().length,
  });

  it.each([
    ["malformed JSON", { body: '{"version": "4", "alerts": [' }, 400, /malformed JSON/],
    ["wrong version", { body: JSON.stringify({ ...payload([{}]), version: "3" }) }, 400, /version/],
    ["missing fields", { body: JSON.stringify({ version: "4", status: "firing" }) }, 400, /groupKey: required field is missing/],
    ["bad alert status", { body: JSON.stringify(payload([{ status: "pending" as never }])) }, 400, /alerts\[0\]\.status: expected one of "firing", "resolved"/],
    ["a JSON array", { body: "[]" }, 400, /not an Alertmanager webhook payload/],
    ["oversized body", { body: JSON.stringify({ ...payload([{}]), padding: "x".repeat(70_000) }) }, 413, /body too large \(limit 65536 bytes\)/],
    ["missing token", { body: JSON.stringify(payload([{}])), token: null }, 401, /missing bearer token/],
    ["wrong token", { body: JSON.stringify(payload([{}])), token: "not-the-token-at-all-0000" }, 401, /wrong bearer token/],
    ["wrong content type", { body: JSON.stringify(payload([{}])), contentType: "text/plain" }, 415, /expected Content-Type application\/json/],
  ] as const)("%s: %s, a message saying what is wrong, nothing stored", async (_name, req, status, message) => {
    const before = snapshot();
    const res = await postWebhook(n.url, req.body, {
      token: "token" in req ? req.token : undefined,
      contentType: "contentType" in req ? req.contentType : undefined,
    });
    expect(res.status).toBe(status);
    expect(JSON.stringify(res.json).replace(/\\"/g, '"')).toMatch(message);
    expect(snapshot()).toEqual(before);
  });

  it("refuses other methods and counts every outcome in /metrics", async () => {
    const get = await fetch(`${n.url}/alertmanager/webhook`, { headers: { authorization: `Bearer ${WEBHOOK_TOKEN}` } });
    expect(get.status).toBe(405);
    const ok = await postWebhook(n.url, payload([{ service: "han", start: START }]));
    expect(ok.status).toBe(200);
    expect(ok.json.drafts).toEqual([expect.objectContaining({ kind: "INITIAL" })]);
    const metrics = await (await fetch(`${n.url}/metrics`)).text();
    expect(sample(metrics, "smt_notifier_webhook_requests_total", { outcome: "accepted" })).toBe(1);
    expect(sample(metrics, "smt_notifier_webhook_requests_total", { outcome: "bad_request" })).toBe(5);
    expect(sample(metrics, "smt_notifier_webhook_requests_total", { outcome: "unauthorized" })).toBe(2);
    expect(sample(metrics, "smt_notifier_webhook_requests_total", { outcome: "too_large" })).toBe(1);
    expect(sample(metrics, "smt_notice_drafts_created_total", { kind: "INITIAL" })).toBe(1);
    expect(sample(metrics, "smt_notices", { kind: "INITIAL", status: "draft" })).toBe(1);
    expect(sample(metrics, "smt_notice_planned_overdue")).toBe(0);
    // No secret in metrics or logs.
    for (const secret of [WEBHOOK_TOKEN, REVIEWER.password]) {
      expect(metrics).not.toContain(secret);
      expect(n.logs()).not.toContain(secret);
    }
  });

  it("answers 500 when the store cannot commit, so Alertmanager retries; the retry makes exactly one draft", async () => {
    const body = payload([{ service: "ftps", start: START }], "storage-failure");
    const before = snapshot();
    n.notifier.deliveryStore.db.pragma("query_only = ON");
    try {
      const res = await postWebhook(n.url, body);
      expect(res.status).toBe(500);
      expect(res.json.error).toMatch(/could not commit/);
    } finally {
      n.notifier.deliveryStore.db.pragma("query_only = OFF");
    }
    expect(snapshot()).toEqual(before);
    expect((await postWebhook(n.url, body)).status).toBe(200);
    expect((await postWebhook(n.url, body)).status).toBe(200);
    expect(n.notifier.store.listNotices({ service: "ftps" }).map((x) => x.kind)).toEqual(["UPDATE"]);
    const metrics = await (await fetch(`${n.url}/metrics`)).text();
    expect(sample(metrics, "smt_notifier_webhook_requests_total", { outcome: "storage_error" })).toBe(1);
  });

  it("answers only after the WAL fsync has finished, and 500 when it fails", async () => {
    const store = n.notifier.deliveryStore;
    const original = store.walSync.bind(store);
    let release!: () => void;
    let fail!: (e: Error) => void;
    store.walSync = () => new Promise<void>((resolve, reject) => ((release = resolve), (fail = reject)));
    try {
      let answered = false;
      const pending = postWebhook(n.url, payload([{ service: "gui", start: START - 5000 }], "fsync-order")).finally(() => (answered = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(answered).toBe(false);
      release();
      expect((await pending).status).toBe(200);
      const failing = postWebhook(n.url, payload([{ service: "gui", start: START - 6000 }], "fsync-fails"));
      await new Promise((r) => setTimeout(r, 100));
      fail(new Error("EIO: i/o error, fdatasync"));
      const res = await failing;
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.json)).not.toContain("EIO");
      // A failed fsync is a storage error: not ready until a write commits again.
      expect((await fetch(`${n.url}/-/ready`)).status).toBe(503);
    } finally {
      store.walSync = original;
    }
    expect((await postWebhook(n.url, payload([{ service: "gui", start: START - 7000 }], "fsync-again"))).status).toBe(200);
    expect((await fetch(`${n.url}/-/ready`)).status).toBe(200);
    // The real fsync: resolves, and concurrent callers share one.
    await Promise.all([store.walSync(), store.walSync(), store.walSync()]);
  });

  it("serves health and readiness", async () => {
    expect((await fetch(`${n.url}/-/healthy`)).status).toBe(200);
    expect((await fetch(`${n.url}/-/ready`)).status).toBe(200);
  });
});

describe("review API and pages", () => {
  let n: RunningNotifier;
  let id: string;
  beforeAll(async () => {
    n = await startNotifier();
    const res = await postWebhook(n.url, payload([{ service: "gui", start: START }]));
    id = (res.json.drafts as { id: string }[])[0]!.id;
  });
  afterAll(async () => {
    await n?.stop();
  });

  const api = (path: string, init: RequestInit & { user?: { name: string; password: string } | null } = {}) => {
    const headers = new Headers(init.headers);
    if (init.user !== null) headers.set("authorization", basic(init.user ?? REVIEWER));
    return fetch(`${n.url}/api/v1/notices${path}`, { ...init, headers });
  };
  const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("needs a reviewer for reading and for changes", async () => {
    expect((await api("", { user: null })).status).toBe(401);
    expect((await api("", { user: { name: "alice", password: "wrong-password-000" } })).status).toBe(401);
    expect((await api("", { user: { name: "mallory", password: REVIEWER.password } })).status).toBe(401);
    const page = await fetch(`${n.url}/notices`);
    expect(page.status).toBe(401);
    expect(page.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
  });

  it("lists and shows notices as JSON, newest first, filtered by status and service", async () => {
    await postWebhook(n.url, payload([{ service: "api", start: START + 60 }]));
    const list = (await (await api("")).json()) as { notices: { id: string; kind: string; services: string[] }[] };
    expect(list.notices.map((x) => x.kind)).toEqual(["UPDATE", "INITIAL"]);
    const api_ = (await (await api("?service=api")).json()) as { notices: unknown[] };
    expect(api_.notices).toHaveLength(1);
    const bad = await api("?status=pending");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/status: expected one of draft, approved, sent/);
    const one = (await (await api(`/${id}`)).json()) as { notice: { id: string; body: string; version: number }; audit: { action: string }[] };
    expect(one.notice.id).toBe(id);
    expect(one.notice.body).toMatch(/^NOTICE DATE: /);
    expect(one.audit.map((a) => a.action)).toEqual(["created"]);
    expect((await api("/SMT-M-X000000-01")).status).toBe(404);
  });

  it(`?limit= is a whole number from 1 to ${NOTICE_PAGE_SIZE.max} (the page size), anything else a 400 naming the field and the range`, async () => {
    expect(((await (await api("?limit=1")).json()) as { notices: unknown[] }).notices).toHaveLength(1);
    expect((await api(`?limit=${NOTICE_PAGE_SIZE.max}`)).status).toBe(200);
    for (const limit of ["0", String(NOTICE_PAGE_SIZE.max + 1), "9999", "99999999", "-1", "1.5", "ten"]) {
      const res = await api(`?limit=${limit}`);
      expect(res.status, limit).toBe(400);
      expect(await res.text(), limit).toContain(`limit: expected a whole number from 1 to ${NOTICE_PAGE_SIZE.max}`);
      const page = await fetch(`${n.url}/notices?limit=${limit}`, { headers: { authorization: basic(REVIEWER) } });
      expect(page.status, limit).toBe(400);
    }
  });

  it("edits (with version check), approves, marks sent, keeps the audit trail; refuses what the state does not allow", async () => {
    const draft = ((await (await api(`/${id}`)).json()) as { notice: { body: string } }).notice.body;
    const editedBody = draft.replace("ACTION REQUIRED: None at this time.", "ACTION REQUIRED: Retry failed requests after the all-clear.");
    expect(editedBody).not.toBe(draft);
    // An edit that loses a field is refused, naming it; nothing changes.
    const broken = await api(`/${id}`, { ...json({ body: editedBody.replace(/\n\nCONTACT: [^\n]*/, ""), version: 1 }), method: "PATCH" });
    expect(broken.status).toBe(422);
    expect(await broken.text()).toContain('CONTACT is missing: expected a line starting \\"CONTACT:\\" after ACTION REQUIRED');
    const edited = await api(`/${id}`, {
      ...json({ subject: `${id} INITIAL: Unplanned Outage - SMT portal`, body: editedBody, version: 1 }),
      method: "PATCH",
    });
    expect(edited.status).toBe(200);
    expect(((await edited.json()) as { notice: { version: number } }).notice.version).toBe(2);
    const stale = await api(`/${id}`, { ...json({ body: "again", version: 1 }), method: "PATCH" });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toMatch(/changed since you loaded it/);
    expect((await api(`/${id}`, { ...json({ body: 42 }), method: "PATCH" })).status).toBe(400);
    expect((await api(`/${id}/sent`, json({}))).status).toBe(409);
    const approved = await api(`/${id}/approve`, { ...json({ version: 2 }), user: REVIEWER2 });
    expect(approved.status).toBe(200);
    expect((await api(`/${id}`, { ...json({ body: "late edit" }), method: "PATCH" })).status).toBe(409);
    const sent = await api(`/${id}/sent`, json({}));
    expect(sent.status).toBe(200);
    // The first send of the series fixes its id (provisional until then): the notice answers at the new one.
    expect(id).toMatch(/^SMT-M-\(provisional-\d+\)-01$/);
    const provisionalId = id;
    id = ((await sent.json()) as { notice: { id: string } }).notice.id;
    expect(id).toMatch(/^SMT-M-A\d{6}-01$/);
    const done = (await (await api(`/${id}`)).json()) as {
      notice: Record<string, unknown>;
      audit: { actor: string; action: string; detail: Record<string, { before: string; after: string }> }[];
    };
    // Sent: the NOTICE DATE is the day it was marked sent, and the series' id is fixed (in the text too).
    const sentOn = formatNoticeDate(Date.parse(done.notice.sent_at as string));
    expect(done.notice).toMatchObject({
      status: "sent",
      approved_by: "bob",
      sent_by: "alice",
      body: withNoticeDate(editedBody.replaceAll(provisionalId, id), sentOn),
    });
    expect(done.audit.map((a) => `${a.actor} ${a.action}`)).toEqual([
      "notifier created",
      "alice edited",
      "bob approved",
      "alice marked sent",
      "alice id fixed",
    ]);
    expect(done.audit[1]!.detail.body!.after).toBe(editedBody);
    expect(done.audit[1]!.detail.body!.before).toMatch(/^NOTICE DATE: .*\n\nNOTICE TYPE: /);
  });

  it("refuses cross-site and non-JSON state changes", async () => {
    const cross = await api(`/${id}/approve`, { ...json({}), headers: { "content-type": "application/json", origin: "https://evil.example" } });
    expect(cross.status).toBe(403);
    const fetchSite = await api(`/${id}/approve`, { ...json({}), headers: { "content-type": "application/json", "sec-fetch-site": "cross-site" } });
    expect(fetchSite.status).toBe(403);
    const form = await api(`/${id}/approve`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "version=1" });
    expect(form.status).toBe(415);
  });

  it("serves the .eml draft: RFC 5322, addressed to the listservs, with the notice text", async () => {
    const res = await api(`/${id}/eml`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^message\/rfc822/);
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${id}.eml"`);
    const eml = await res.text();
    const [head, body] = eml.split("\r\n\r\n", 2) as [string, string];
    expect(head).toMatch(/^From: Smart Meter Texas <notices@smt\.example>$/m);
    expect(head).toMatch(/^To: rms@lists\.example\.org, amwg@lists\.example\.org$/m);
    expect(head).toMatch(new RegExp(`^Subject: ${id} INITIAL: Unplanned Outage - SMT portal$`, "m"));
    expect(head).toMatch(/^Date: \w{3}, \d{2} \w{3} \d{4} /m);
    expect(head).toMatch(/^Message-ID: <.+@127\.0\.0\.1>$/m);
    expect(head).toMatch(/^X-Unsent: 1$/m);
    expect(head).toMatch(/^MIME-Version: 1\.0$/m);
    expect(eml.replace(/\r\n/g, "")).not.toMatch(/\n/);
    expect(body).toMatch(/^NOTICE DATE: /);
    expect(eml).toContain("\r\n\r\nACTION REQUIRED: Retry failed requests after the all-clear.\r\n");
  });

  it("pages: list, open, edit and approve with CSRF tokens; security headers everywhere", async () => {
    const auth = { authorization: basic(REVIEWER) };
    await postWebhook(n.url, payload([{ service: "han", start: START + 120 }]));
    const listRes = await fetch(`${n.url}/notices?status=draft`, { headers: auth });
    expect(listRes.status).toBe(200);
    expect(listRes.headers.get("content-security-policy")).toMatch(/default-src 'none'; script-src 'self'/);
    expect(listRes.headers.get("x-frame-options")).toBe("DENY");
    expect(listRes.headers.get("x-content-type-options")).toBe("nosniff");
    expect(listRes.headers.get("referrer-policy")).toBe("same-origin");
    const list = await listRes.text();
    const draftIds = [...list.matchAll(/href="\/notices\/(SMT-[^"]+)"/g)].map((m) => m[1]);
    expect(draftIds.length).toBe(2);
    expect(list).not.toContain(`/notices/${id}"`); // sent: filtered out
    const target = draftIds[0]!;
    const page = await (await fetch(`${n.url}/notices/${target}`, { headers: auth })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const version = /name="version" value="(\d+)"/.exec(page)![1]!;
    const post = (path: string, form: Record<string, string>, extra: Record<string, string> = {}) =>
      fetch(`${n.url}/notices/${target}/${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { ...auth, "content-type": "application/x-www-form-urlencoded", ...extra },
        body: new URLSearchParams(form).toString(),
      });
    // Without the token, with another reviewer's token, or from another site: refused, nothing changes.
    expect((await post("approve", { version })).status).toBe(403);
    expect((await post("approve", { version, csrf }, { authorization: basic(REVIEWER2) })).status).toBe(403);
    expect((await post("approve", { version, csrf }, { origin: "https://evil.example" })).status).toBe(403);
    expect(n.notifier.store.notice(target)!.status).toBe("draft");
    // A draft's .eml has no Date: the mail client stamps it when it is sent.
    const draftEml = await (await fetch(`${n.url}/notices/${target}/eml`, { headers: auth })).text();
    expect(draftEml.split("\r\n\r\n", 1)[0]).not.toMatch(/^Date:/m);
    expect(draftEml).toMatch(/^Message-ID: <.+@127\.0\.0\.1>$/m);
    const body = n.notifier.store.notice(target)!.body.replace("LONG DESCRIPTION: ", "LONG DESCRIPTION: Edited body & more. ");
    const edit = await post("edit", { version, csrf, subject: `${target} UPDATE: edited <b>subject</b>`, body });
    expect(edit.status).toBe(303);
    expect(edit.headers.get("location")).toBe(`/notices/${target}`);
    const after = await (await fetch(`${n.url}/notices/${target}`, { headers: auth })).text();
    expect(after).toContain("edited &#60;b&#62;subject&#60;/b&#62;");
    expect(after).not.toContain("<b>subject</b>");
    expect(after).toContain("Edited body &#38; more");
    const approve = await post("approve", { version: String(Number(version) + 1), csrf });
    expect(approve.status).toBe(303);
    expect(n.notifier.store.notice(target)).toMatchObject({ status: "approved", approved_by: "alice" });
    const stale = await post("sent", { version, csrf });
    expect(stale.status).toBe(409);
    const js = await fetch(`${n.url}/static/notices.js`);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
  });
});

describe("on-call channels", () => {
  let n: RunningNotifier | undefined;
  let hook: Server | undefined;
  let smtp: SMTPServer | undefined;
  afterEach(async () => {
    await n?.stop();
    await new Promise<void>((r) => (hook ? hook.close(() => r()) : r()));
    await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
    n = undefined;
    hook = undefined;
    smtp = undefined;
  });

  it("a failing webhook and SMTP server are retried until they accept; the draft is stored at once either way", async () => {
    const received: { auth?: string; body: Record<string, unknown> }[] = [];
    let hookFailures = 2;
    hook = createServer((req: IncomingMessage, res) => {
      let data = "";
      req.on("data", (c) => (data += c));
      req.on("end", () => {
        if (hookFailures-- > 0) {
          res.writeHead(503).end("busy");
          return;
        }
        received.push({ auth: req.headers.authorization, body: JSON.parse(data) as Record<string, unknown> });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook!.listen(0, "127.0.0.1", () => r()));
    const hookPort = (hook.address() as { port: number }).port;

    const mails: { from: string; to: string[]; text: string; user?: string }[] = [];
    let smtpFailures = 1;
    smtp = new SMTPServer({
      secure: false,
      disabledCommands: ["STARTTLS"],
      authOptional: false,
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, cb) {
        if (auth.username === "notifier" && auth.password === "smtp-password-1234") cb(null, { user: auth.username });
        else cb(new Error("bad credentials"));
      },
      onData(stream, session, cb) {
        let text = "";
        stream.on("data", (c: Buffer) => (text += c.toString()));
        stream.on("end", () => {
          if (smtpFailures-- > 0) {
            const err = new Error("try again later") as Error & { responseCode: number };
            err.responseCode = 451;
            cb(err);
            return;
          }
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            text,
            user: session.user as string,
          });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp!.listen(0, "127.0.0.1", () => r()));
    const smtpPort = (smtp.server.address() as { port: number }).port;
    process.env.TEST_SMTP_PASSWORD = "smtp-password-1234";
    process.env.TEST_CHAT_TOKEN = "chat-token-abcdefgh";

    n = await startNotifier({
      channels: `  - { name: chat, kind: webhook, url: "http://127.0.0.1:${hookPort}/hook", bearer_token_env: TEST_CHAT_TOKEN, timeout: 2s }
  - { name: mail, kind: smtp, host: 127.0.0.1, port: ${smtpPort}, security: none, username: notifier, password_env: TEST_SMTP_PASSWORD, from: "notifier@smt.example", to: ["oncall@smt.example"], timeout: 5s }`,
    });
    const started = performance.now();
    const res = await postWebhook(n.url, payload([{ service: "gui", start: START }]));
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    const id = (res.json.drafts as { id: string }[])[0]!.id;
    expect(n.notifier.store.notice(id)).toBeDefined();

    await waitFor("both channels delivered", async () => (received.length === 1 && mails.length === 1 ? true : undefined), 15_000);
    expect(received[0]!.auth).toBe("Bearer chat-token-abcdefgh");
    expect(received[0]!.body.text).toContain(id);
    expect((received[0]!.body.notice as { review_url: string }).review_url).toBe(`http://127.0.0.1:9911/notices/${id}`);
    expect(mails[0]!.to).toEqual(["oncall@smt.example"]);
    expect(mails[0]!.user).toBe("notifier");
    expect(mails[0]!.text).toContain(`Subject: [SMT notice draft] ${id}`);
    expect(mails[0]!.text).toContain("NOTICE TYPE:");
    const outbox = n.notifier.store.outboxOf(id);
    expect(outbox.map((o) => [o.channel, o.status])).toEqual([
      ["chat", "delivered"],
      ["mail", "delivered"],
    ]);
    expect(outbox.find((o) => o.channel === "chat")!.attempts).toBe(3);
    expect(outbox.find((o) => o.channel === "mail")!.attempts).toBe(2);
    const metrics = await (await fetch(`${n.url}/metrics`)).text();
    expect(sample(metrics, "smt_notice_channel_failures_total", { channel: "chat" })).toBe(2);
    expect(sample(metrics, "smt_notice_channel_failures_total", { channel: "mail" })).toBe(1);
    expect(sample(metrics, "smt_notice_outbox_pending", { channel: "chat" })).toBe(0);
    // Exactly once each, even after more passes.
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(1);
    expect(mails).toHaveLength(1);
    expect(n.logs()).not.toContain("smtp-password-1234");
    expect(n.logs()).not.toContain("chat-token-abcdefgh");
  });

  it("a channel that is down keeps the message pending (with the error) and never blocks the webhook", async () => {
    // The URL comes from the environment: for Slack-style hooks the URL itself is the secret.
    process.env.TEST_CHAT_URL = "http://127.0.0.1:9/hooks/T0001/B0001/secret-hook-path-xyz";
    n = await startNotifier({ channels: `  - { name: chat, kind: webhook, url_env: TEST_CHAT_URL, timeout: 1s }` });
    for (let i = 0; i < 3; i++) {
      const res = await postWebhook(n.url, payload([{ service: "gui", start: START - (i + 1) * 10_000 }]));
      expect(res.status).toBe(200);
    }
    await waitFor(
      "a failed attempt",
      async () => (n!.notifier.store.pendingOutbox()[0]?.n === 1 && n!.notifier.store.dueOutbox(Number.MAX_SAFE_INTEGER)[0]?.last_error ? true : undefined),
      5000,
    );
    const row = n.notifier.store.dueOutbox(Number.MAX_SAFE_INTEGER)[0]!;
    expect(row.status).toBe("pending");
    expect(row.last_error).toMatch(/ECONNREFUSED|connect/);
    expect(n.notifier.store.listNotices()).toHaveLength(1);
    const page = await (await fetch(`${n.url}/notices/${row.notice_id}`, { headers: { authorization: basic(REVIEWER) } })).text();
    expect(page).toContain("ECONNREFUSED");
    for (const text of [page, n.logs(), row.last_error ?? "", await (await fetch(`${n.url}/metrics`)).text()])
      expect(text).not.toContain("secret-hook-path-xyz");
  });
});
