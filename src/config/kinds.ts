/**
 * The kinds of component a flume.conf configures, as one table: which list
 * names them, the properties every component of the kind takes besides its
 * type's own, how it links to channels, and where a nested kind (a source's
 * selector and interceptors) sits. Validation, `check`'s topology and the
 * README's reference all read it.
 *
 * @module
 */
import type { ComponentKind } from "../api/component.ts";

/** A property every component of a kind takes, as the reference shows it. */
export interface GenericProperty {
  readonly name: string;
  /** The default as shown: `required`, `replicating`, `–`. */
  readonly shown: string;
  readonly doc: string;
}

/** How components of a kind name the channels they use. */
export interface LinkRule {
  /** `channels` (a source's, several) or `channel` (a sink's, exactly one). */
  readonly property: string;
  /** True when it lists several channels. */
  readonly many: boolean;
  /** The other kind's link property, written here by mistake: a hint, never a link. */
  readonly misused: string;
}

/** A kind listed at the top of the agent (`a1.sources = …`). */
export interface ListedKind {
  readonly kind: ComponentKind | "sinkgroup";
  /** The agent's list key and the key group of its components. */
  readonly list: "sources" | "channels" | "sinks" | "sinkgroups";
  /** `source`, as messages name one. */
  readonly noun: string;
  /** The README section title. */
  readonly title: string;
  readonly generic: readonly GenericProperty[];
  readonly link?: LinkRule;
}

/** A kind configured inside a source (`selector.*`, `interceptors.NAME.*`). */
export interface NestedKind {
  readonly kind: "selector" | "interceptor";
  readonly noun: string;
  readonly title: string;
  /** `selector`: one, its keys under `selector.`; `interceptors`: a list, each under `interceptors.NAME.`. */
  readonly key: "selector" | "interceptors";
  /** The type when none is set. */
  readonly defaultType?: string;
  readonly generic: readonly GenericProperty[];
}

/** The kinds listed at the top of an agent, in the order the README shows them. */
export const LISTED_KINDS: readonly ListedKind[] = [
  {
    kind: "source",
    list: "sources",
    noun: "source",
    title: "Sources",
    link: { property: "channels", many: true, misused: "channel" },
    generic: [
      { name: "type", shown: "required", doc: "The source type (below)" },
      { name: "channels", shown: "required", doc: "Channels to write to, separated by spaces" },
      {
        name: "selector.type",
        shown: "replicating",
        doc: "The channel selector (below): which channels each event goes to",
      },
      {
        name: "interceptors",
        shown: "–",
        doc: "Interceptors applied in order, each set as `interceptors.NAME.type` (below)",
      },
    ],
  },
  {
    kind: "channel",
    list: "channels",
    noun: "channel",
    title: "Channels",
    generic: [{ name: "type", shown: "required", doc: "The channel type (below)" }],
  },
  {
    kind: "sink",
    list: "sinks",
    noun: "sink",
    title: "Sinks",
    link: { property: "channel", many: false, misused: "channels" },
    generic: [
      { name: "type", shown: "required", doc: "The sink type (below)" },
      { name: "channel", shown: "required", doc: "The one channel to take from" },
    ],
  },
  {
    kind: "sinkgroup",
    list: "sinkgroups",
    noun: "sink group",
    title: "Sink groups",
    generic: [
      {
        name: "sinks",
        shown: "required",
        doc: "The sinks of the group, separated by spaces; a sink belongs to one group at most",
      },
      {
        name: "processor.type",
        shown: "default",
        doc: "The sink processor (below): `default` (one sink), `failover` or `load_balance`; " +
          "its properties are set as `processor.PROPERTY`",
      },
    ],
  },
];

/** The kinds configured inside a source. */
export const NESTED_KINDS: readonly NestedKind[] = [
  {
    kind: "selector",
    noun: "selector",
    title: "Channel selectors",
    key: "selector",
    defaultType: "replicating",
    generic: [{ name: "selector.type", shown: "replicating", doc: "The selector type" }],
  },
  {
    kind: "interceptor",
    noun: "interceptor",
    title: "Interceptors",
    key: "interceptors",
    generic: [{ name: "interceptors.NAME.type", shown: "required", doc: "The interceptor type" }],
  },
];

/** The listed kind whose list key is `list`, if any (false for Object.prototype's names). */
export function listedKind(list: string): ListedKind | undefined {
  return LISTED_KINDS.find((k) => k.list === list);
}
