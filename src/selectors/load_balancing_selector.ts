import type { Channel } from "../api/channel.ts";
import { defineSelector } from "../api/component.ts";
import { oneOf } from "../api/properties.ts";
import type { ChannelSelector } from "../api/selector.ts";

/** How the load-balancing selector picks each event's channel. */
export type BalancePolicy = "round_robin" | "random";

/**
 * Flume's load-balancing selector: each event must reach exactly one of the
 * source's channels, taken in turn (`round_robin`) or at random; there are
 * no optional channels. Spreading one feed over several channels lets
 * several sinks drain it at once.
 */
export function loadBalancingSelector(
  channels: readonly Channel[],
  policy: BalancePolicy,
  random: () => number = Math.random,
): ChannelSelector {
  const single = channels.map((c) => [c] as const);
  let next = 0;
  const pick = policy === "random"
    ? (): readonly Channel[] => single[Math.floor(random() * single.length)]
    : (): readonly Channel[] => {
      const chosen = single[next];
      next = (next + 1) % single.length;
      return chosen;
    };
  return {
    channels,
    required: pick,
    optional: () => [],
    requirable: channels,
  };
}

/** The `load_balancing` selector type. */
export const LOAD_BALANCING_SELECTOR = defineSelector({
  type: "load_balancing",
  aliases: ["org.apache.flume.channel.LoadBalancingChannelSelector"],
  summary: "Each event goes to one channel of the source, in turn or at random",
  example: `
a1.sources = r1
a1.channels = c1 c2 c3 c4
a1.sources.r1.channels = c1 c2 c3 c4
a1.sources.r1.selector.type = load_balancing
a1.sources.r1.selector.policy = round_robin`,
  properties: {
    policy: oneOf({
      values: ["round_robin", "random"],
      default: "round_robin",
      doc: "How each event's channel is chosen",
    }),
  },
  create: (ctx) => loadBalancingSelector(ctx.channels, ctx.config.policy),
  routes: (config, _properties, channels) => [{
    when: `each event, to one channel ${config.policy === "random" ? "at random" : "in turn"}`,
    required: channels,
    optional: [],
  }],
});
