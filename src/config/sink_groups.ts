/**
 * Sink groups (`a1.sinkgroups`): a processor over several sinks.
 *
 * @module
 */
import type { ComponentConfig } from "./resolve_components.ts";

/** A sink group: its processor and its sinks, in the order the group lists them. */
export interface SinkGroupConfig {
  readonly name: string;
  /** `sinkgroups.g1`. */
  readonly id: string;
  /** Its sinks, in the order `sinks` lists them; each belongs to this group only. */
  readonly sinks: readonly string[];
  readonly processor: ComponentConfig<"processor">;
  /** The line of the group's `sinks`. */
  readonly line: number;
}
