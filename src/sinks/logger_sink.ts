import { defineSink } from "../api/component.ts";
import { int } from "../api/properties.ts";
import type { Delivery } from "../api/sink.ts";
import { dumpEvent } from "./dump_event.ts";

const LOGGED: Delivery = Object.freeze({ outcome: "commit" });

/** Flume's LoggerSink: one event per transaction, logged at INFO. */
export const LOGGER_SINK = defineSink({
  type: "logger",
  aliases: ["org.apache.flume.sink.LoggerSink"],
  summary: "Logs each event at INFO, as Flume's `Event: { headers:{} body: … }`",
  example: `
a1.sinks = k1
a1.sinks.k1.type = logger
a1.sinks.k1.channel = c1
a1.sinks.k1.maxBytesToLog = 64`,
  properties: {
    maxBytesToLog: int({ default: 16, min: 0, doc: "Most body bytes shown per event" }),
  },
  create: ({ config, log }) => ({
    batchSize: 1,
    deliver(events): Promise<Delivery> {
      for (const event of events) log.info(`Event: ${dumpEvent(event, config.maxBytesToLog)}`);
      return Promise.resolve(LOGGED);
    },
  }),
});
