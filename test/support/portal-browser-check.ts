import type { BrowserKind } from "../../src/config/browser-settings-schema.js";
import type { RunningSimulator } from "../../src/simulator/simulator.js";

/**
 * Browser checks of the simulator's portal (src/simulator/portal-session.ts) as config text, for the
 * browser test files: one entry of `checks:`, its steps given as lines indented for it.
 */

/** The login: the page, the user id and password from the simulator's secret files, the button. */
export function portalLoginSteps(sim: RunningSimulator): string {
  return `        - { name: login_page, goto: "https://127.0.0.1:${sim.ports.gui}/login" }
        - { name: user_id, fill: "#username", value: "{{ secret.username }}" }
        - { name: password, fill: "#password", value: "{{ secret.password }}" }
        - { name: log_in, click: "#login" }
`;
}

/** After the login: the usage page rendered by JavaScript, with its figures and no login error. */
export const PORTAL_USAGE_STEPS = `        - { name: usage_table, wait_for: { selector: "#usage-table" } }
        - { name: esiid_shown, wait_for: { text: "Daily usage for ESIID 10443720000000001" } }
        - { name: kwh_shown, expect_text: "31.40" }
        - { name: no_login_error, expect_no_text: "not valid" }
`;

/**
 * Each step's bound in these checks: well inside the checks' 10 s timeouts, and long enough that a page step on a
 * machine running the whole suite (load 10-20 on two cores) is not mistaken for a missing selector.
 */
export const STEP_TIMEOUT_S = 5;
const STEP_TIMEOUT = `${STEP_TIMEOUT_S}s`;

/** One `checks:` entry: a gui browser check of the portal that accepts the simulator's certificate. */
export function portalBrowserCheck(
  sim: RunningSimulator,
  o: { name: string; browser: BrowserKind; timeout: string; steps: string; stepTimeout?: string },
): string {
  return `  - name: ${o.name}
    service: gui
    kind: browser
    timeout: ${o.timeout}
    browser:
      browser: ${o.browser}
      insecure_skip_verify: true
      step_timeout: ${o.stepTimeout ?? STEP_TIMEOUT}
      secrets:
        username: { file: ${sim.files.apiUsername} }
        password: { file: ${sim.files.apiPassword} }
      steps:
${o.steps}`;
}
