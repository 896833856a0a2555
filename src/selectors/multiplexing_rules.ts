import type { RawProperties } from "../api/properties.ts";
import type { SelectorRoute } from "../api/selector.ts";
import { splitList } from "../config/parse_value.ts";

/** `selector.mapping.VALUE`: the required channels of a header value. */
export const MAPPING_PATTERN: RegExp = /^mapping\.(.+)$/s;
/** `selector.optional.VALUE`: the optional channels of a header value. */
export const OPTIONAL_PATTERN: RegExp = /^optional\.(.+)$/s;

/** A multiplexing selector's rules, by channel name. */
export interface MultiplexingRules {
  /** The header whose value picks the channels. */
  readonly header: string;
  /** Required channels by header value, as `mapping.VALUE` lists them. */
  readonly mapping: ReadonlyMap<string, readonly string[]>;
  /**
   * Optional channels by header value, as `optional.VALUE` lists them
   * without the channels the value requires (those stay required only).
   */
  readonly optional: ReadonlyMap<string, readonly string[]>;
  /** Channels of an event whose header is unset, blank or has no mapping. */
  readonly defaults: readonly string[];
}

/**
 * Reads the rules from the selector's typed `header` and `default` and its
 * `mapping.VALUE` and `optional.VALUE` properties, as Flume's
 * MultiplexingChannelSelector configures itself: a value's optional
 * channels lose those it requires (its mapping, or the default without one).
 */
export function multiplexingRules(
  config: { readonly header: string; readonly default?: readonly string[] },
  properties: RawProperties,
): MultiplexingRules {
  const defaults = unique(config.default ?? []);
  const mapping = new Map<string, readonly string[]>();
  for (const [name, raw] of properties.matching(MAPPING_PATTERN)) {
    mapping.set(name.replace(MAPPING_PATTERN, "$1"), unique(splitList(raw.value)));
  }
  const optional = new Map<string, readonly string[]>();
  for (const [name, raw] of properties.matching(OPTIONAL_PATTERN)) {
    const value = name.replace(OPTIONAL_PATTERN, "$1");
    const required = mapping.get(value) ?? defaults;
    optional.set(value, unique(splitList(raw.value)).filter((c) => !required.includes(c)));
  }
  return { header: config.header, mapping, optional, defaults };
}

/**
 * The rules as `check` shows them: one route per header value that has a
 * mapping or optional channels, then `otherwise` (the default channels).
 */
export function multiplexingRoutes(rules: MultiplexingRules): SelectorRoute[] {
  const values = [...new Set([...rules.mapping.keys(), ...rules.optional.keys()])];
  const routes: SelectorRoute[] = values.map((value) => ({
    when: `header ${rules.header} = ${value}`,
    required: rules.mapping.get(value) ?? rules.defaults,
    optional: rules.optional.get(value) ?? [],
  }));
  routes.push({ when: "otherwise", required: rules.defaults, optional: [] });
  return routes;
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}
