/**
 * Component definitions: what one file declares to add a source, channel,
 * sink, channel selector or interceptor, and what its factory receives.
 *
 * @module
 */
import type { Channel } from "./channel.ts";
import type { Clock } from "./clock.ts";
import type {
  ChannelCounter,
  CounterGroup,
  SenderCounter,
  SinkCounter,
  SourceCounter,
} from "./counters.ts";
import type { Interceptor } from "./interceptor.ts";
import type { Log } from "./log.ts";
import type { Monitor, MonitoredAgent } from "./monitor.ts";
import type {
  CheckedProperties,
  ConfigOf,
  PatternDecl,
  PropertyDecls,
  RawProperties,
  Reporter,
} from "./properties.ts";
import type { ChannelSelector, SelectorRoute } from "./selector.ts";
import type { Sink, SinkWriter } from "./sink.ts";
import type { SinkProcessor } from "./sink_processor.ts";
import type { Source, SourceSender } from "./source.ts";

/**
 * The kinds of component: those a flume.conf configures by `type`, and the
 * monitoring server, which `-Dflume.monitoring.type` chooses.
 */
export type ComponentKind =
  | "source"
  | "channel"
  | "sink"
  | "selector"
  | "interceptor"
  | "processor"
  | "monitor";

/** What every definition declares. */
export interface DefinitionBase<D extends PropertyDecls, P> {
  /** The canonical short type name (`memory`, `logger`, `websocket`). */
  readonly type: string;
  /** Other accepted names, including Flume's fully qualified class names. */
  readonly aliases?: readonly string[];
  /** One line describing the component. */
  readonly summary: string;
  /**
   * A flume.conf fragment using the component, as the README's reference
   * shows it: agent `a1`, the component's properties under their full keys.
   */
  readonly example?: string;
  readonly properties: D;
  readonly patterns?: readonly PatternDecl[];
  /** Cross-property rules, run after every property parsed (invalid ones read as undefined). */
  check?(props: CheckedProperties<NoInfer<D>>, report: Reporter): void;
  /**
   * Expensive material derived from a valid configuration (a keystore's
   * certificates), made once during validation and handed to the factory.
   * Throws PropertyError to report a problem.
   */
  prepare?(config: ConfigOf<NoInfer<D>>, props: RawProperties): P;
  /**
   * The directories the component will create and write to. `check` and
   * the agent test, before anything starts, that each can be created and
   * written, and that no `exclusive` one (a directory the component locks)
   * belongs to another component too.
   */
  directories?(config: ConfigOf<NoInfer<D>>): readonly DirectoryClaim[];
}

/** A directory a component needs, and the property that names it. */
export interface DirectoryClaim {
  /** The property the path comes from (`dataDirs`, `sink.directory`). */
  readonly property: string;
  /** The path, with `~` expanded; relative paths are relative to the working directory. */
  readonly path: string;
  /** True when the component locks it: no other component may use it. */
  readonly exclusive: boolean;
}

/** What every factory receives. */
export interface ComponentContext<C, P> {
  /** The component's name in the file (`w1`, `c1`, `l1`). */
  readonly name: string;
  /** The typed configuration, defaults applied, durations in milliseconds. */
  readonly config: C;
  /** What `prepare` made (undefined without one). */
  readonly prepared: P;
  /** The properties as written, for patterns (`header.NAME`). */
  readonly properties: RawProperties;
  readonly log: Log;
  readonly clock: Clock;
}

/** What a source factory receives. */
export interface SourceContext<C, P, K extends string> extends ComponentContext<C, P> {
  /** Flume's source counters, the sender's and the definition's own. */
  readonly counters: CounterGroup<SourceCounter | SenderCounter | K>;
  /** Where the source's events go. */
  readonly sender: SourceSender;
}

/** What a channel factory receives. */
export interface ChannelContext<C, P> extends ComponentContext<C, P> {
  readonly counters: CounterGroup<ChannelCounter>;
}

