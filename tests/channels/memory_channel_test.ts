import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import {
  MEMORY_CHANNEL,
  MemoryChannel,
  type MemoryChannelOptions,
} from "../../src/channels/memory_channel.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { ChannelFullError } from "../../src/api/channel.ts";
import type { Clock } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import type { Event } from "../../src/api/event.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { channelFrom, loadConf } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { channelContract } from "./channel_contract.ts";
import { withoutSourcelessWarning } from "../support/config_issues.ts";

/** A memory channel named c1 with its own counters; a manual FakeClock unless given one. */
function memoryChannel(
  options: MemoryChannelOptions = {},
  clock: Clock = new FakeClock(),
): MemoryChannel {
  return new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    keepAlive: 0,
    ...options,
  }, clock);
}

/** An event whose body is `size` bytes. */
function sized(size: number): Event {
  return { headers: {}, body: new Uint8Array(size) };
}

Deno.test("MemoryChannel meets the channel contract", (t) =>
  channelContract(t, {
    transactionClass: "MemoryTransaction",
    fullMessage: /^Space for commit to queue couldn't be acquired/,
    anyRollbackOrder: false,
    make: (options, clock) =>
      Promise.resolve({ channel: memoryChannel(options, clock), cleanup: () => Promise.resolve() }),
  }));

Deno.test("MemoryChannel limits body bytes by byteCapacity", async (t) => {
  await t.step("byteCapacityBufferPercentage keeps part of byteCapacity free", async () => {
    const ch = memoryChannel({ byteCapacity: 1000, byteCapacityBufferPercentage: 20 });
    equal(ch.byteLimit, 800);
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(sized(800));
    await tx.commit();
    tx.close();
    const over = ch.getTransaction();
    over.begin();
    over.put(sized(1));
    await rejects(over.commit(), ChannelFullError);
    over.rollback();
    over.close();
    equal(ch.size(), 1);
  });

  await t.step("the percentage is applied exactly, without float rounding", () => {
    equal(memoryChannel({ byteCapacity: 1000, byteCapacityBufferPercentage: 7 }).byteLimit, 930);
    equal(memoryChannel({ byteCapacity: 100, byteCapacityBufferPercentage: 34 }).byteLimit, 66);
    equal(memoryChannel({ byteCapacity: 1000, byteCapacityBufferPercentage: 0 }).byteLimit, 1000);
  });

  await t.step("a batch is refused when its bytes do not fit, even with event room", async () => {
    const ch = memoryChannel({
      capacity: 100,
      transactionCapacity: 10,
      byteCapacity: 100,
      byteCapacityBufferPercentage: 0,
    });
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(sized(60));
    tx.put(sized(41));
    await rejects(tx.commit(), ChannelFullError);
    tx.rollback();
    tx.close();
    equal(ch.size(), 0);
  });

  await t.step("taken bytes count until the take commits", async () => {
    const ch = memoryChannel({ byteCapacity: 100, byteCapacityBufferPercentage: 0 });
    const fill = ch.getTransaction();
    fill.begin();
    fill.put(sized(100));
    await fill.commit();
    fill.close();
    const take = ch.getTransaction();
    take.begin();
    take.take();
    const put = ch.getTransaction();
    put.begin();
    put.put(sized(1));
    await rejects(put.commit(), ChannelFullError);
    put.rollback();
    put.close();
    await take.commit();
    take.close();
    const again = ch.getTransaction();
    again.begin();
    again.put(sized(100));
    await again.commit();
    again.close();
    equal(ch.size(), 1);
  });

  await t.step("byteCapacity 0 means about 200 GB, not zero", async () => {
    const ch = memoryChannel({ byteCapacity: 0, byteCapacityBufferPercentage: 20 });
    equal(ch.byteLimit, Math.floor(200 * 1024 ** 3 * 0.8));
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(sized(1024 * 1024));
    await tx.commit();
    tx.close();
    equal(ch.size(), 1);
  });
});

/**
 * Every issue the agent's configuration loader reports for a memory channel
 * c1 with `props` (drained by a null sink of batchSize 1), as
 * `property: message`.
 */
function check(props: Record<string, string>): string[] {
  let issues: readonly ConfigIssue[];
  try {
    issues = loadConf([
      "a1.channels = c1",
      "a1.sinks = k1",
      "a1.channels.c1.type = memory",
      ...Object.entries(props).map(([k, v]) => `a1.channels.c1.${k} = ${v}`),
      "a1.sinks.k1.type = null",
      "a1.sinks.k1.channel = c1",
      "a1.sinks.k1.batchSize = 1",
    ]).warnings;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    issues = err.issues;
  }
  return withoutSourcelessWarning(issues).map((issue) => `${issue.property}: ${issue.message}`);
}

Deno.test("MEMORY_CHANNEL checks the properties together", async (t) => {
  await t.step("reports transactionCapacity larger than capacity", () => {
    deepStrictEqual(check({ capacity: "10", transactionCapacity: "11" }), [
      "transactionCapacity: transactionCapacity 11 is larger than capacity 10",
    ]);
  });

  await t.step("reports it against the default capacity too", () => {
    deepStrictEqual(check({ transactionCapacity: "101" }), [
      "transactionCapacity: transactionCapacity 101 is larger than capacity 100",
    ]);
  });

  await t.step("accepts transactionCapacity equal to capacity", () => {
    deepStrictEqual(check({ capacity: "10", transactionCapacity: "10" }), []);
    deepStrictEqual(check({}), []);
  });
});

Deno.test("MEMORY_CHANNEL builds a MemoryChannel from flume.conf properties", async (t) => {
  await t.step("memory and Flume's class name are the same type", () => {
    const registry = builtinRegistry();
    for (const name of ["memory", "MEMORY", "org.apache.flume.channel.MemoryChannel"]) {
      equal(registry.find("channel", name), MEMORY_CHANNEL, name);
    }
  });

  await t.step("Flume's defaults", () => {
    const ch = channelFrom("memory", {});
    ok(ch instanceof MemoryChannel);
    equal(ch.capacity, 100);
    equal(ch.transactionCapacity, 100);
    equal(ch.keepAliveMs, 3000);
  });

  await t.step("the properties as set, keep-alive in seconds", () => {
    const ch = channelFrom("memory", {
      capacity: "10",
      transactionCapacity: "5",
      "keep-alive": "2",
      byteCapacity: "1000",
      byteCapacityBufferPercentage: "10",
    });
    ok(ch instanceof MemoryChannel);
    equal(ch.capacity, 10);
    equal(ch.transactionCapacity, 5);
    equal(ch.keepAliveMs, 2000);
    equal(ch.byteLimit, 900);
  });
});

Deno.test("MemoryChannel: stop ends a commit waiting for room at once, not after keep-alive", async () => {
  const clock = new FakeClock();
  const channel = memoryChannel({ capacity: 1, transactionCapacity: 1, keepAlive: 30 }, clock);
  await channel.start();
  const first = channel.getTransaction();
  first.begin();
  first.put(sized(1));
  await first.commit();
  first.close();
  const tx = channel.getTransaction();
  tx.begin();
  tx.put(sized(1));
  const refused = rejects(tx.commit(), /Channel "c1" stopped while a commit waited for room/);
  await clock.nextSleep(); // the commit waits for room (keep-alive 30 s on a clock that stands still)
  await channel.stop();
  await refused;
  tx.close();
});
