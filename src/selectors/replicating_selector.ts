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
  example: `
a1.sources = r1
a1.channels = c1 c2 c3
a1.sources.r1.channels = c1 c2 c3
a1.sources.r1.selector.type = replicating
a1.sources.r1.selector.optional = c3`,
  properties: {
    optional: list({
      doc: "Channels whose failures are logged and counted as OptionalChannelWriteFail, " +
        "not retried",
    }),
  },
  channelLists: ["optional"],
  create: (ctx) => replicatingSelector(ctx.channels, ctx.config.optional),
  routes: (config, _properties, channels) => [{
    when: "all events",
    required: channels.filter((c) => !(config.optional ?? []).includes(c)),
    optional: channels.filter((c) => (config.optional ?? []).includes(c)),
  }],
});
