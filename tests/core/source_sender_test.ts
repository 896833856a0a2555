import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import { ChannelFullError } from "../../src/api/channel.ts";
import { type Event, textEvent } from "../../src/api/event.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { ChannelProcessor } from "../../src/core/channel_processor.ts";
import { Sender } from "../../src/core/source_sender.ts";
import { replicatingSelector } from "../../src/selectors/replicating_selector.ts";
import { isSettled, withTimeout } from "../support/async.ts";
import { group, sourceFrom } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";
import {
  drainChannel,
  eventually,
  type SourceHarness,
  sourceHarness,
} from "../support/websocket_harness.ts";
import { WsTestServer } from "../support/ws_test_server.ts";

const DECODER = new TextDecoder();

/** A memory channel on `clock` that refuses a full commit at once. */
function memory(name: string, capacity: number, clock = new FakeClock()): MemoryChannel {
  return new MemoryChannel(name, new CounterGroup("CHANNEL", name, CHANNEL_COUNTERS), {
    capacity,
    transactionCapacity: capacity,
    keepAlive: 0,
  }, clock);
}

/** The bodies a channel holds, taken and committed. */
async function bodies(channel: MemoryChannel): Promise<string[]> {
  return (await drainChannel(channel)).map((e) => DECODER.decode(e.body));
}

/**
 * The seed README's channel (capacity 100, no sink draining it) behind a
 * WebSocket source whose server sends 130 messages at once.
 */
async function seedBurst(): Promise<{ server: WsTestServer; h: SourceHarness }> {
  const server = await WsTestServer.start();
  const h = sourceHarness({ endpoint: server.url(), retryDelay: "0.05" }, {
    capacity: 100,
    transactionCapacity: 100,
  });
  server.onConnection = async (c) => {
    for (let i = 0; i < 130; i++) await c.sendText(`m${i}`);
  };
  return { server, h };
}

Deno.test("sender puts what fits of a burst and keeps the rest in order (the Java plugin's example)", async () => {
  const { server, h } = await seedBurst();
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventReceivedCount") === 130, "130 received");
    await eventually(() => h.channel.size() === 100, "the channel filled to its capacity");
    equal(h.source.sender.size, 30, "the other 30 wait in the sender");
    deepStrictEqual(await bodies(h.channel), Array.from({ length: 100 }, (_, i) => `m${i}`));
    await eventually(() => h.channel.size() === 30, "the rest after room was made");
    deepStrictEqual(await bodies(h.channel), Array.from({ length: 30 }, (_, i) => `m${100 + i}`));
  } finally {
    await h.source.stop();
    await server.close();
  }
  equal(h.counters.get("EventAcceptedCount"), 130);
  equal(h.counters.get("EventDroppedCount"), 0);
});

Deno.test("sender drops only what the channel still refuses at shutdown, counted", async () => {
  const { server, h } = await seedBurst();
  try {
    await h.source.start();
    await eventually(() => h.channel.size() === 100, "the channel filled to its capacity");
    await eventually(() => h.counters.get("EventReceivedCount") === 130, "130 received");
  } finally {
    equal(await h.source.stop(), 30, "stop() says how many it dropped");
    await server.close();
  }
  equal(h.channel.size(), 100, "Apache Flume with the Java plugin stores 100 too");
  equal(h.counters.get("EventDroppedCount"), 30);
  equal(h.counters.get("EventAcceptedCount"), 100);
});

Deno.test("a retried batch goes only to the required channels that lack it (seq source, two channels)", async () => {
  const clock = new FakeClock();
  const big = memory("c1", 100, clock);
  const small = memory("c2", 2, clock);
  const counters = new CounterRegistry();
  const source = sourceFrom("seq", { batchSize: "2", totalEvents: "4" }, [big, small], {
    clock,
    counters,
  });
  const poll = () => source.source.poll!();
  try {
    equal(await poll(), "READY"); // 0, 1 in both
    const pending = poll(); // 2, 3: c2 is full
    await withTimeout(clock.nextSleep(), 5000, "the sender to back off");
    deepStrictEqual(await bodies(small), ["0", "1"]);
    clock.advance(100);
    equal(await pending, "BACKOFF", "2, 3 accepted: the total is reached");
    deepStrictEqual(await bodies(big), ["0", "1", "2", "3"], "c1 got every event once");
    deepStrictEqual(await bodies(small), ["2", "3"]);
    equal(group(counters, "SOURCE.w1").get("EventAcceptedCount"), 4);
  } finally {
    await source.stop();
  }
});

