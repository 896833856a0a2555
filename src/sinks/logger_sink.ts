import type { ComponentSpec } from "../config/component_spec.ts";
import type { Channel } from "../core/channel.ts";
import type { ComponentContext, Sink, SinkDefinition } from "../core/component.ts";
import { type CounterGroup, SINK_COUNTERS } from "../core/counters.ts";
import type { Status } from "../core/lifecycle.ts";
import type { Log } from "../core/log.ts";
import { dumpEvent } from "./dump_event.ts";

/** The logger sink's configuration, as Flume documents it. */
export const LOGGER_SINK_SPEC: ComponentSpec = {
  category: "sink",
  type: "logger",
  aliases: ["org.apache.flume.sink.LoggerSink"],
  summary: "Logs each event at INFO, as Flume's `Event: { headers:{} body: … }`",
  properties: [
    {
      name: "maxBytesToLog",
      kind: "int",
      default: 16,
      min: 0,
      doc: "Most body bytes shown per event",
    },
  ],
};

/** The `logger` sink type. */
export const LOGGER_SINK: SinkDefinition = {
  spec: LOGGER_SINK_SPEC,
  create(ctx: ComponentContext, channel: Channel): Sink {
    const counters = ctx.counters.create("SINK", ctx.name, SINK_COUNTERS);
    return new LoggerSink(ctx.name, channel, counters, ctx.log, {
      maxBytesToLog: ctx.settings.number("maxBytesToLog"),
    });
  },
};

/** Flume's LoggerSink: one event per transaction, logged at INFO. */
export class LoggerSink implements Sink {
  readonly name: string;
  readonly channel: Channel;
  readonly counters: CounterGroup;
  readonly #log: Log;
  readonly #maxBytes: number;

  /** A sink logging through `log`. */
  constructor(
    name: string,
    channel: Channel,
    counters: CounterGroup,
    log: Log,
    options: { maxBytesToLog: number },
  ) {
    this.name = name;
    this.channel = channel;
    this.counters = counters;
    this.#log = log;
    this.#maxBytes = options.maxBytesToLog;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }

  async process(): Promise<Status> {
    const tx = this.channel.getTransaction();
    try {
      tx.begin();
      const event = tx.take();
      this.counters.add("EventDrainAttemptCount", event ? 1 : 0);
      if (event) this.#log.info(`Event: ${dumpEvent(event, this.#maxBytes)}`);
      await tx.commit();
      if (!event) {
        this.counters.add("BatchEmptyCount");
        return "IDLE";
      }
      this.counters.add("EventDrainSuccessCount");
      return "READY";
    } catch (err) {
      tx.rollback();
      throw new Error(`Failed to log event`, { cause: err });
    } finally {
      tx.close();
    }
  }
}
