import type { Transaction } from "../core/channel.ts";
import type { CounterGroup } from "../core/counters.ts";
import type { Event } from "../core/event.ts";

/** Takes up to `max` events, in order, from an open transaction. */
export function takeBatch(tx: Transaction, max: number): Event[] {
  const events: Event[] = [];
  while (events.length < max) {
    const event = tx.take();
    if (event === undefined) break;
    events.push(event);
  }
  return events;
}

/** Counts a batch of `taken` events as Flume's SinkCounter does: empty, underflow or complete. */
export function countBatch(counters: CounterGroup, taken: number, batchSize: number): void {
  if (taken === 0) counters.add("BatchEmptyCount");
  else if (taken < batchSize) counters.add("BatchUnderflowCount");
  else counters.add("BatchCompleteCount");
}
