import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { ChannelError } from "../../src/api/channel.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { textEvent } from "../../src/api/event.ts";
import type { BatchSink } from "../../src/core/batch_sink.ts";
import { sinkFrom } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";

/** A memory channel holding `count` committed events. */
async function channelWith(count: number, transactionCapacity = 100): Promise<MemoryChannel> {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    capacity: 1000,
    transactionCapacity,
    keepAlive: 0,
  }, new FakeClock());
  for (let i = 0; i < count;) {
    const tx = channel.getTransaction();
    tx.begin();
    for (let n = 0; n < transactionCapacity && i < count; n++) tx.put(textEvent(String(i++)));
    await tx.commit();
    tx.close();
  }
  return channel;
}

/** A null sink named k1 on `channel`, built from its flume.conf properties. */
function nullSink(channel: MemoryChannel, batchSize: number): BatchSink {
  return sinkFrom("null", { batchSize: String(batchSize) }, channel);
}

/** The batch counters of `sink`, in a fixed order: empty, underflow, complete. */
function batches(sink: BatchSink): number[] {
  const c = sink.counters;
  return [c.get("BatchEmptyCount"), c.get("BatchUnderflowCount"), c.get("BatchCompleteCount")];
}

Deno.test("NullSink discards events a batch per transaction", async (t) => {
  await t.step("takes at most batchSize events per process()", async () => {
    const channel = await channelWith(7);
    const sink = nullSink(channel, 3);
    await sink.process();
    equal(channel.size(), 4);
    equal(channel.counters.get("EventTakeSuccessCount"), 3);
    await sink.process();
    equal(channel.size(), 1);
    await sink.process();
    equal(channel.size(), 0);
    equal(channel.counters.get("EventTakeSuccessCount"), 7);
  });

  await t.step("commits what it takes, so the events are gone for good", async () => {
    const channel = await channelWith(2);
    const sink = nullSink(channel, 5);
    await sink.process();
    const tx = channel.getTransaction();
    tx.begin();
    equal(tx.take(), undefined);
    tx.close();
  });

  await t.step("READY on a full batch, IDLE on a short or empty one", async () => {
    const channel = await channelWith(5);
    const sink = nullSink(channel, 2);
    deepStrictEqual(
      [await sink.process(), await sink.process(), await sink.process(), await sink.process()],
      ["READY", "READY", "IDLE", "IDLE"],
    );
  });

  await t.step("counts empty, underflowing and complete batches and drained events", async () => {
    const channel = await channelWith(5);
    const sink = nullSink(channel, 2);
    await sink.process(); // 2: complete
    deepStrictEqual(batches(sink), [0, 0, 1]);
    equal(sink.counters.get("EventDrainSuccessCount"), 2);
    await sink.process(); // 2: complete
    await sink.process(); // 1: underflow
    deepStrictEqual(batches(sink), [0, 1, 2]);
    equal(sink.counters.get("EventDrainSuccessCount"), 5);
    await sink.process(); // 0: empty
    deepStrictEqual(batches(sink), [1, 1, 2]);
    equal(sink.counters.get("EventDrainSuccessCount"), 5);
    equal(sink.counters.get("EventDrainAttemptCount"), 5);
  });

  await t.step(
    "a failed take rolls back, leaves the events, and counts only the read failure",
    async () => {
      const channel = await channelWith(5, 2); // transactionCapacity below batchSize
      const sink = nullSink(channel, 3);
      await rejects(sink.process(), (err: unknown) => {
        ok(err instanceof Error);
        ok(
          err.message.startsWith('Failed to take events from channel "c1": Take list'),
          err.message,
        );
        ok(err.cause instanceof ChannelError && err.cause.message.startsWith("Take list"));
        return true;
      });
      equal(channel.size(), 5);
      equal(channel.counters.get("EventTakeSuccessCount"), 0);
      deepStrictEqual(batches(sink), [0, 0, 0]);
      equal(sink.counters.get("EventDrainSuccessCount"), 0);
      equal(sink.counters.get("EventDrainAttemptCount"), 0);
      equal(sink.counters.get("ChannelReadFail"), 1);
      equal(sink.counters.get("EventWriteFail"), 0);
    },
  );
});
