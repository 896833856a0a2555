import { defineProcessor } from "../api/component.ts";
import { DefaultSinkProcessor } from "../core/default_sink_processor.ts";

/**
 * Flume's `default` sink processor: one sink, called as it is. A sink
 * group with it may hold exactly one sink.
 */
export const DEFAULT_PROCESSOR = defineProcessor({
  type: "default",
  aliases: ["org.apache.flume.sink.DefaultSinkProcessor"],
  summary: "Runs the group's one sink as it is, as every sink outside a group runs",
  example: `
a1.sinkgroups = g1
a1.sinkgroups.g1.sinks = k1
a1.sinkgroups.g1.processor.type = default`,
  properties: {},
  create: (ctx) => new DefaultSinkProcessor(ctx.sinks[0]),
});
