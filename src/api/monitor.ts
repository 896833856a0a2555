/**
 * The monitoring server: one more component kind, configured as flume-ng
 * configures it (`-Dflume.monitoring.type=http -Dflume.monitoring.port=41414`)
 * rather than in flume.conf. The agent starts it before everything else and
 * stops it after everything else, so that it answers while the agent drains.
 *
 * @module
 */
import type { CounterRegistry } from "./counters.ts";
import type { ComponentHealth } from "./health.ts";
import type { Lifecycle } from "./lifecycle.ts";

/** The `-D` prefix of every monitoring property (`flume.monitoring.port`). */
export const MONITORING_PREFIX = "flume.monitoring.";

/** What a monitoring server reads of the agent it reports on. */
export interface MonitoredAgent {
  /** The agent's name (`-n`). */
  readonly name: string;
  /** Every component's counter group (`SOURCE.w1`, `CHANNEL.c1`, `SINK.l1`). */
  readonly counters: CounterRegistry;
  /** The type (`websocket`, `memory`, `null`) of the component a counter group belongs to. */
  componentType(id: string): string | undefined;
  /** What each source and sink says about itself, by counter group id. */
  health(): ReadonlyMap<string, ComponentHealth>;
}

/** A running monitoring server. */
export interface Monitor extends Lifecycle {
  /** Where it serves once started (`http://127.0.0.1:41414/`); undefined before. */
  readonly url: string | undefined;
}

/**
 * A monitoring setting the agent cannot run with: a bad
 * `-Dflume.monitoring.*` value, or an address it cannot listen on. The CLI
 * prints the message as one line and exits 2.
 */
export class MonitoringError extends Error {
  override name = "MonitoringError";
}
