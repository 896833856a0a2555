/**
 * A sink unit as the agent runs it: its sinks, its processor and the
 * PollingRunner that drives the processor.
 *
 * @module
 */
import type { Channel } from "../api/channel.ts";
import type { Sink } from "../api/sink.ts";
import type { BuildEnvironment } from "./components.ts";
import { PollingRunner } from "./polling_runner.ts";
import { buildProcessor, type SinkUnit } from "./sink_processors.ts";

/** How long a busy sink runner may keep the event loop: see the runner's options. */
const SINK_YIELD_EVERY_MS = 250;

/** One runner over a unit's built sinks. */
export interface RunningUnit {
  readonly unit: SinkUnit;
  readonly runner: PollingRunner;
  /** In the unit's order. */
  readonly sinks: readonly Sink[];
}

/** The runner (through the unit's processor) over `sinks`, built in the unit's order. */
export function buildUnit(
  unit: SinkUnit,
  sinks: readonly Sink[],
  env: BuildEnvironment,
): RunningUnit {
  const processor = buildProcessor(unit, sinks, env);
  const channels: Channel[] = [...new Set(sinks.map((sink) => sink.channel))];
  const runner = new PollingRunner(`sink ${unit.name}`, () => processor.process(), {
    clock: env.clock,
    log: env.log,
    channels,
    // A sink only runs while its channel holds events, and a WebSocket
    // flood keeps timers waiting: yielding to them every 10 ms would
    // stall the sink for the whole flood. A sink goes IDLE (and so lets
    // timers run) as soon as it has drained its channel, and does not
    // yield at all while the channel is over half full.
    yieldEveryMs: SINK_YIELD_EVERY_MS,
  });
  return { unit, runner, sinks };
}

/** The counter group ids a unit owns: its sinks', and its processor's for a group. */
export function unitCounterIds(unit: RunningUnit): string[] {
  const ids = unit.sinks.map((sink) => sink.counters.id);
  return unit.unit.group ? [...ids, `SINK_PROCESSOR.${unit.unit.name}`] : ids;
}
