/** Debian's Chromium (scripts/setup.sh installs it), driven by playwright-core: no browser download; the flags the browser checks use. */
export { CHROMIUM_EXECUTABLE as CHROMIUM, CHROMIUM_FLAGS as CHROMIUM_ARGS } from "../../src/probes/chromium-driver.js";
