/**
 * A bench-only sink: Flume's null sink that also records, for every event
 * its transaction takes, the time since the sender stamped the message
 * (`now − ts`). That take is "the sink's write" for a sink that writes
 * nothing. Reading the stamp and recording it allocate nothing.
 *
 * @module
 */
import { defineSink, type SinkDefinition } from "../src/api/component.ts";
import type { Delivery } from "../src/api/sink.ts";
import { int } from "../src/api/properties.ts";
import type { LatencyRecorder } from "./latency_recorder.ts";
import { epochMicros } from "./epoch_clock.ts";
import { readTimestamp } from "./message_format.ts";

const DISCARDED: Delivery = Object.freeze({ outcome: "commit" });

/** The `latency` sink type, recording into `recorder`. */
export function latencySinkDefinition(recorder: LatencyRecorder): SinkDefinition {
  return defineSink({
    type: "latency",
    summary: "Bench only: the null sink, recording send-to-take latency of each event",
    properties: {
      batchSize: int({ default: 100, min: 1, doc: "Most events per transaction" }),
    },
    create: ({ config }) => ({
      batchSize: config.batchSize,
      deliver(events): Promise<Delivery> {
        const now = epochMicros();
        for (const event of events) recorder.record(now - readTimestamp(event.body));
        return Promise.resolve(DISCARDED);
      },
    }),
  });
}
