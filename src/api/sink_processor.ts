import type { Lifecycle, Status } from "./lifecycle.ts";
import type { Sink } from "./sink.ts";

/**
 * Flume's SinkProcessor: what a sink runner calls. The default one runs a
 * single sink; failover and load_balance choose among a sink group's sinks.
 */
export interface SinkProcessor extends Lifecycle {
  /** The sinks it drives. */
  readonly sinks: readonly Sink[];
  /** One round: the chosen sink's process(). */
  process(): Promise<Status>;
}
