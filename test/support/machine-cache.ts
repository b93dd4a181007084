import { createHash } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * A build that depends only on files and tool versions, kept on the machine between vitest runs, the
 * way scripts/container-images.sh keeps the container images: the first run on a machine builds it,
 * later runs (a fresh clone too) link it. `inputs` must name everything the build depends on (the
 * contents of the generator's source files, the versions of the tools it runs, its parameters): a
 * change to any of them is a new key, so a stale entry is never used. Entries are folders of hard
 * links under SMT_TEST_CACHE_DIR (default ~/.cache/smt-monitor/test-builds), written under a
 * temporary name and renamed, so a run that dies leaves none half-written; the least recently used
 * beyond KEEP_ENTRIES are removed. SMT_TEST_CACHE=off builds every time.
 *
 * What is linked must never be changed in place by its users (TSDB blocks: Prometheus writes new
 * blocks and removes old ones, it never rewrites a block's files). CONTRIBUTING.md, "Keeping the suite fast".
 */
const KEEP_ENTRIES = 8;

export function machineCacheRoot(): string {
  return process.env.SMT_TEST_CACHE_DIR ?? join(homedir(), ".cache", "smt-monitor", "test-builds");
}

/**
 * Fills `into` (created if missing) with the build named by `kind` and `inputs`: hard links of the
 * machine's cached entry, or `build(into)` then a copy (links) of its result into the cache. Says
 * which it was.
 */
export async function machineCached(kind: string, inputs: readonly string[], into: string, build: (dir: string) => Promise<void>): Promise<"cached" | "built"> {
  mkdirSync(into, { recursive: true });
  if (process.env.SMT_TEST_CACHE === "off") {
    await build(into);
    return "built";
  }
  const hash = createHash("sha256");
  for (const input of inputs) hash.update(createHash("sha256").update(input).digest());
  const root = machineCacheRoot();
  const entry = join(root, `${kind}-${hash.digest("hex").slice(0, 24)}`);
  if (existsSync(entry)) {
    linkContents(entry, into);
    const now = new Date();
    utimesSync(entry, now, now);
    return "cached";
  }
  await build(into);
  mkdirSync(root, { recursive: true });
  const writing = `${entry}.writing-${process.pid}`;
  rmSync(writing, { recursive: true, force: true });
  mkdirSync(writing);
  linkContents(into, writing);
  try {
    renameSync(writing, entry);
  } catch {
    // Another run stored the same entry meanwhile: theirs is as good.
    rmSync(writing, { recursive: true, force: true });
  }
  evict(root);
  return "built";
}

/** Hard links of every file under `from` into `to` (which exists), folders created. */
export function linkContents(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      mkdirSync(join(to, entry.name));
      linkContents(join(from, entry.name), join(to, entry.name));
    } else linkSync(join(from, entry.name), join(to, entry.name));
  }
}

/** Keeps the KEEP_ENTRIES most recently used entries (and anything being written). */
function evict(root: string): void {
  const entries = readdirSync(root)
    .filter((name) => !name.includes(".writing-"))
    .map((name) => ({ path: join(root, name), used: statSync(join(root, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const old of entries.slice(KEEP_ENTRIES)) rmSync(old.path, { recursive: true, force: true });
}
