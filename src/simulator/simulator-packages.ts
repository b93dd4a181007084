/**
 * The npm packages only the simulator loads (the FTPS site and its certificates). They are
 * development dependencies: `npm ci` installs them, so `npm start` and the tests run the simulator,
 * while the production image (`npm prune --omit=dev`, see the Dockerfile) leaves them out.
 * This module imports neither, so `smt-monitor simulate` can tell that they are missing.
 */
export const SIMULATOR_PACKAGES = ["ftp-srv", "node-forge"] as const;

/**
 * The simulator-only package an import failed to find, or undefined when the failure is anything
 * else (a bug, which keeps its stack trace).
 */
export function missingSimulatorPackage(err: unknown): string | undefined {
  if ((err as NodeJS.ErrnoException | undefined)?.code !== "ERR_MODULE_NOT_FOUND") return undefined;
  const name = /Cannot find package '([^']+)'/.exec((err as Error).message)?.[1];
  return SIMULATOR_PACKAGES.find((p) => p === name);
}

/** The one line `smt-monitor simulate` prints when a simulator-only package is not installed. */
export function simulatorPackagesMissingMessage(pkg: string): string {
  return `smt-monitor simulate: the simulator needs the development dependencies (${SIMULATOR_PACKAGES.join(", ")}); ${pkg} is not installed (a production install, npm ci --omit=dev, leaves them out): run npm ci in a clone, or build the Docker image's "demo" target`;
}
