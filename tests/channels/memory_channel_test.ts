import { deepStrictEqual, equal, rejects } from "node:assert/strict";
import {
  MEMORY_CHANNEL_SPEC,
  MemoryChannel,
  type MemoryChannelOptions,
} from "../../src/channels/memory_channel.ts";
import type { Reporter } from "../../src/config/component_spec.ts";
import { resolveSettings } from "../../src/config/resolve_settings.ts";
import type { RawProperty } from "../../src/config/settings.ts";
import { ChannelFullError } from "../../src/core/channel.ts";
import type { Clock } from "../../src/core/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/core/counters.ts";
import type { Event } from "../../src/core/event.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { channelContract } from "./channel_contract.ts";

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

Deno.test("MEMORY_CHANNEL_SPEC checks the properties together", async (t) => {
  /** Resolves memory-channel settings from `props` and returns the reported messages. */
  function check(props: Record<string, string>): string[] {
    const raw = new Map<string, RawProperty>(
      Object.entries(props).map(([k, value], i) => [k, { value, line: i + 1 }]),
    );
    const messages: string[] = [];
    const report: Reporter = (issue) => messages.push(`${issue.property}: ${issue.message}`);
    resolveSettings("channels.c1", MEMORY_CHANNEL_SPEC, raw, report);
    return messages;
  }

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
