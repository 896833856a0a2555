/**
 * The built-in components, by kind: adding a component is its definition
 * and one line here. Only the CLI and the benchmarks import this file.
 *
 * @module
 */
import type {
  ComponentKind,
  ComponentLookup,
  DefinitionOf,
  MonitorDefinition,
  ProcessorDefinition,
  SourceDefinition,
} from "./api/component.ts";
import { FILE_CHANNEL } from "./channels/file/mod.ts";
import { MEMORY_CHANNEL } from "./channels/memory_channel.ts";
import { SPILLABLE_MEMORY_CHANNEL } from "./channels/spillable/mod.ts";
import {
  HOST_INTERCEPTOR,
  JSON_EXTRACTOR_INTERCEPTOR,
  REGEX_EXTRACTOR_INTERCEPTOR,
  REGEX_FILTER_INTERCEPTOR,
  REMOVE_HEADER_INTERCEPTOR,
  STATIC_INTERCEPTOR,
  TIMESTAMP_INTERCEPTOR,
  UUID_INTERCEPTOR,
} from "./interceptors/mod.ts";
import { HTTP_MONITOR, PROMETHEUS_MONITOR } from "./monitoring/monitors.ts";
import { DEFAULT_PROCESSOR } from "./processors/default_processor.ts";
import { FAILOVER_PROCESSOR } from "./processors/failover_processor.ts";
import { LOAD_BALANCE_PROCESSOR } from "./processors/load_balance_processor.ts";
import { LOAD_BALANCING_SELECTOR } from "./selectors/load_balancing_selector.ts";
import { MULTIPLEXING_SELECTOR } from "./selectors/multiplexing_selector.ts";
import { REPLICATING_SELECTOR } from "./selectors/replicating_selector.ts";
import { AVRO_SINK } from "./sinks/avro/mod.ts";
import { FILE_ROLL_SINK } from "./sinks/file_roll_sink.ts";
import { HTTP_SINK } from "./sinks/http_sink.ts";
import { KAFKA_SINK } from "./sinks/kafka/mod.ts";
import { LOGGER_SINK } from "./sinks/logger_sink.ts";
import { NULL_SINK } from "./sinks/null_sink.ts";
import { AVRO_SOURCE } from "./sources/avro/mod.ts";
import { HTTP_SOURCE } from "./sources/http/mod.ts";
import { NETCAT_SOURCE, NETCAT_UDP_SOURCE } from "./sources/netcat/mod.ts";
import { SEQ_SOURCE } from "./sources/seq_source.ts";
import { WEBSOCKET_SOURCE } from "./sources/websocket/mod.ts";
import { WEBSOCKET_SERVER_SOURCE } from "./sources/websocket_server/mod.ts";

/**
 * Definitions by kind, in the order the README lists them; a registry
 * without monitoring servers or sink groups may leave `monitor` and
 * `processor` out.
 */
export type Definitions =
  & { readonly [K in Exclude<ComponentKind, "monitor" | "processor">]: readonly DefinitionOf[K][] }
  & {
    readonly monitor?: readonly MonitorDefinition[];
    readonly processor?: readonly ProcessorDefinition[];
  };

/** Definitions of every kind, `monitor` included. */
export type AllDefinitions = { readonly [K in ComponentKind]: readonly DefinitionOf[K][] };

/** Every built-in component. */
export const BUILTIN: Definitions = {
  source: [
    WEBSOCKET_SOURCE,
    SEQ_SOURCE,
    NETCAT_SOURCE,
    NETCAT_UDP_SOURCE,
    HTTP_SOURCE,
    AVRO_SOURCE,
    WEBSOCKET_SERVER_SOURCE,
  ],
  channel: [MEMORY_CHANNEL, FILE_CHANNEL, SPILLABLE_MEMORY_CHANNEL],
  sink: [LOGGER_SINK, NULL_SINK, FILE_ROLL_SINK, HTTP_SINK, KAFKA_SINK, AVRO_SINK],
  selector: [REPLICATING_SELECTOR, MULTIPLEXING_SELECTOR, LOAD_BALANCING_SELECTOR],
  interceptor: [
    TIMESTAMP_INTERCEPTOR,
    HOST_INTERCEPTOR,
    STATIC_INTERCEPTOR,
    REMOVE_HEADER_INTERCEPTOR,
    UUID_INTERCEPTOR,
    REGEX_FILTER_INTERCEPTOR,
    REGEX_EXTRACTOR_INTERCEPTOR,
    JSON_EXTRACTOR_INTERCEPTOR,
  ],
  processor: [DEFAULT_PROCESSOR, FAILOVER_PROCESSOR, LOAD_BALANCE_PROCESSOR],
  monitor: [HTTP_MONITOR, PROMETHEUS_MONITOR],
};

/**
 * Maps each `type` (short name, Flume alias or fully qualified class name,
 * case-insensitively) to its definition.
 */
export class Registry implements ComponentLookup {
  readonly definitions: AllDefinitions;
  readonly #byName: Map<string, DefinitionOf[ComponentKind]> = new Map();

  /** A registry over `definitions`; each kind may be extended with `extra`. */
  constructor(definitions: Definitions, extra: Partial<Definitions> = {}) {
    const merged = {} as Record<ComponentKind, readonly DefinitionOf[ComponentKind][]>;
    const kinds = new Set([
      ...Object.keys(definitions),
      ...Object.keys(extra),
      "monitor",
      "processor",
    ]);
    for (const kind of kinds as Set<ComponentKind>) {
      merged[kind] = [...(definitions[kind] ?? []), ...(extra[kind] ?? [])];
      for (const def of merged[kind]) {
        for (const name of [def.type, ...(def.aliases ?? [])]) {
          this.#byName.set(key(kind, name), def);
        }
      }
    }
    this.definitions = merged as unknown as AllDefinitions;
  }

  find<K extends ComponentKind>(kind: K, type: string): DefinitionOf[K] | undefined {
    return this.#byName.get(key(kind, type)) as DefinitionOf[K] | undefined;
  }

  all<K extends ComponentKind>(kind: K): readonly DefinitionOf[K][] {
    return this.definitions[kind];
  }

  /** The source definition for a validated type. */
  source(type: string): SourceDefinition {
    const def = this.find("source", type);
    if (!def) throw new RangeError(`Unknown source type "${type}"`);
    return def;
  }
}

/** The registry of every built-in component, plus `extra` (a test's or a plugin's). */
export function builtinRegistry(extra: Partial<Definitions> = {}): Registry {
  return new Registry(BUILTIN, extra);
}

function key(kind: ComponentKind, name: string): string {
  return `${kind}:${name.toLowerCase()}`;
}
