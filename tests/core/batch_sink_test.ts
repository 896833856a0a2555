import { deepStrictEqual, equal, rejects } from "node:assert/strict";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, SINK_COUNTERS } from "../../src/api/counters.ts";
import { type Event, textEvent } from "../../src/api/event.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import type { Delivery, SinkWriter } from "../../src/api/sink.ts";
import { FileChannel } from "../../src/channels/file/mod.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { BatchSink } from "../../src/core/batch_sink.ts";

/** A memory channel holding `bodies`. */
async function channelWith(...bodies: string[]): Promise<MemoryChannel> {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    capacity: 100,
    transactionCapacity: 100,
    keepAlive: 0,
  }, SYSTEM_CLOCK);
  const tx = channel.getTransaction();
  tx.begin();
  for (const body of bodies) tx.put(textEvent(body));
  await tx.commit();
  tx.close();
  return channel;
}

/** A batch sink over `writer` draining `channel`. */
function sinkOf(channel: MemoryChannel | FileChannel, writer: SinkWriter): BatchSink {
  return new BatchSink("k1", channel, writer, {
    counters: new CounterGroup("SINK", "k1", SINK_COUNTERS),
    log: SILENT_LOG,
  });
}

Deno.test("batch sink: the framework's transaction around a writer", async (t) => {
  await t.step(
    "a delivery that throws is rolled back and counted as an attempt and a write failure",
    async () => {
      const channel = await channelWith("a", "b");
      const sink = sinkOf(channel, {
        batchSize: 10,
        deliver: () => Promise.reject(new Error("Downstream unavailable")),
      });
      await rejects(
        sink.process(),
        /Downstream unavailable; the 2 event\(s\) stay in channel "c1"/,
      );
      equal(sink.counters.get("EventDrainAttemptCount"), 2);
      equal(sink.counters.get("EventWriteFail"), 1);
      equal(sink.counters.get("EventDrainSuccessCount"), 0);
      equal(channel.size(), 2, "the events are back in the channel");
    },
  );

  await t.step("a rollback answer keeps the events and backs off", async () => {
    const channel = await channelWith("a");
    const seen: string[] = [];
    const sink = sinkOf(channel, {
      batchSize: 10,
      deliver(events: readonly Event[]): Promise<Delivery> {
        seen.push(...events.map((e) => new TextDecoder().decode(e.body)));
        return Promise.resolve({ outcome: "rollback" });
      },
    });
    equal(await sink.process(), "BACKOFF");
    equal(await sink.process(), "BACKOFF");
    deepStrictEqual(seen, ["a", "a"], "delivered again");
    equal(sink.counters.get("EventDrainAttemptCount"), 2);
    equal(sink.counters.get("EventDrainSuccessCount"), 0);
  });

  await t.step("beforeTake runs every round, also when the channel is empty", async () => {
    const channel = await channelWith();
    let rounds = 0;
    const sink = sinkOf(channel, {
      batchSize: 10,
      beforeTake: () => void rounds++,
      deliver: () => Promise.resolve({ outcome: "commit" }),
    });
    equal(await sink.process(), "IDLE");
    equal(await sink.process(), "IDLE");
    equal(rounds, 2);
    equal(sink.counters.get("BatchEmptyCount"), 2);
  });

  await t.step(
    "a channel that refuses the transaction counts ChannelReadFail, not a write",
    async () => {
      const dir = await Deno.makeTempDir();
      try {
        // Never started: its transactions cannot begin.
        const channel = new FileChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
          checkpointDir: `${dir}/cp`,
          dataDirs: [`${dir}/data`],
        }, SYSTEM_CLOCK);
        const sink = sinkOf(channel, {
          batchSize: 10,
          deliver: () => Promise.resolve({ outcome: "commit" }),
        });
        await rejects(sink.process(), /Failed to take events from channel "c1": .*not open/);
        equal(sink.counters.get("ChannelReadFail"), 1);
        equal(sink.counters.get("EventWriteFail"), 0);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
});
