/**
 * A bench-only sink: Flume's null sink that also records, for every event
 * its transaction takes, the time since the sender stamped the message
 * (`now − ts`). That take is "the sink's write" for a sink that writes
 * nothing. Reading the stamp and recording it allocate nothing.
 *
 * @module
 */
import type { ComponentSpec } from "../src/config/component_spec.ts";
import type { Channel } from "../src/core/channel.ts";
import type { ComponentContext, Sink, SinkDefinition } from "../src/core/component.ts";
import { type CounterGroup, SINK_COUNTERS } from "../src/core/counters.ts";
import type { Status } from "../src/core/lifecycle.ts";
import { countBatch } from "../src/sinks/sink_batch.ts";
import type { LatencyRecorder } from "./latency_recorder.ts";
import { epochMicros } from "./epoch_clock.ts";
import { readTimestamp } from "./message_format.ts";

/** The latency sink's configuration: the null sink's. */
export const LATENCY_SINK_SPEC: ComponentSpec = {
  category: "sink",
  type: "latency",
  aliases: [],
  summary: "Bench only: the null sink, recording send-to-take latency of each event",
  properties: [
    { name: "batchSize", kind: "int", default: 100, min: 1, doc: "Most events per transaction" },
  ],
};

/** The `latency` sink type, recording into `recorder`. */
export function latencySinkDefinition(recorder: LatencyRecorder): SinkDefinition {
  return {
    spec: LATENCY_SINK_SPEC,
    create(ctx: ComponentContext, channel: Channel): Sink {
      const counters = ctx.counters.create("SINK", ctx.name, SINK_COUNTERS);
      return new LatencySink(ctx.name, channel, counters, {
        batchSize: ctx.settings.number("batchSize"),
        recorder,
      });
    },
  };
}

/** Options of a LatencySink. */
export interface LatencySinkOptions {
  readonly batchSize: number;
  readonly recorder: LatencyRecorder;
}

/** The null sink's transaction loop, plus one latency sample per take. */
export class LatencySink implements Sink {
  readonly name: string;
  readonly channel: Channel;
  readonly counters: CounterGroup;
  readonly batchSize: number;
  readonly #recorder: LatencyRecorder;

  /** A sink draining `channel` in batches of `options.batchSize`. */
  constructor(name: string, channel: Channel, counters: CounterGroup, options: LatencySinkOptions) {
    this.name = name;
    this.channel = channel;
    this.counters = counters;
    this.batchSize = options.batchSize;
    this.#recorder = options.recorder;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  async process(): Promise<Status> {
    const tx = this.channel.getTransaction();
    let taken = 0;
    try {
      tx.begin();
      while (taken < this.batchSize) {
        const event = tx.take();
        if (event === undefined) break;
        this.#recorder.record(epochMicros() - readTimestamp(event.body));
        taken++;
      }
      await tx.commit();
    } catch (err) {
      tx.rollback();
      throw new Error(`Failed to discard events`, { cause: err });
    } finally {
      tx.close();
    }
    const c = this.counters;
    c.add("EventDrainAttemptCount", taken);
    c.add("EventDrainSuccessCount", taken);
    countBatch(c, taken, this.batchSize);
    return taken < this.batchSize ? "IDLE" : "READY";
  }
}
