import { existsSync, mkdirSync, readFileSync, renameSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";

/**
 * Something expensive that several test files read and none changes (a backfilled TSDB, a generated
 * data set) is built once per vitest run: the first file that asks builds it into a folder of the
 * run (test/support/global-setup.ts), the files that ask meanwhile wait for it, and later ones find
 * it. Whatever each file then starts on it (a Prometheus on a linked copy, ...) stays its own.
 *
 * `name` names the build: two files that ask for the same name get the same folder, so the name must
 * say everything the build depends on. A build that fails fails every file that asked, with its
 * message. The folder is removed when the run ends.
 */
export async function sharedBuild(name: string, build: (dir: string) => Promise<void>, timeoutMs = 10 * 60_000): Promise<string> {
  const root = inject("sharedBuildRoot");
  const done = join(root, name);
  const failed = `${done}.failed`;
  const building = `${done}.building`;
  if (existsSync(done)) return done;
  try {
    mkdirSync(building);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return waitForBuild(name, root, done, failed, timeoutMs);
  }
  const work = join(building, "out");
  mkdirSync(work);
  try {
    await build(work);
  } catch (err) {
    writeFileSync(failed, err instanceof Error ? (err.stack ?? err.message) : String(err));
    throw err;
  }
  renameSync(work, done);
  return done;
}

/** Resolves when another file's build of `name` is done (watching the run's folder), rejects when it failed. */
function waitForBuild(name: string, root: string, done: string, failed: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const watcher = watch(root);
    const timer = setTimeout(() => finish(new Error(`the shared build ${name} was not done within ${timeoutMs} ms (built by another test file)`)), timeoutMs);
    const finish = (result: string | Error) => {
      clearTimeout(timer);
      watcher.close();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const check = () => {
      if (existsSync(done)) finish(done);
      else if (existsSync(failed)) finish(new Error(`the shared build ${name} failed in another test file:\n${readFileSync(failed, "utf8")}`));
    };
    watcher.on("change", check);
    watcher.on("error", (err) => finish(err));
    check();
  });
}
