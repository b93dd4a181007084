import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator, type RunningSimulator } from "../../src/simulator/simulator.js";

export interface SimulatorFixture {
  sim: RunningSimulator;
  dir: string;
  /** Writes an exporter config whose checks probe the simulator; returns its path. */
  writeConfig(options?: ConfigOptions): string;
  stop(): Promise<void>;
}

export interface ConfigOptions {
  interval?: string;
  timeout?: string;
  location?: string;
  /** The config's source_address: the local address the probes connect from. */
  sourceAddress?: string;
  listen?: string;
  /** Extra YAML appended to the check list (already indented as list items). */
  extraChecks?: string;
  only?: string[];
  file?: string;
}

let pasvBase = 41000 + (process.pid % 40) * 200;

/** A simulator on free ports in a temp dir, and configs that point at it. */
export async function startSimulatorFixture(): Promise<SimulatorFixture> {
  const dir = mkdtempSync(join(tmpdir(), "smt-test-"));
  const pasv: [number, number] = [pasvBase, pasvBase + 99];
  pasvBase += 100;
  const sim = await startSimulator({ stateDir: join(dir, "simulator"), ports: { admin: 0, gui: 0, api: 0, han: 0, ftps: 0, sftp: 0 }, pasvRange: pasv });
  const f = sim.files;
  const checks: Record<string, string> = {
    gui_home: `
  - name: gui_home
    service: gui
    kind: http
    http:
      url: https://127.0.0.1:${sim.ports.gui}/
      valid_status_codes: [200]
      body_must_match: ["Smart Meter Texas"]
      body_must_not_match: ["Access Denied", "(?i)scheduled maintenance"]
      tls: { ca_file: ${f.ca} }`,
    api_interval_reads: `
  - name: api_interval_reads
    service: api
    kind: api
    api:
      secrets:
        username: { file: ${f.apiUsername} }
        password: { file: ${f.apiPassword} }
      tls: { ca_file: ${f.ca} }
      steps:
        - name: token
          method: POST
          url: https://127.0.0.1:${sim.ports.api}/v2/token/
          json: { username: "{{ secret.username }}", password: "{{ secret.password }}" }
          assert: [{ path: tokenType, equals: Bearer }]
          extract: { token: accessToken }
        - name: interval_reads
          method: POST
          url: https://127.0.0.1:${sim.ports.api}/v2/15minintervalreads/
          headers: { Authorization: "Bearer {{ vars.token }}" }
          json: { trans_id: "{{ uuid }}", startDate: "{{ date(-2, 'MM/dd/yyyy') }}", endDate: "{{ date(-2, 'MM/dd/yyyy') }}", esiid: ["10443720000000001"] }
          assert: [{ any_of: [{ path: energyData, exists: true }, { path: errorCode, equals: "1" }] }]`,
    ftps_interval_files: `
  - name: ftps_interval_files
    service: ftps
    kind: ftps
    ftps:
      host: 127.0.0.1
      port: ${sim.ports.ftps}
      username: ${sim.credentials.ftpsUsername}
      password_file: ${f.ftpsPassword}
      tls: { ca_file: ${f.ca} }
      file_pattern: '^IntervalMeterUsage(?<ts>\\d{14})_\\d+\\.CSV\\.\\d+\\.asc$'
      file_time: name
      download: { max_bytes: 4096 }`,
    han_device_status: `
  - name: han_device_status
    service: han
    kind: api
    api:
      secrets:
        username: { file: ${f.apiUsername} }
        password: { file: ${f.apiPassword} }
      tls: { ca_file: ${f.ca} }
      steps:
        - name: token
          method: POST
          url: https://127.0.0.1:${sim.ports.han}/v2/token/
          json: { username: "{{ secret.username }}", password: "{{ secret.password }}" }
          extract: { token: accessToken }
        - name: device_status
          method: POST
          url: https://127.0.0.1:${sim.ports.han}/v2/han/devicestatus/
          headers: { Authorization: "Bearer {{ vars.token }}" }
          json: { esiid: "10443720000000001", deviceMacId: "00:1D:A3:00:00:00:00:01" }
          assert: [{ path: status, equals: Joined }]`,
  };
  /** Checks written only when named in `only` (the older tests count the four above). */
  const optional: Record<string, string> = {
    sftp_interval_files: `
  - name: sftp_interval_files
    service: ftps
    kind: sftp
    sftp:
      host: 127.0.0.1
      port: ${sim.ports.sftp}
      username: ${sim.credentials.ftpsUsername}
      password_file: ${f.ftpsPassword}
      host_key_sha256: "${sim.sftpHostKeySha256}"
      file_pattern: '^IntervalMeterUsage(?<ts>\\d{14})_\\d+\\.CSV\\.\\d+\\.asc$'
      file_time: name
      download: { max_bytes: 4096 }`,
    call_center_phone_system: `
  - name: call_center_phone_system
    service: call_center
    kind: status_feed
    status_feed:
      url: http://127.0.0.1:${sim.ports.admin}/call-center/status`,
  };
  let n = 0;
  return {
    sim,
    dir,
    writeConfig(options: ConfigOptions = {}) {
      const names = options.only ?? Object.keys(checks);
      const body = names.map((name) => checks[name] ?? optional[name]!).join("\n");
      const yaml = `listen_address: "${options.listen ?? "127.0.0.1:0"}"
location: ${options.location ?? "test-a"}
${options.sourceAddress !== undefined ? `source_address: "${options.sourceAddress}"\n` : ""}defaults:
  interval: ${options.interval ?? "30s"}
  timeout: ${options.timeout ?? "5s"}
checks:${body}${options.extraChecks ?? ""}
`;
      const file = options.file ?? join(dir, `exporter-${n++}.yaml`);
      writeFileSync(file, yaml);
      return file;
    },
    async stop() {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
