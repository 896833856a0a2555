import type { Status } from "../api/lifecycle.ts";
import type { Sink } from "../api/sink.ts";
import type { SinkProcessor } from "../api/sink_processor.ts";

/** Flume's DefaultSinkProcessor: one sink, called as it is. */
export class DefaultSinkProcessor implements SinkProcessor {
  readonly sinks: readonly Sink[];
  readonly #sink: Sink;

  /** A processor running `sink`. */
  constructor(sink: Sink) {
    this.#sink = sink;
    this.sinks = [sink];
  }

  start(): Promise<void> {
    return this.#sink.start();
  }

  stop(): Promise<void> {
    return this.#sink.stop();
  }

  process(): Promise<Status> {
    return this.#sink.process();
  }
}
