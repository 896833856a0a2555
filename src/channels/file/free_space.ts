import { statfsSync } from "node:fs";

/**
 * Bytes available to this (unprivileged) process on the filesystem that
 * holds `path`: `f_bavail * f_bsize`, as Java's `File.getUsableSpace`.
 * Throws what `statfs` throws.
 */
export function usableSpace(path: string): number {
  const stats = statfsSync(path);
  return Number(stats.bavail) * Number(stats.bsize);
}

/** Formats a byte count for messages: `524288000 bytes (500.0 MiB)`. */
export function formatBytes(bytes: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = "";
  for (const u of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  return unit ? `${bytes} bytes (${value.toFixed(1)} ${unit})` : `${bytes} bytes`;
}
