import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { knownHostFingerprints } from "../src/config/known-hosts.js";
import { generateSshKeyPair } from "../src/simulator/sftp-site.js";

const a = generateSshKeyPair("a");
const b = generateSshKeyPair("b");
const line = (hosts: string, key: typeof a, marker = "") => `${marker ? `${marker} ` : ""}${hosts} ${key.public.split(" ").slice(0, 2).join(" ")}`;
const hashed = (name: string) => {
  const salt = randomBytes(20);
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
};

describe("known_hosts: the keys pinned for host:port", () => {
  it("names port 22 by the host alone and other ports as [host]:port", () => {
    const text = [line("ftp.smartmetertexas.biz", a), line("[ftp.smartmetertexas.biz]:2222", b)].join("\n");
    expect(knownHostFingerprints(text, "ftp.smartmetertexas.biz", 22)).toEqual([a.fingerprint]);
    expect(knownHostFingerprints(text, "ftp.smartmetertexas.biz", 2222)).toEqual([b.fingerprint]);
    expect(knownHostFingerprints(text, "other.example", 22)).toEqual([]);
  });

  it("matches hashed names (ssh-keygen -H), wildcards and negations, case-insensitively", () => {
    expect(knownHostFingerprints(line(hashed("ftp.smartmetertexas.biz"), a), "ftp.smartmetertexas.biz", 22)).toEqual([a.fingerprint]);
    expect(knownHostFingerprints(line(hashed("ftp.smartmetertexas.biz"), a), "ftp.example", 22)).toEqual([]);
    expect(knownHostFingerprints(line("*.SmartMeterTexas.biz", a), "ftp.smartmetertexas.biz", 22)).toEqual([a.fingerprint]);
    expect(knownHostFingerprints(line("*.smartmetertexas.biz,!ftp.smartmetertexas.biz", a), "ftp.smartmetertexas.biz", 22)).toEqual([]);
  });

  it("never pins a @revoked key, skips @cert-authority lines and comments", () => {
    const text = [
      "# SMT",
      line("ftp.smartmetertexas.biz", a),
      line("ftp.smartmetertexas.biz", b),
      line("*", a, "@revoked"),
      line("*", b, "@cert-authority"),
    ].join("\n");
    expect(knownHostFingerprints(text, "ftp.smartmetertexas.biz", 22)).toEqual([b.fingerprint]);
  });
});
