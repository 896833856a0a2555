/**
 * What the sink runners drive: one unit per sink group, and one per sink
 * outside every group (Flume's default processor).
 *
 * @module
 */
import type { Sink } from "../api/sink.ts";
import type { SinkProcessor } from "../api/sink_processor.ts";
import type { AgentConfig } from "../config/agent_config.ts";
import type { SinkGroupConfig } from "../config/sink_groups.ts";
import type { BuildEnvironment } from "./components.ts";
import { DefaultSinkProcessor } from "./default_sink_processor.ts";

/** The sinks one runner drives: a sink group's, or a lone sink. */
export interface SinkUnit {
  /** The group's name, or the lone sink's. */
  readonly name: string;
  /** Absent for a sink outside every group. */
  readonly group?: SinkGroupConfig;
  /** Sink names, in the group's order. */
  readonly sinks: readonly string[];
}

/** The agent's sink units: its groups in the order listed, then every sink in no group. */
export function sinkUnits(config: AgentConfig): SinkUnit[] {
  const grouped = new Set(config.sinkGroups.flatMap((g) => g.sinks));
  return [
    ...config.sinkGroups.map((group) => ({ name: group.name, group, sinks: group.sinks })),
    ...config.sinks.filter((s) => !grouped.has(s.name)).map((s) => ({
      name: s.name,
      sinks: [s.name],
    })),
  ];
}

/** The processor for a unit over its built `sinks` (in the unit's order). */
export function buildProcessor(
  unit: SinkUnit,
  sinks: readonly Sink[],
  env: BuildEnvironment,
): SinkProcessor {
  if (!unit.group) return new DefaultSinkProcessor(sinks[0]);
  const { processor } = unit.group;
  return processor.definition.create({
    name: unit.name,
    config: processor.config,
    prepared: processor.prepared,
    properties: processor.settings,
    log: env.log,
    clock: env.clock,
    sinks,
    counters: env.counters.create("SINK_PROCESSOR", unit.name),
  });
}
