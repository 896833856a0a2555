import type { Channel } from "./channel.ts";
import type { Event } from "./event.ts";

/** Flume's ChannelSelector: which of a source's channels each event goes to. */
export interface ChannelSelector {
  /** Every channel of the source, in the order listed. */
  readonly channels: readonly Channel[];
  /** Channels `event` must reach; a failure on one fails the put. */
  required(event: Event): readonly Channel[];
  /** Channels whose failures for `event` are logged and counted, not raised. */
  optional(event: Event): readonly Channel[];
  /**
   * Set when every event goes to the same channels (the replicating
   * selector): the put then skips the per-event choice.
   */
  readonly fixed?: {
    readonly required: readonly Channel[];
    readonly optional: readonly Channel[];
  };
  /**
   * Every channel that some event may require, which back-pressure waits
   * on; every channel when absent.
   */
  readonly requirable?: readonly Channel[];
}

/** One routing rule as `check` shows it: `header state = CZ -> c1 (optional: c2)`. */
export interface SelectorRoute {
  /** Which events: `all events`, `header state = CZ`, `otherwise`. */
  readonly when: string;
  /** The channels they must reach. */
  readonly required: readonly string[];
  /** The channels they also go to, whose failures are only logged and counted. */
  readonly optional: readonly string[];
}
