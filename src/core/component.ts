import type { ComponentSpec } from "../config/component_spec.ts";
import type { Settings } from "../config/settings.ts";
import type { Channel } from "./channel.ts";
import type { ChannelProcessor } from "./channel_processor.ts";
import type { Clock } from "./clock.ts";
import type { CounterGroup, CounterRegistry } from "./counters.ts";
import type { Lifecycle, Status } from "./lifecycle.ts";
import type { Log } from "./log.ts";

/** What every component factory receives. */
export interface ComponentContext {
  /** The component's name in the file (`w1`, `c1`, `l1`). */
  readonly name: string;
  readonly settings: Settings;
  readonly counters: CounterRegistry;
  readonly log: Log;
  readonly clock: Clock;
}

/** A source: produces events into its ChannelProcessor until stopped. */
export interface Source extends Lifecycle {
  readonly name: string;
  readonly counters: CounterGroup;
}

/** A sink: drains one channel, one transaction per `process()` call. */
export interface Sink extends Lifecycle {
  readonly name: string;
  readonly counters: CounterGroup;
  readonly channel: Channel;
  /** Takes up to a batch in one transaction; BACKOFF when there was nothing to do. */
  process(): Promise<Status>;
}

/** A channel type: its spec and its factory. */
export interface ChannelDefinition {
  readonly spec: ComponentSpec;
  create(ctx: ComponentContext): Channel;
}

/** What `check --connect` found for one source. */
export interface ConnectVerdict {
  readonly ok: boolean;
  /** One line: `OK: …` or `FAILED: cause`. */
  readonly text: string;
}

/** A source type: its spec and its factory. */
export interface SourceDefinition {
  readonly spec: ComponentSpec;
  create(ctx: ComponentContext, processor: ChannelProcessor): Source;
  /** Tries the source's connection once, for `check --connect`. */
  diagnose?(settings: Settings): Promise<ConnectVerdict>;
}

/** A sink type: its spec and its factory. */
export interface SinkDefinition {
  readonly spec: ComponentSpec;
  create(ctx: ComponentContext, channel: Channel): Sink;
}
