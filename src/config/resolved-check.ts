import type { SecureContext } from "node:tls";
import type { CheckConfig, Service } from "./schema.js";

/**
 * A check as the probes get it: validated, defaults applied, secrets read and TLS contexts built
 * (by load.ts). Its own module, so that the sections resolved beside the checks
 * (market-data-load.ts) use the type without importing load.ts back.
 */

/** The bytes a TLS context is built from; one object per distinct material, shared by the checks that use it. */
export interface TlsMaterial {
  /** A digest of the material: equal digests, equal material. */
  digest: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  minVersion?: "TLSv1.2" | "TLSv1.3";
}

/** TLS settings turned into a reusable context (built once per check, not per probe). */
export interface ResolvedTls {
  secureContext: SecureContext;
  /** What secureContext was built from (to rebuild it where a context cannot be sent: off-thread loading). */
  material: TlsMaterial;
  serverName?: string;
  insecureSkipVerify: boolean;
}

type Settings<K extends CheckConfig["kind"]> = Extract<CheckConfig, { kind: K }>;

interface ResolvedBase {
  name: string;
  service: Service;
  intervalMs: number;
  timeoutMs: number;
  /** The config's `counts_for_availability`: whether the rules count this check for its service's availability. */
  countsForAvailability: boolean;
  /** Secret values by name, for templates ({{ secret.name }}) and passwords. */
  secrets: Record<string, string>;
  tls: ResolvedTls;
  /** The config's `source_address`: the local address the probe connects from (http, api, status_feed, sftp). */
  sourceAddress?: string;
}

export type ResolvedCheck =
  | (ResolvedBase & { kind: "http"; http: Settings<"http">["http"] })
  | (ResolvedBase & { kind: "api"; api: Settings<"api">["api"] })
  | (ResolvedBase & { kind: "ftps"; ftps: Settings<"ftps">["ftps"] })
  | (ResolvedBase & { kind: "browser"; browser: Settings<"browser">["browser"] })
  | (ResolvedBase & {
      kind: "sftp";
      sftp: Settings<"sftp">["sftp"];
      /** The host key fingerprints accepted (OpenSSH "SHA256:…" form), from host_key_sha256 or known_hosts. */
      hostKeys: string[];
    })
  | (ResolvedBase & { kind: "status_feed"; status_feed: Settings<"status_feed">["status_feed"] });