Deno.test("sender pauses while its backlog is full and resumes once the channels take events", async () => {
  const clock = new FakeClock();
  const channel = memory("c1", 1, clock);
  const counters = new CounterRegistry().create("SOURCE", "w1", ["EventDroppedCount"]);
  const sender = new Sender(new ChannelProcessor(replicatingSelector([channel]), SILENT_LOG), {
    capacity: 2,
    counters,
    log: SILENT_LOG,
    clock,
  });
  try {
    equal(await sender.sendBatch([textEvent("a")]), true, "accepted at once");
    sender.send(textEvent("b"));
    await withTimeout(clock.nextSleep(), 5000, "b refused: the channel is full");
    equal(sender.paused, false, "one event waits, the backlog holds two");
    sender.send(textEvent("c"));
    ok(sender.paused, "b and c wait: the backlog is full");
    equal(sender.send(textEvent("d")), false, "past the backlog: dropped");
    equal(counters.get("EventDroppedCount"), 1);
    const resumed = sender.whenResumed();
    equal(await isSettled(resumed), false);
    deepStrictEqual(await bodies(channel), ["a"]);
    clock.advance(100);
    await withTimeout(resumed, 5000, "resume");
    equal(sender.paused, false);
    deepStrictEqual(await bodies(channel), ["b"]);
  } finally {
    await sender.close();
  }
});

/** A sender on a roomy memory channel, for the batch rules below. */
function senderOn(channel: MemoryChannel, capacity: number, clock: FakeClock): {
  sender: Sender;
  counters: ReturnType<CounterRegistry["create"]>;
} {
  const counters = new CounterRegistry().create("SOURCE", "s1", [
    "EventDroppedCount",
    "AppendBatchReceivedCount",
    "AppendBatchAcceptedCount",
  ]);
  const processor = new ChannelProcessor(replicatingSelector([channel]), SILENT_LOG);
  return {
    sender: new Sender(processor, { capacity, counters, log: SILENT_LOG, clock }),
    counters,
  };
}

Deno.test("sendBatch: a pollable source's batch goes whole, once, in one transaction", async (t) => {
  await t.step("1000 events that fit the channel are one put", async () => {
    const clock = new FakeClock();
    const channel = memory("c1", 1000, clock);
    const { sender, counters } = senderOn(channel, 10_000, clock);
    try {
      const batch = Array.from({ length: 1000 }, (_, i) => textEvent(String(i)));
      equal(await sender.sendBatch(batch), true);
      equal(counters.get("AppendBatchReceivedCount"), 1);
      equal(counters.get("AppendBatchAcceptedCount"), 1);
      equal(channel.size(), 1000);
    } finally {
      await sender.close();
    }
  });

  await t.step(
    "a batch larger than the backlog is queued whole, never dropped or repeated",
    async () => {
      const clock = new FakeClock();
      const channel = memory("c1", 100, clock);
      const { sender, counters } = senderOn(channel, 5, clock);
      try {
        const batch = Array.from({ length: 8 }, (_, i) => textEvent(String(i)));
        equal(await sender.sendBatch(batch), true);
        equal(await sender.sendBatch([textEvent("8")]), true);
        deepStrictEqual(await bodies(channel), ["0", "1", "2", "3", "4", "5", "6", "7", "8"]);
        equal(counters.get("EventDroppedCount"), 0);
      } finally {
        await sender.close();
      }
    },
  );
});

