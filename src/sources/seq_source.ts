import type { ComponentSpec } from "../config/component_spec.ts";
import type { ChannelProcessor } from "../core/channel_processor.ts";
import type { ComponentContext, Source, SourceDefinition } from "../core/component.ts";
import { type CounterGroup, SOURCE_COUNTERS } from "../core/counters.ts";
import { type Event, textEvent } from "../core/event.ts";
import type { Status } from "../core/lifecycle.ts";
import type { Log } from "../core/log.ts";
import { PollingRunner } from "../core/polling_runner.ts";
import type { Clock } from "../core/clock.ts";

/** The sequence generator's configuration, as Flume documents it. */
export const SEQ_SOURCE_SPEC: ComponentSpec = {
  category: "source",
  type: "seq",
  aliases: ["org.apache.flume.source.SequenceGeneratorSource"],
  summary: "Generates events whose bodies are 0, 1, 2, … as text; for testing",
  properties: [
    { name: "batchSize", kind: "int", default: 1, min: 1, doc: "Events per channel transaction" },
    {
      name: "totalEvents",
      kind: "int",
      default: Number.MAX_SAFE_INTEGER,
      defaultText: "unlimited",
      min: 0,
      doc: "Unique events to send, then stop",
    },
  ],
};

/** The `seq` source type. */
export const SEQ_SOURCE: SourceDefinition = {
  spec: SEQ_SOURCE_SPEC,
  create(ctx: ComponentContext, processor: ChannelProcessor): Source {
    return new SeqSource(ctx.name, processor, {
      counters: ctx.counters.create("SOURCE", ctx.name, SOURCE_COUNTERS),
      log: ctx.log,
      clock: ctx.clock,
      batchSize: ctx.settings.number("batchSize"),
      totalEvents: ctx.settings.number("totalEvents"),
    });
  },
};

/** Collaborators and options of a SeqSource. */
export interface SeqSourceOptions {
  readonly counters: CounterGroup;
  readonly log: Log;
  readonly clock: Clock;
  /** @default 1 */
  readonly batchSize?: number;
  /** @default Number.MAX_SAFE_INTEGER */
  readonly totalEvents?: number;
}

/**
 * Flume's SequenceGeneratorSource: a pollable source counting from 0. A
 * batch the channel refused is sent again with the same numbers, so the
 * output has exactly totalEvents unique bodies.
 */
export class SeqSource implements Source {
  readonly name: string;
  readonly counters: CounterGroup;
  readonly #processor: ChannelProcessor;
  readonly #log: Log;
  readonly #batchSize: number;
  readonly #total: number;
  readonly #runner: PollingRunner;
  #next = 0;
  /** Numbers below this were counted as received (a retry counts once). */
  #receivedUpTo = 0;

  /** A source feeding `processor`. */
  constructor(name: string, processor: ChannelProcessor, options: SeqSourceOptions) {
    this.name = name;
    this.counters = options.counters;
    this.#processor = processor;
    this.#log = options.log;
    this.#batchSize = options.batchSize ?? 1;
    this.#total = options.totalEvents ?? Number.MAX_SAFE_INTEGER;
    this.#runner = new PollingRunner(`source ${name}`, () => this.process(), {
      clock: options.clock,
      log: options.log,
    });
  }

  start(): Promise<void> {
    this.#runner.start();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return this.#runner.stop();
  }

  /** Sends the next batch; BACKOFF once totalEvents were sent or on a full channel. */
  async process(): Promise<Status> {
    const count = Math.min(this.#batchSize, this.#total - this.#next);
    if (count <= 0) return "BACKOFF";
    const batch: Event[] = new Array(count);
    for (let i = 0; i < count; i++) batch[i] = textEvent(String(this.#next + i));
    const c = this.counters;
    if (this.#next + count > this.#receivedUpTo) {
      c.add("EventReceivedCount", this.#next + count - this.#receivedUpTo);
      this.#receivedUpTo = this.#next + count;
    }
    c.add("AppendBatchReceivedCount");
    try {
      await this.#processor.processEventBatch(batch);
    } catch (err) {
      c.add("ChannelWriteFail");
      this.#log.warn(
        `Channel refused events ${this.#next}..${this.#next + count - 1}, will retry: ${
          err instanceof Error ? err.message : String(err)
        }`,
      );
      return "BACKOFF";
    }
    this.#next += count;
    c.add("EventAcceptedCount", count);
    c.add("AppendBatchAcceptedCount");
    return count < this.#batchSize || this.#next >= this.#total ? "BACKOFF" : "READY";
  }
}
