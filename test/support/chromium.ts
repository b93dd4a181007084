/** Debian's Chromium (scripts/setup.sh installs it), driven by playwright-core: no browser download. */
export const CHROMIUM = process.env.SMT_CHROMIUM ?? "/usr/bin/chromium";

/** Launch flags that work as root on these machines (../shared/toolbox.md). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
