import type { Channel } from "../api/channel.ts";
import { defineSelector } from "../api/component.ts";
import type { Event } from "../api/event.ts";
import { list, string } from "../api/properties.ts";
import type { ChannelSelector } from "../api/selector.ts";
import { splitList } from "../config/parse_value.ts";
import {
  MAPPING_PATTERN,
  multiplexingRoutes,
  type MultiplexingRules,
  multiplexingRules,
  OPTIONAL_PATTERN,
} from "./multiplexing_rules.ts";

/** Flume's default `selector.header`. */
export const DEFAULT_SELECTOR_HEADER = "flume.selector.header";

/**
 * Flume's MultiplexingChannelSelector over `channels`: an event whose
 * header value has a mapping requires that mapping's channels; one whose
 * header is unset, blank or unmapped requires the default channels (none
 * when there is no default: the channel processor counts such an event as
 * unrouted). The value's optional channels are added. Channel names not
 * among `channels` are ignored (validation refuses them).
 */
export function multiplexingSelector(
  channels: readonly Channel[],
  rules: MultiplexingRules,
): ChannelSelector {
  const byName = new Map(channels.map((c) => [c.name, c]));
  const resolve = (names: readonly string[]): Channel[] =>
    names.flatMap((n) => byName.get(n) ?? []);
  const defaults = resolve(rules.defaults);
  const mapping = new Map([...rules.mapping].map(([value, names]) => [value, resolve(names)]));
  const optional = new Map([...rules.optional].map(([value, names]) => [value, resolve(names)]));
  const requirable = new Set([...defaults, ...[...mapping.values()].flat()]);
  const none: readonly Channel[] = [];
  return {
    channels,
    requirable: channels.filter((c) => requirable.has(c)),
    required(event: Event): readonly Channel[] {
      const value = event.headers[rules.header];
      if (value === undefined || value.trim() === "") return defaults;
      return mapping.get(value) ?? defaults;
    },
    optional(event: Event): readonly Channel[] {
      const value = event.headers[rules.header];
      return value === undefined ? none : optional.get(value) ?? none;
    },
  };
}

/** The `multiplexing` selector type. */
export const MULTIPLEXING_SELECTOR = defineSelector({
  type: "multiplexing",
  aliases: ["org.apache.flume.channel.MultiplexingChannelSelector"],
  summary: "Routes each event by the value of one of its headers",
  example: `
a1.sources = r1
a1.channels = c1 c2 c3 c4
a1.sources.r1.channels = c1 c2 c3 c4
a1.sources.r1.selector.type = multiplexing
a1.sources.r1.selector.header = state
a1.sources.r1.selector.mapping.CZ = c1
a1.sources.r1.selector.mapping.US = c2 c3
a1.sources.r1.selector.optional.CZ = c2
a1.sources.r1.selector.default = c4`,
  properties: {
    header: string({
      default: DEFAULT_SELECTOR_HEADER,
      doc: "The event header whose value picks the channels",
    }),
    default: list({
      doc: "Channels of events whose header is unset or has no mapping; without it they " +
        "reach no channel and are counted as EventUnroutedCount",
    }),
  },
  patterns: [
    {
      pattern: MAPPING_PATTERN,
      display: "mapping.VALUE",
      kind: "list",
      doc: "Channels an event whose header equals VALUE must reach (a failure is retried)",
    },
    {
      pattern: OPTIONAL_PATTERN,
      display: "optional.VALUE",
      kind: "list",
      doc: "Channels such an event also goes to; their failures are logged and counted as " +
        "OptionalChannelWriteFail, not retried",
    },
  ],
  channelLists: ["default"],
  check(props, report): void {
    for (const [name, raw] of props.matching(MAPPING_PATTERN)) {
      if (splitList(raw.value).length > 0) continue;
      report({
        property: name,
        message: `No channel configured for header value "${name.replace(MAPPING_PATTERN, "$1")}"`,
        hint: "list the channels it goes to, or remove the line to use selector.default",
      });
    }
    if (props.has("default") && (props.get("default") ?? []).length > 0) return;
    const mapped = props.matching(MAPPING_PATTERN).length > 0;
    report({
      severity: "warning",
      property: props.has("default") ? "default" : undefined,
      message: mapped
        ? "No selector.default: an event whose header has no mapping reaches no channel"
        : "Neither selector.mapping.VALUE nor selector.default is set: no event reaches a channel",
      hint: "such events are dropped and counted as EventUnroutedCount; " +
        "set selector.default = CHANNELS to keep them",
    });
  },
  create: (ctx) =>
    multiplexingSelector(ctx.channels, multiplexingRules(ctx.config, ctx.properties)),
  routes: (config, properties) => multiplexingRoutes(multiplexingRules(config, properties)),
});
