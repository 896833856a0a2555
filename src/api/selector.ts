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
}
