import { defineSink } from "../api/component.ts";
import { int } from "../api/properties.ts";
import type { Delivery } from "../api/sink.ts";

/** The commit answer for every batch: discarded events count as drained. */
const DISCARDED: Delivery = Object.freeze({ outcome: "commit" });

/** Flume's NullSink: takes up to batchSize events per transaction and discards them. */
export const NULL_SINK = defineSink({
  type: "null",
  aliases: ["org.apache.flume.sink.NullSink"],
  summary: "Takes and discards events, a batch per transaction",
  example: `
a1.sinks = k1
a1.sinks.k1.type = null
a1.sinks.k1.channel = c1
a1.sinks.k1.batchSize = 1000
a1.channels = c1
a1.channels.c1.type = memory
a1.channels.c1.capacity = 10000
a1.channels.c1.transactionCapacity = 1000`,
  properties: {
    batchSize: int({ default: 100, min: 1, doc: "Most events per transaction" }),
  },
  create: ({ config }) => ({
    batchSize: config.batchSize,
    deliver: () => Promise.resolve(DISCARDED),
  }),
});
