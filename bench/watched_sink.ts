/**
 * A sink type wrapped so that the benchmark hears about every finished
 * transaction: completion is detected by the sink's own counters right
 * after the batch that completes it, without polling. The wrapped sink
 * does all the work; the wrapper adds one call per batch.
 *
 * @module
 */
import type { Channel } from "../src/core/channel.ts";
import type { ComponentContext, Sink, SinkDefinition } from "../src/core/component.ts";
import type { CounterGroup } from "../src/core/counters.ts";
import type { Status } from "../src/core/lifecycle.ts";

/** Called after every `process()` of a watched sink, with that sink. */
export type AfterProcess = (sink: Sink) => void;

/** `definition` with each sink it creates reporting to `after` after every batch. */
export function watchedSinkDefinition(
  definition: SinkDefinition,
  after: AfterProcess,
): SinkDefinition {
  return {
    spec: definition.spec,
    create(ctx: ComponentContext, channel: Channel): Sink {
      return new WatchedSink(definition.create(ctx, channel), after);
    },
  };
}

/** Delegates to `inner`; calls `after` once each `process()` has finished. */
class WatchedSink implements Sink {
  readonly #inner: Sink;
  readonly #after: AfterProcess;

  constructor(inner: Sink, after: AfterProcess) {
    this.#inner = inner;
    this.#after = after;
  }

  get name(): string {
    return this.#inner.name;
  }

  get counters(): CounterGroup {
    return this.#inner.counters;
  }

  get channel(): Channel {
    return this.#inner.channel;
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  stop(): Promise<void> {
    return this.#inner.stop();
  }

  async process(): Promise<Status> {
    try {
      return await this.#inner.process();
    } finally {
      this.#after(this);
    }
  }
}
