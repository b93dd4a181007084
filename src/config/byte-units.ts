/**
 * Byte units and how a limit is written, without the config schema (zod): the report's and the
 * peers' clients import these, and loading zod would cost every `report` run (docs/performance.md, "Start-up").
 */
export const KiB = 1 << 10;
export const MiB = 1 << 20;

/** "64 MiB", "64 KiB" or "1000 bytes": a limit as people wrote it. */
export function formatByteLimit(bytes: number): string {
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}
