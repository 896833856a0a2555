import type { Channel } from "../api/channel.ts";
import { defineSelector } from "../api/component.ts";
import { list } from "../api/properties.ts";
import type { ChannelSelector } from "../api/selector.ts";

/**
 * Flume's replicating selector: every event goes to every channel; the
 * channels named in `optional` are optional.
 */
export function replicatingSelector(
  channels: readonly Channel[],
  optionalNames: readonly string[] = [],
): ChannelSelector {
  const fixed = {
    required: channels.filter((c) => !optionalNames.includes(c.name)),
    optional: channels.filter((c) => optionalNames.includes(c.name)),
  };
  return {
    channels,
    fixed,
    required: () => fixed.required,
    optional: () => fixed.optional,
  };
}

/** The `replicating` selector type, Flume's default. */
export const REPLICATING_SELECTOR = defineSelector({
  type: "replicating",
  aliases: ["org.apache.flume.channel.ReplicatingChannelSelector"],
  summary: "Every event goes to every channel of the source",
  properties: {
    optional: list({ doc: "Channels whose failures are logged and ignored" }),
  },
  channelLists: ["optional"],
  create: (ctx) => replicatingSelector(ctx.channels, ctx.config.optional),
});
