/**
 * Builds a source's interceptors from flume.conf lines the way the agent
 * does (validation, defaults, `prepare`, then each definition's factory
 * with the source's counter group), and runs events through the chain.
 *
 * @module
 */
import { type Clock, SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CounterRegistry, SENDER_COUNTERS, SOURCE_COUNTERS } from "../../src/api/counters.ts";
import type { CounterGroup } from "../../src/api/counters.ts";
import type { Event } from "../../src/api/event.ts";
import type { Interceptor } from "../../src/api/interceptor.ts";
import { type AgentConfig, loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { RecordingLog } from "../support/recording_log.ts";

/** A built chain and what it reports to. */
export interface Chain {
  readonly interceptors: readonly Interceptor[];
  /** The source's counter group (`SOURCE.r1`). */
  readonly counters: CounterGroup<string>;
  readonly log: RecordingLog;
  /** Runs `events` through every interceptor, in order. */
  run(events: readonly Event[]): readonly Event[];
}

/** The agent around a source r1 whose interceptor lines are `lines` (from line 7 on). */
export function confWith(lines: readonly string[]): string {
  return [
    "a1.sources = r1", // 1
    "a1.channels = c1", // 2
    "a1.sinks = k1", // 3
    "a1.sources.r1.type = seq", // 4
    "a1.sources.r1.channels = c1", // 5
    "a1.channels.c1.type = memory", // 6
    ...lines,
    "a1.sinks.k1.type = null",
    "a1.sinks.k1.channel = c1",
  ].join("\n") + "\n";
}

/** Loads agent a1 of `text` as `flume.conf`, with no variables set. */
export function load(text: string): AgentConfig {
  return loadAgentConfig(text, {
    file: "flume.conf",
    agent: "a1",
    lookup: builtinRegistry(),
    variables: { env: (): undefined => undefined, sys: {} },
  });
}

/** The issues loading `text` reports: a ConfigError's, or a valid file's warnings. */
export function issuesOf(text: string): readonly ConfigIssue[] {
  try {
    return load(text).warnings;
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
}

/**
 * Source r1's interceptors, from `interceptors` (the list) and each one's
 * properties, keyed by name: `{ i1: { type: "static", key: "k" } }`.
 */
export function chainOf(
  interceptors: Readonly<Record<string, Readonly<Record<string, string>>>>,
  options: { readonly clock?: Clock; readonly allowWarnings?: boolean } = {},
): Chain {
  const lines = [`a1.sources.r1.interceptors = ${Object.keys(interceptors).join(" ")}`];
  for (const [name, props] of Object.entries(interceptors)) {
    for (const [key, value] of Object.entries(props)) {
      lines.push(`a1.sources.r1.interceptors.${name}.${key} = ${value}`);
    }
  }
  const config = load(confWith(lines));
  if (config.warnings.length > 0 && !options.allowWarnings) {
    throw new Error(`Unexpected warnings: ${config.warnings.map((w) => w.message).join("; ")}`);
  }
  const log = new RecordingLog();
  const counters = new CounterRegistry().create("SOURCE", "r1", [
    ...SOURCE_COUNTERS,
    ...SENDER_COUNTERS,
  ]) as CounterGroup<string>;
  const built = config.sources[0].interceptors.map((i) =>
    i.definition.create({
      name: i.name,
      config: i.config,
      prepared: i.prepared,
      properties: i.settings,
      log,
      clock: options.clock ?? SYSTEM_CLOCK,
      counters,
    })
  );
  return {
    interceptors: built,
    counters,
    log,
    run(events: readonly Event[]): readonly Event[] {
      return built.reduce((batch, interceptor) => interceptor.intercept(batch), events);
    },
  };
}

/** An event with a UTF-8 body of `text` (bytes, not a TextEvent) and `headers`. */
export function bytesEvent(text: string, headers: Record<string, string> = {}): Event {
  return { headers, body: new TextEncoder().encode(text) };
}
