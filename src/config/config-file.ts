import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { MiB } from "./byte-count.js";
import { ConfigError } from "./errors.js";
import { YamlSource } from "./yaml-source.js";

/**
 * The largest config file read (32 MiB). Hand-written configs are a few kilobytes, generated ones with
 * 10,000 checks about 1.4 MiB; the limit keeps a wrong path (a log, a disk image, /dev/zero) from being
 * read whole into memory before it is rejected.
 */
export const MAX_CONFIG_FILE_BYTES = 32 * MiB;

/**
 * Reads a config file as UTF-8, at most MAX_CONFIG_FILE_BYTES: never more than the limit plus one
 * byte is read, so a file that grows, a FIFO or a device cannot exhaust memory. Throws ConfigError
 * naming the file when it cannot be read or is too large.
 */
export function readConfigFile(file: string, maxBytes = MAX_CONFIG_FILE_BYTES): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    throw new ConfigError(file, [{ path: [], message: `cannot read config file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  try {
    if (fstatSync(fd).isDirectory()) throw new ConfigError(file, [{ path: [], message: "cannot read config file: EISDIR (a folder, expected a YAML file)" }]);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) {
      throw new ConfigError(file, [
        {
          path: [],
          message: `config file larger than ${maxBytes} bytes (the limit): expected a YAML config (10,000 checks are about 1.4 MiB); check the path`,
        },
      ]);
    }
    return buffer.toString("utf8", 0, length);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(file, [{ path: [], message: `cannot read config file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and parses a YAML file with the same limits as the configs (size, alias expansions) when
 * no schema or line numbers are needed (the demo's templates). Throws ConfigError naming the file.
 */
export function readYamlFile(file: string): unknown {
  const { source, problems } = YamlSource.parse(readConfigFile(file));
  if (!source) throw new ConfigError(file, problems);
  return source.value();
}
