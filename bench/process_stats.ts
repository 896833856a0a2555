/**
 * What a benchmark child says about itself: CPU time (every thread: V8,
 * its GC helpers and Deno's I/O threads) and peak resident memory.
 *
 * @module
 */
import process from "node:process";

/** User + system CPU seconds this process has used so far, all threads. */
export function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Peak resident set size in bytes: `VmHWM` of /proc/self/status (the
 * kernel's high-water mark, so no peak between samples is missed); where
 * there is no /proc, the current RSS.
 */
export function peakRssBytes(): number {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const kb = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    if (kb !== undefined) return Number(kb) * 1024;
  } catch {
    // not Linux
  }
  return Deno.memoryUsage().rss;
}
