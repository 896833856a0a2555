/**
 * A sink type wrapped so that the benchmark hears about every delivered
 * batch without polling: the wrapper counts what the wrapped writer
 * delivered and calls back. The wrapped sink does all the work; the
 * wrapper adds one call per batch.
 *
 * @module
 */
import type { SinkDefinition } from "../src/api/component.ts";
import type { Delivery, SinkWriter } from "../src/api/sink.ts";

/** Called after every batch a watched sink delivered, with how many events it drained. */
export type AfterDelivery = (drained: number) => void;

/** `definition` with each writer it creates reporting to `after` after every delivered batch. */
export function watchedSinkDefinition(
  definition: SinkDefinition,
  after: AfterDelivery,
): SinkDefinition {
  return {
    ...definition,
    create(ctx): SinkWriter {
      const writer = definition.create(ctx);
      return {
        batchSize: writer.batchSize,
        start: () => writer.start?.() ?? Promise.resolve(),
        stop: () => writer.stop?.() ?? Promise.resolve(),
        async deliver(events): Promise<Delivery> {
          const delivery = await writer.deliver(events);
          if (delivery.outcome === "commit") after(delivery.drained ?? events.length);
          return delivery;
        },
      };
    },
  };
}