/** What a sink factory receives. */
export interface SinkContext<C, P> extends ComponentContext<C, P> {
  readonly counters: CounterGroup<SinkCounter>;
  /** The name of the channel the sink drains. */
  readonly channel: string;
}

/** What a selector factory receives. */
export interface SelectorContext<C, P> extends ComponentContext<C, P> {
  /** The source's channels, in the order listed. */
  readonly channels: readonly Channel[];
}

/** What an interceptor factory receives. */
export interface InterceptorContext<C, P> extends ComponentContext<C, P> {
  /** The counter group of the source the interceptor belongs to (`SOURCE.r1`). */
  readonly counters: CounterGroup<string>;
}

/** What `check --connect` found for one source. */
export interface ConnectVerdict {
  readonly ok: boolean;
  /** One line: `OK: …` or `FAILED: cause`. */
  readonly text: string;
}

/** A source type. */
export interface SourceDefinition<
  D extends PropertyDecls = PropertyDecls,
  P = unknown,
  K extends string = string,
> extends DefinitionBase<D, P> {
  readonly kind: "source";
  /** Counters beyond Flume's source counters. */
  readonly counters?: readonly K[];
  /** The property holding the most events per channel transaction. */
  readonly batchSizeProperty?: keyof D & string;
  /** Events the sender may hold while the channels are full. @default 10000 */
  backlogCapacity?(config: ConfigOf<D>): number;
  create(ctx: SourceContext<ConfigOf<D>, P, K>): Source;
  /** Where the source connects, as `check --connect` shows it (no secrets). */
  target?(config: ConfigOf<D>): string;
  /** Tries the source's connection once, for `check --connect`. */
  diagnose?(config: ConfigOf<D>, prepared: P): Promise<ConnectVerdict>;
}

/** A channel type. */
export interface ChannelDefinition<D extends PropertyDecls = PropertyDecls, P = unknown>
  extends DefinitionBase<D, P> {
  readonly kind: "channel";
  create(ctx: ChannelContext<ConfigOf<D>, P>): Channel;
}

/** A sink type. */
export interface SinkDefinition<D extends PropertyDecls = PropertyDecls, P = unknown>
  extends DefinitionBase<D, P> {
  readonly kind: "sink";
  /**
   * The property holding the most events per channel transaction, checked
   * against the channel's `transactionCapacity`. @default "batchSize"
   */
  readonly batchSizeProperty?: keyof D & string;
  create(ctx: SinkContext<ConfigOf<D>, P>): SinkWriter;
}

/** A channel selector type (`selector.type`); its properties sit under `selector.`. */
export interface SelectorDefinition<D extends PropertyDecls = PropertyDecls, P = unknown>
  extends DefinitionBase<D, P> {
  readonly kind: "selector";
  /** Properties whose values name channels, which must be the source's. */
  readonly channelLists?: readonly (keyof D & string)[];
  create(ctx: SelectorContext<ConfigOf<D>, P>): ChannelSelector;
  /** Which of the source's `channels` each event may reach, for `check`. */
  routes?(
    config: ConfigOf<D>,
    properties: RawProperties,
    channels: readonly string[],
  ): readonly SelectorRoute[];
}

/** An interceptor type (`interceptors.NAME.type`). */
export interface InterceptorDefinition<D extends PropertyDecls = PropertyDecls, P = unknown>
  extends DefinitionBase<D, P> {
  readonly kind: "interceptor";
  create(ctx: InterceptorContext<ConfigOf<D>, P>): Interceptor;
}

/** What a sink processor factory receives; its name is the sink group's. */
export interface ProcessorContext<C, P> extends ComponentContext<C, P> {
  /** The group's sinks, in the order the group's `sinks` lists them. */
  readonly sinks: readonly Sink[];
  /** The group's counters (`SINK_PROCESSOR.NAME`). */
  readonly counters: CounterGroup<string>;
}

/**
 * A sink processor type (`sinkgroups.NAME.processor.type`); its properties
 * sit under `processor.`.
 */
