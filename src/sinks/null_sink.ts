import type { ComponentSpec } from "../config/component_spec.ts";
import type { Channel } from "../core/channel.ts";
import type { ComponentContext, Sink, SinkDefinition } from "../core/component.ts";
import { type CounterGroup, SINK_COUNTERS } from "../core/counters.ts";
import type { Status } from "../core/lifecycle.ts";
import { countBatch } from "./sink_batch.ts";

/** The null sink's configuration, as Flume documents it. */
export const NULL_SINK_SPEC: ComponentSpec = {
  category: "sink",
  type: "null",
  aliases: ["org.apache.flume.sink.NullSink"],
  summary: "Takes and discards events, a batch per transaction",
  properties: [
    { name: "batchSize", kind: "int", default: 100, min: 1, doc: "Most events per transaction" },
  ],
};

/** The `null` sink type. */
export const NULL_SINK: SinkDefinition = {
  spec: NULL_SINK_SPEC,
  create(ctx: ComponentContext, channel: Channel): Sink {
    const counters = ctx.counters.create("SINK", ctx.name, SINK_COUNTERS);
    return new NullSink(ctx.name, channel, counters, ctx.settings.number("batchSize"));
  },
};

/** Flume's NullSink: takes up to batchSize events and commits; BACKOFF on a short batch. */
export class NullSink implements Sink {
  readonly name: string;
  readonly channel: Channel;
  readonly counters: CounterGroup;
  readonly batchSize: number;

  /** A sink draining `channel` in batches of `batchSize`. */
  constructor(name: string, channel: Channel, counters: CounterGroup, batchSize: number) {
    this.name = name;
    this.channel = channel;
    this.counters = counters;
    this.batchSize = batchSize;
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
      while (taken < this.batchSize && tx.take() !== undefined) taken++;
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