Deno.test("sender: a refused batch is cut to the room the channels have before it is retried", async () => {
  const clock = new FakeClock();
  const inner = memory("c1", 100, clock);
  // A channel whose room shrinks between the batch being formed and put (another
  // source took it): the first commit is refused, and room() then says 3.
  let refuseNext = true;
  let room = 100;
  const channel = Object.assign(Object.create(inner), {
    room: () => room,
    getTransaction: () => {
      const tx = inner.getTransaction();
      return Object.assign(Object.create(tx), {
        begin: () => tx.begin(),
        putAll: (events: readonly Event[]) => tx.putAll(events),
        take: () => tx.take(),
        rollback: () => tx.rollback(),
        close: () => tx.close(),
        commit: () => {
          if (!refuseNext) return tx.commit();
          refuseNext = false;
          room = 3;
          return Promise.reject(new ChannelFullError("No room"));
        },
      });
    },
  }) as MemoryChannel;
  const counters = new CounterRegistry().create("SOURCE", "w1", ["EventAcceptedCount"]);
  const sizes: number[] = [];
  const processor = new ChannelProcessor(replicatingSelector([channel]), SILENT_LOG);
  const put = processor.processEventBatch.bind(processor);
  processor.processEventBatch = (events, options) => {
    sizes.push(events.length);
    return put(events, options);
  };
  const sender = new Sender(processor, { capacity: 100, counters, log: SILENT_LOG, clock });
  try {
    for (let i = 0; i < 8; i++) sender.send(textEvent(String(i)));
    await withTimeout(clock.nextSleep(), 5000, "the refused put's backoff");
    clock.advance(100);
    await eventually(() => counters.get("EventAcceptedCount") === 8, "all 8 accepted");
    deepStrictEqual(sizes.slice(0, 2), [8, 3], "refused whole, then what fits");
    deepStrictEqual(await bodies(inner), ["0", "1", "2", "3", "4", "5", "6", "7"]);
  } finally {
    await sender.close();
  }
});

Deno.test("tryBatch: a whole batch in one put now, or nothing at all", async (t) => {
  await t.step("a batch that fits commits at once and is counted as one append", async () => {
    const clock = new FakeClock();
    const channel = memory("c1", 10, clock);
    const { sender, counters } = senderOn(channel, 100, clock);
    equal(await sender.tryBatch(["a", "b", "c"].map((b) => textEvent(b))), true);
    deepStrictEqual(await bodies(channel), ["a", "b", "c"]);
    equal(counters.get("EventReceivedCount"), 3);
    equal(counters.get("EventAcceptedCount"), 3);
    equal(counters.get("AppendBatchReceivedCount"), 1);
    equal(counters.get("AppendBatchAcceptedCount"), 1);
    await sender.close();
  });

  await t.step(
    "a batch larger than the room is refused whole: nothing lands, nothing waits",
    async () => {
      const clock = new FakeClock();
      const channel = memory("c1", 4, clock);
      const { sender, counters } = senderOn(channel, 100, clock);
      equal(await sender.tryBatch(["a", "b", "c"].map((b) => textEvent(b))), true);
      equal(await sender.tryBatch(["d", "e"].map((b) => textEvent(b))), false);
      equal(sender.size, 0, "a refused batch is not queued");
      equal(counters.get("ChannelWriteFail"), 1);
      equal(counters.get("EventDroppedCount"), 0, "the client keeps a refused batch: not a drop");
      deepStrictEqual(await bodies(channel), ["a", "b", "c"]);
      equal(await sender.tryBatch(["d", "e"].map((b) => textEvent(b))), true, "fits once drained");
      deepStrictEqual(await bodies(channel), ["d", "e"]);
      await sender.close();
    },
  );

  await t.step(
    "calls made together run one at a time: the second sees the first's events",
    async () => {
      const clock = new FakeClock();
      const channel = memory("c1", 3, clock);
      const { sender } = senderOn(channel, 100, clock);
      const results = await Promise.all([
        sender.tryBatch(["a", "b"].map((b) => textEvent(b))),
        sender.tryBatch(["c", "d"].map((b) => textEvent(b))),
      ]);
      deepStrictEqual(results, [true, false]);
      deepStrictEqual(await bodies(channel), ["a", "b"]);
      await sender.close();
    },
  );

  await t.step("while the backlog holds events, a batch is refused so order is kept", async () => {
    const clock = new FakeClock();
    const channel = memory("c1", 1, clock);
    const { sender } = senderOn(channel, 100, clock);
    sender.send(textEvent("queued-1"));
    sender.send(textEvent("queued-2"));
    await eventually(() => channel.size() === 1 && sender.size === 1, "one put, one queued");
    equal(await sender.tryBatch([textEvent("late")]), false);
    deepStrictEqual(await bodies(channel), ["queued-1"]);
    clock.advance(1000);
    await eventually(() => channel.size() === 1, "the backlog goes on");
    deepStrictEqual(await bodies(channel), ["queued-2"]);
    await sender.close();
  });
});
