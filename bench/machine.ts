/**
 * The facts about the machine a benchmark ran on, printed with its results.
 *
 * @module
 */

/** Where and when the benchmark ran. */
export interface MachineFacts {
  /** CPU model from /proc/cpuinfo. */
  readonly cpu: string;
  /** Logical cores the OS offers. */
  readonly cores: number;
  /** Total memory in GiB (MemTotal). */
  readonly memoryGiB: number;
  readonly os: string;
  readonly deno: string;
  readonly v8: string;
  /** ISO 8601, UTC. */
  readonly date: string;
}

/** Reads the facts of this machine (Linux /proc where available). */
export function machineFacts(): MachineFacts {
  const cpuinfo = readOr("/proc/cpuinfo");
  const meminfo = readOr("/proc/meminfo");
  const memKb = Number(/^MemTotal:\s+(\d+)\s+kB$/m.exec(meminfo)?.[1] ?? NaN);
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    cores: navigator.hardwareConcurrency,
    memoryGiB: Number.isNaN(memKb)
      ? Math.round(Deno.systemMemoryInfo().total / 1024 ** 3 * 10) / 10
      : Math.round(memKb / 1024 ** 2 * 10) / 10,
    os: `${Deno.build.os} ${Deno.osRelease()} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    date: new Date().toISOString(),
  };
}

function readOr(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}
