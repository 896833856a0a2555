import type { Channel } from "../core/channel.ts";

/** Decides which channels receive a batch of events. */
export interface ChannelSelector {
  /** Channels every event must reach; a failure fails the batch. */
  readonly required: readonly Channel[];
  /** Channels whose failures are logged and ignored. */
  readonly optional: readonly Channel[];
}

/**
 * Flume's replicating selector: every event goes to every channel; the
 * channels named in `selector.optional` are optional.
 */
export function replicatingSelector(
  channels: readonly Channel[],
  optionalNames: readonly string[] = [],
): ChannelSelector {
  return {
    required: channels.filter((c) => !optionalNames.includes(c.name)),
    optional: channels.filter((c) => optionalNames.includes(c.name)),
  };
}
