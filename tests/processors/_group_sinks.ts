/**
 * Real sinks for sink processor tests: the framework's BatchSink over a
 * memory channel, with a writer the test can make fail (by throwing, as a
 * broken connection does, or by rolling back, as an HTTP sink does on a
 * 503) and that records what it delivered.
 *
 * @module
 */
import type { Clock } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, SINK_COUNTERS } from "../../src/api/counters.ts";
import { type Event, textEvent } from "../../src/api/event.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import type { Delivery, SinkWriter } from "../../src/api/sink.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { BatchSink } from "../../src/core/batch_sink.ts";

/** How a SwitchableWriter fails while `failing` is set. */
export type FailureMode = "throw" | "rollback";

/** A writer that delivers (and records) batches, or fails while `failing` is set. */
export class SwitchableWriter implements SinkWriter {
  readonly batchSize: number;
  /** Set to make every delivery fail. */
  failing: FailureMode | undefined;
  /** Bodies delivered, in order. */
  readonly delivered: string[] = [];
  /** Set to commit and still ask the runner to back off (a sink told to slow down). */
  askBackoff = false;
  /** Calls of deliver, failed ones included. */
  attempts = 0;

  /** A writer taking up to `batchSize` events a batch. */
  constructor(batchSize: number) {
    this.batchSize = batchSize;
  }

  deliver(events: readonly Event[]): Promise<Delivery> {
    this.attempts++;
    if (this.failing === "throw") return Promise.reject(new Error("Connection refused"));
    if (this.failing === "rollback") {
      return Promise.resolve({ outcome: "rollback", reason: "HTTP 503" });
    }
    this.delivered.push(...events.map((e) => new TextDecoder().decode(e.body)));
    return Promise.resolve({ outcome: "commit", backoff: this.askBackoff });
  }
}

/** A roomy memory channel `name`. */
export function memoryChannel(name: string, clock: Clock): MemoryChannel {
  return new MemoryChannel(name, new CounterGroup("CHANNEL", name, CHANNEL_COUNTERS), {
    capacity: 10_000,
    transactionCapacity: 1000,
    keepAlive: 0,
  }, clock);
}

/** Puts `bodies` into `channel` in one committed transaction. */
export async function put(channel: MemoryChannel, ...bodies: string[]): Promise<void> {
  const tx = channel.getTransaction();
  tx.begin();
  for (const body of bodies) tx.put(textEvent(body));
  await tx.commit();
  tx.close();
}

/** `count` bodies `e0`, `e1`, …, starting at `from`. */
export function bodies(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => `e${from + i}`);
}

/** A BatchSink `name` draining `channel` through `writer`, as the agent builds one. */
export function batchSink(name: string, channel: MemoryChannel, writer: SinkWriter): BatchSink {
  return new BatchSink(name, channel, writer, {
    counters: new CounterGroup("SINK", name, SINK_COUNTERS),
    log: SILENT_LOG,
  });
}

/** A sink and its writer. */
export interface TestSink {
  readonly sink: BatchSink;
  readonly writer: SwitchableWriter;
}

/** Sinks named `names`, each with its own SwitchableWriter, all draining `channel`. */
export function sinksOn(
  channel: MemoryChannel,
  names: readonly string[],
  batchSize: number,
): TestSink[] {
  return names.map((name) => {
    const writer = new SwitchableWriter(batchSize);
    return { sink: batchSink(name, channel, writer), writer };
  });
}
