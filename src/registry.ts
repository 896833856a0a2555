import { FILE_CHANNEL } from "./channels/file/mod.ts";
import { MEMORY_CHANNEL } from "./channels/memory_channel.ts";
import type { Category, ComponentSpec, SpecLookup } from "./config/component_spec.ts";
import type { ChannelDefinition, SinkDefinition, SourceDefinition } from "./core/component.ts";
import { FILE_ROLL_SINK } from "./sinks/file_roll_sink.ts";
import { HTTP_SINK } from "./sinks/http_sink.ts";
import { LOGGER_SINK } from "./sinks/logger_sink.ts";
import { NULL_SINK } from "./sinks/null_sink.ts";
import { SEQ_SOURCE } from "./sources/seq_source.ts";
import { WEBSOCKET_SOURCE } from "./sources/websocket/mod.ts";

/** Every component type, by category. */
export interface Definitions {
  readonly source: readonly SourceDefinition[];
  readonly channel: readonly ChannelDefinition[];
  readonly sink: readonly SinkDefinition[];
}

/**
 * Maps each `type` (short name, Flume alias or fully qualified class name,
 * case-insensitively) to its definition.
 */
export class Registry implements SpecLookup {
  readonly definitions: Definitions;
  readonly #byName: Map<string, { spec: ComponentSpec }>;

  /** A registry over the given definitions. */
  constructor(definitions: Definitions) {
    this.definitions = definitions;
    this.#byName = new Map();
    for (const category of ["source", "channel", "sink"] as const) {
      for (const def of definitions[category]) {
        for (const name of [def.spec.type, ...def.spec.aliases]) {
          this.#byName.set(key(category, name), def);
        }
      }
    }
  }

  spec(category: Category, type: string): ComponentSpec | undefined {
    return this.#byName.get(key(category, type))?.spec;
  }

  typeNames(category: Category): readonly string[] {
    return this.definitions[category].flatMap((d) => [d.spec.type, ...d.spec.aliases]);
  }

  /** The source definition for a validated type. */
  source(type: string): SourceDefinition {
    return this.#find("source", type) as SourceDefinition;
  }

  /** The channel definition for a validated type. */
  channel(type: string): ChannelDefinition {
    return this.#find("channel", type) as ChannelDefinition;
  }

  /** The sink definition for a validated type. */
  sink(type: string): SinkDefinition {
    return this.#find("sink", type) as SinkDefinition;
  }

  #find(category: Category, type: string): { spec: ComponentSpec } {
    const def = this.#byName.get(key(category, type));
    if (!def) throw new RangeError(`Unknown ${category} type "${type}"`);
    return def;
  }
}

/** The registry of every built-in component. */
export function builtinRegistry(): Registry {
  return new Registry({
    source: [WEBSOCKET_SOURCE, SEQ_SOURCE],
    channel: [MEMORY_CHANNEL, FILE_CHANNEL],
    sink: [LOGGER_SINK, NULL_SINK, FILE_ROLL_SINK, HTTP_SINK],
  });
}

function key(category: Category, name: string): string {
  return `${category}:${name.toLowerCase()}`;
}
