import type { CounterSnapshot } from "./status_line.ts";

/** A source that connects but never did. */
export interface NeverConnected {
  /** The source's name, e.g. `w1`. */
  readonly name: string;
  /** Its connection attempts (ConnectionAttemptCount), every one failed. */
  readonly attempts: number;
}

/**
 * The sources in `snapshot` that connect (they have a ConnectionAttemptCount
 * counter: the WebSocket source) and never opened a connection
 * (ConnectionCreatedCount is 0), in the configuration's order.
 */
export function sourcesNeverConnected(snapshot: CounterSnapshot): NeverConnected[] {
  const out: NeverConnected[] = [];
  for (const [id, counters] of Object.entries(snapshot)) {
    if (!id.startsWith("SOURCE.") || !("ConnectionAttemptCount" in counters)) continue;
    if (Number(counters.ConnectionCreatedCount ?? 0) > 0) continue;
    out.push({
      name: id.slice("SOURCE.".length),
      attempts: Number(counters.ConnectionAttemptCount),
    });
  }
  return out;
}
