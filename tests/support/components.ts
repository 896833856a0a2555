/**
 * Builds single components the way the agent does — from flume.conf
 * properties, through validation, defaults and `prepare`, then the
 * framework's wrappers — so that tests exercise the real path without a
 * whole agent.
 *
 * @module
 */
import type { Channel } from "../../src/api/channel.ts";
import { type Clock, SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { type CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import type { Log } from "../../src/api/log.ts";
import { type AgentConfig, loadAgentConfig } from "../../src/config/agent_config.ts";
import type { BatchSink } from "../../src/core/batch_sink.ts";
import {
  buildChannel,
  buildSink,
  buildSource,
  type RunningSource,
} from "../../src/core/components.ts";
import { builtinRegistry, type Definitions } from "../../src/registry.ts";
import { RecordingLog } from "./recording_log.ts";

/** Collaborators of a built component; each defaults to a fresh one. */
export interface BuildOptions {
  readonly clock?: Clock;
  readonly log?: Log;
  readonly counters?: CounterRegistry;
  /** Definitions beyond the built-in ones (a test's own component). */
  readonly extra?: Partial<Definitions>;
}

/** Variables that are never set, for ${env:…} and ${sys:…}. */
const NO_VARIABLES = { env: (): undefined => undefined, sys: {} };

/** Loads agent `a1` from flume.conf lines with the built-in registry (plus `extra`). */
export function loadConf(
  lines: string | readonly string[],
  extra: Partial<Definitions> = {},
): AgentConfig {
  return loadAgentConfig(typeof lines === "string" ? lines : lines.join("\n"), {
    file: "test.conf",
    agent: "a1",
    lookup: builtinRegistry(extra),
    variables: NO_VARIABLES,
  });
}

/** `a1.GROUP.NAME.KEY = VALUE` lines for `props`. */
function propertyLines(prefix: string, props: Readonly<Record<string, string>>): string[] {
  return Object.entries(props).map(([k, v]) => `${prefix}.${k} = ${v}`);
}

/** The environment a component is built in, with the defaults filled in. */
function environment(options: BuildOptions): {
  clock: Clock;
  log: Log;
  counters: CounterRegistry;
} {
  return {
    clock: options.clock ?? SYSTEM_CLOCK,
    log: options.log ?? new RecordingLog(),
    counters: options.counters ?? new CounterRegistry(),
  };
}

/**
 * A sink `k1` of `type` with `props`, validated as the agent validates it
 * (its channel in the file is a roomy memory channel), draining `channel`.
 */
export function sinkFrom(
  type: string,
  props: Readonly<Record<string, string>>,
  channel: Channel,
  options: BuildOptions = {},
): BatchSink {
  const config = loadConf([
    "a1.channels = c1",
    "a1.sinks = k1",
    "a1.channels.c1.type = memory",
    "a1.channels.c1.capacity = 1000000",
    "a1.channels.c1.transactionCapacity = 1000000",
    `a1.sinks.k1.type = ${type}`,
    "a1.sinks.k1.channel = c1",
    ...propertyLines("a1.sinks.k1", props),
  ], options.extra);
  return buildSink(config.sinks[0], channel, environment(options));
}

/** A source `w1` of `type` with `props`, validated as the agent does, writing to `channels`. */
export function sourceFrom(
  type: string,
  props: Readonly<Record<string, string>>,
  channels: readonly Channel[],
  options: BuildOptions = {},
): RunningSource {
  const names = channels.map((c) => c.name);
  const config = loadConf([
    "a1.sources = w1",
    `a1.channels = ${names.join(" ")}`,
    ...names.flatMap((n) => [
      `a1.channels.${n}.type = memory`,
      `a1.channels.${n}.capacity = 1000000`,
      `a1.channels.${n}.transactionCapacity = 1000000`,
    ]),
    `a1.sources.w1.type = ${type}`,
    `a1.sources.w1.channels = ${names.join(" ")}`,
    ...propertyLines("a1.sources.w1", props),
  ], options.extra);
  return buildSource(config.sources[0], channels, environment(options));
}

/** A channel `c1` of `type` with `props`, validated as the agent does (not started). */
export function channelFrom(
  type: string,
  props: Readonly<Record<string, string>>,
  options: BuildOptions = {},
): Channel {
  const config = loadConf([
    "a1.channels = c1",
    "a1.sinks = k1",
    `a1.channels.c1.type = ${type}`,
    ...propertyLines("a1.channels.c1", props),
    "a1.sinks.k1.type = null",
    "a1.sinks.k1.channel = c1",
    "a1.sinks.k1.batchSize = 1",
  ], options.extra);
  return buildChannel(config.channels[0], environment(options));
}

/** The counter group `id` (`SOURCE.w1`) of `counters`; fails when there is none. */
export function group(counters: CounterRegistry, id: string): CounterGroup<string> {
  const found = counters.get(id);
  if (!found) throw new Error(`No counter group "${id}"`);
  return found;
}