export interface ProcessorDefinition<D extends PropertyDecls = PropertyDecls, P = unknown>
  extends DefinitionBase<D, P> {
  readonly kind: "processor";
  create(ctx: ProcessorContext<ConfigOf<D>, P>): SinkProcessor;
}

/** What a monitoring server's factory receives; its name is its type (`http`). */
export interface MonitorContext<C, P> extends ComponentContext<C, P> {
  /** The agent it reports on. */
  readonly agent: MonitoredAgent;
}

/**
 * A monitoring server type (`-Dflume.monitoring.type`); its properties are
 * the other `-Dflume.monitoring.*` values (`port`, `host`).
 */
export interface MonitorDefinition<D extends PropertyDecls = PropertyDecls, P = unknown>
  extends DefinitionBase<D, P> {
  readonly kind: "monitor";
  create(ctx: MonitorContext<ConfigOf<D>, P>): Monitor;
}

/** Any definition, by kind. */
export interface DefinitionOf {
  readonly source: SourceDefinition;
  readonly channel: ChannelDefinition;
  readonly sink: SinkDefinition;
  readonly selector: SelectorDefinition;
  readonly interceptor: InterceptorDefinition;
  readonly processor: ProcessorDefinition;
  readonly monitor: MonitorDefinition;
}

/** Any component definition. */
export type AnyDefinition = DefinitionOf[ComponentKind];

/**
 * Finds definitions by kind and type name (or alias, any case): what the
 * configuration loader and the agent need of a registry.
 */
export interface ComponentLookup {
  /** The definition for `type`, matched case-insensitively against names and aliases. */
  find<K extends ComponentKind>(kind: K, type: string): DefinitionOf[K] | undefined;
  /** Every definition of a kind, in registration order. */
  all<K extends ComponentKind>(kind: K): readonly DefinitionOf[K][];
}

/** Declares a source type; the configuration its factory gets is typed from `properties`. */
export function defineSource<
  const D extends PropertyDecls,
  P = undefined,
  K extends string = never,
>(
  definition: Omit<SourceDefinition<D, P, K>, "kind">,
): SourceDefinition {
  return { ...definition, kind: "source" } as unknown as SourceDefinition;
}

/** Declares a channel type. */
export function defineChannel<const D extends PropertyDecls, P = undefined>(
  definition: Omit<ChannelDefinition<D, P>, "kind">,
): ChannelDefinition {
  return { ...definition, kind: "channel" } as unknown as ChannelDefinition;
}

/** Declares a sink type. */
export function defineSink<const D extends PropertyDecls, P = undefined>(
  definition: Omit<SinkDefinition<D, P>, "kind">,
): SinkDefinition {
  return { ...definition, kind: "sink" } as unknown as SinkDefinition;
}

/** Declares a channel selector type. */
export function defineSelector<const D extends PropertyDecls, P = undefined>(
  definition: Omit<SelectorDefinition<D, P>, "kind">,
): SelectorDefinition {
  return { ...definition, kind: "selector" } as unknown as SelectorDefinition;
}

/** Declares an interceptor type. */
export function defineInterceptor<const D extends PropertyDecls, P = undefined>(
  definition: Omit<InterceptorDefinition<D, P>, "kind">,
): InterceptorDefinition {
  return { ...definition, kind: "interceptor" } as unknown as InterceptorDefinition;
}

/** Declares a sink processor type. */
export function defineProcessor<const D extends PropertyDecls, P = undefined>(
  definition: Omit<ProcessorDefinition<D, P>, "kind">,
): ProcessorDefinition {
  return { ...definition, kind: "processor" } as unknown as ProcessorDefinition;
}

/** Declares a monitoring server type. */
export function defineMonitor<const D extends PropertyDecls, P = undefined>(
  definition: Omit<MonitorDefinition<D, P>, "kind">,
): MonitorDefinition {
  return { ...definition, kind: "monitor" } as unknown as MonitorDefinition;
}
