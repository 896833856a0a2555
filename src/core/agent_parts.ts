/**
 * The running components of an agent, by name, and how each is built
 * from its configuration: what the agent starts and stops, and what a
 * reload replaces piece by piece.
 *
 * @module
 */
import type { Channel } from "../api/channel.ts";
import type { Clock } from "../api/clock.ts";
import type { CounterRegistry } from "../api/counters.ts";
import type { Log } from "../api/log.ts";
import type { AgentConfig, SourceConfig } from "../config/agent_config.ts";
import { buildChannel, buildSink, buildSource, type RunningSource } from "./components.ts";
import { unitLabel } from "./config_diff.ts";
import { buildUnit, type RunningUnit } from "./running_unit.ts";
import { type SinkUnit, sinkUnits } from "./sink_processors.ts";

/** The categories of `logFor`. */
export type LogCategory = "agent" | "source" | "channel" | "sink" | "monitoring";

/** What building the agent's components needs. */
export interface PartsEnvironment {
  readonly counters: CounterRegistry;
  readonly clock: Clock;
  /** The log for a component, e.g. `logFor("sink", "l1")`. */
  readonly logFor: (category: LogCategory, name: string) => Log;
}

/** The running components and the configuration they were built from. */
export interface AgentParts {
  /** What runs: the configuration applied last, without what failed to start. */
  config: AgentConfig;
  readonly channels: Map<string, Channel>;
  /** By {@linkcode unitLabel}. */
  readonly units: Map<string, RunningUnit>;
  readonly sources: Map<string, RunningSource>;
}

/** Builds every component of `config`; nothing is started. */
export function buildParts(config: AgentConfig, env: PartsEnvironment): AgentParts {
  const channels = new Map(config.channels.map((c) => [c.name, newChannel(config, c.name, env)]));
  const units = new Map(
    sinkUnits(config).map((u) => [unitLabel(u), newUnit(config, u, channels, env)]),
  );
  const sources = new Map(
    config.sources.map((s) => [s.name, newSource(s, channels, env)]),
  );
  return { config, channels, units, sources };
}

/** Builds channel `name` of `config`. */
export function newChannel(config: AgentConfig, name: string, env: PartsEnvironment): Channel {
  const channel = config.channels.find((c) => c.name === name)!;
  return buildChannel(channel, {
    counters: env.counters,
    clock: env.clock,
    log: env.logFor("channel", name),
  });
}

/** Builds a sink unit's sinks (on the channels of `channels`) and its runner. */
export function newUnit(
  config: AgentConfig,
  unit: SinkUnit,
  channels: ReadonlyMap<string, Channel>,
  env: PartsEnvironment,
): RunningUnit {
  const { counters, clock } = env;
  const sinks = unit.sinks.map((name) => {
    const sink = config.sinks.find((s) => s.name === name)!;
    return buildSink(sink, channels.get(sink.channel)!, {
      counters,
      clock,
      log: env.logFor("sink", name),
    });
  });
  return buildUnit(unit, sinks, { counters, clock, log: env.logFor("sink", unit.name) });
}

/** Builds a source writing to its channels of `channels`. */
export function newSource(
  source: SourceConfig,
  channels: ReadonlyMap<string, Channel>,
  env: PartsEnvironment,
): RunningSource {
  return buildSource(source, source.channels.map((n) => channels.get(n)!), {
    counters: env.counters,
    clock: env.clock,
    log: env.logFor("source", source.name),
  });
}

/** The type (`websocket`, `memory`) of each component, by counter group id. */
export function componentTypes(config: AgentConfig): Map<string, string> {
  return new Map([
    ...config.sources.map((c) => [`SOURCE.${c.name}`, c.definition.type] as const),
    ...config.channels.map((c) => [`CHANNEL.${c.name}`, c.definition.type] as const),
    ...config.sinks.map((c) => [`SINK.${c.name}`, c.definition.type] as const),
  ]);
}
