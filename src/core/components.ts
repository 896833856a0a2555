/**
 * Builds running components from their validated configuration: the
 * definition's factory gets its typed config, its prepared material and
 * its counters; the framework adds what every component of the kind
 * needs (a sink's transaction loop, a source's sender and runner).
 *
 * @module
 */
import type { Channel } from "../api/channel.ts";
import type { Clock } from "../api/clock.ts";
import {
  CHANNEL_COUNTERS,
  type CounterGroup,
  type CounterRegistry,
  SENDER_COUNTERS,
  SINK_COUNTERS,
  SOURCE_COUNTERS,
} from "../api/counters.ts";
import { type ComponentHealth, NO_FAILURES } from "../api/health.ts";
import type { Status } from "../api/lifecycle.ts";
import type { Log } from "../api/log.ts";
import type { Source } from "../api/source.ts";
import type { ComponentContext } from "../api/component.ts";
import type { ConfigOf, PropertyDecls } from "../api/properties.ts";
import type { ComponentConfig, SinkConfig, SourceConfig } from "../config/agent_config.ts";
import { BatchSink } from "./batch_sink.ts";
import { ChannelProcessor, ROUTING_COUNTERS } from "./channel_processor.ts";
import { PollingRunner } from "./polling_runner.ts";
import { Sender } from "./source_sender.ts";

/** Events a source's sender holds when its definition does not say. */
export const DEFAULT_BACKLOG_CAPACITY = 10_000;

/** What building a component needs besides its configuration. */
export interface BuildEnvironment {
  readonly counters: CounterRegistry;
  readonly log: Log;
  readonly clock: Clock;
}

/** Builds a channel. */
export function buildChannel(config: ComponentConfig<"channel">, env: BuildEnvironment): Channel {
  return config.definition.create({
    ...common(config, env),
    counters: env.counters.create("CHANNEL", config.name, CHANNEL_COUNTERS),
  });
}

/** Builds a sink: its writer inside the framework's transaction loop. */
export function buildSink(config: SinkConfig, channel: Channel, env: BuildEnvironment): BatchSink {
  const counters = env.counters.create("SINK", config.name, SINK_COUNTERS);
  const writer = config.definition.create({
    ...common(config, env),
    counters,
    channel: channel.name,
  });
  return new BatchSink(config.name, channel, writer, { counters, log: env.log });
}

/** Builds a source with its selector, interceptors, channel processor and sender. */
export function buildSource(
  config: SourceConfig,
  channels: readonly Channel[],
  env: BuildEnvironment,
): RunningSource {
  const selector = config.selector.definition.create({
    ...common(config.selector, env),
    channels,
  });
  const counters = env.counters.create("SOURCE", config.name, [
    ...SOURCE_COUNTERS,
    ...SENDER_COUNTERS,
    ...ROUTING_COUNTERS,
    ...(config.definition.counters ?? []),
  ]);
  const interceptors = config.interceptors.map((i) =>
    i.definition.create({ ...common(i, env), name: i.name, counters })
  );
  const processor = new ChannelProcessor(selector, env.log, {
    interceptors,
    onIntercepted: (n) => counters.add("InterceptorDropCount", n),
    counters,
  });
  const capacity = config.definition.backlogCapacity?.(config.config) ??
    DEFAULT_BACKLOG_CAPACITY;
  const sender = new Sender(processor, { capacity, counters, log: env.log, clock: env.clock });
  const source = config.definition.create({ ...common(config, env), counters, sender });
  return new RunningSource(config.name, source, { sender, counters, log: env.log, env });
}

/** A source as the agent runs it: its own start and stop, a runner for a pollable one, its sender. */
export class RunningSource {
  readonly name: string;
  /** What the definition made. */
  readonly source: Source;
  readonly sender: Sender;
  readonly counters: CounterGroup<string>;
  readonly #runner: PollingRunner | undefined;

  /** Wraps `source`; a pollable one gets a PollingRunner. */
  constructor(
    name: string,
    source: Source,
    options: {
      sender: Sender;
      counters: CounterGroup<string>;
      log: Log;
      env: BuildEnvironment;
    },
  ) {
    this.name = name;
    this.source = source;
    this.sender = options.sender;
    this.counters = options.counters;
    const poll = source.poll?.bind(source);
    this.#runner = poll
      ? new PollingRunner(`source ${name}`, (): Promise<Status> => poll(), {
        clock: options.env.clock,
        log: options.log,
      })
      : undefined;
  }

  /** What the source says about itself; a source that does not say has nothing to fail. */
  health(): ComponentHealth {
    return this.source.health?.() ?? NO_FAILURES;
  }

  /** Starts the source, then its runner. */
  async start(): Promise<void> {
    await this.source.start?.();
    this.#runner?.start();
  }

  /**
   * Stops the source and hands the sender's backlog over; returns what was
   * dropped. A pollable source's poll may be waiting for the sender, so
   * the sender closes first there (its last put resolves that wait).
   */
  async stop(): Promise<number> {
    if (!this.#runner) {
      await this.source.stop?.();
      return await this.sender.close();
    }
    const closing = this.sender.close();
    await this.#runner.stop();
    await this.source.stop?.();
    return await closing;
  }
}

/** What every factory gets. */
function common(
  config: ComponentConfig,
  env: BuildEnvironment,
): ComponentContext<ConfigOf<PropertyDecls>, unknown> {
  return {
    name: config.name,
    config: config.config,
    prepared: config.prepared,
    properties: config.settings,
    log: env.log,
    clock: env.clock,
  };
}
