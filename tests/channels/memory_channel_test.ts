import { deepStrictEqual, equal, ok, rejects, throws } from "node:assert/strict";
import {
  MEMORY_CHANNEL_SPEC,
  MemoryChannel,
  type MemoryChannelOptions,
} from "../../src/channels/memory_channel.ts";
import type { Reporter } from "../../src/config/component_spec.ts";
import { resolveSettings } from "../../src/config/resolve_settings.ts";
import type { RawProperty } from "../../src/config/settings.ts";
import { ChannelError, ChannelFullError } from "../../src/core/channel.ts";
import { type Clock, SYSTEM_CLOCK } from "../../src/core/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/core/counters.ts";
import { type Event, textEvent } from "../../src/core/event.ts";
import { isSettled, withTimeout } from "../support/async.ts";
import { FakeClock } from "../support/fake_clock.ts";

const DECODER = new TextDecoder();

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

/** Puts `bodies` as text events in one transaction and commits. */
async function putCommitted(channel: MemoryChannel, ...bodies: string[]): Promise<void> {
  const tx = channel.getTransaction();
  tx.begin();
  for (const body of bodies) tx.put(textEvent(body));
  await tx.commit();
  tx.close();
}

/**
 * Takes up to `max` events (at most a transaction's worth) in one
 * transaction, commits, and returns their bodies.
 */
async function takeCommitted(
  channel: MemoryChannel,
  max = channel.transactionCapacity,
): Promise<string[]> {
  const tx = channel.getTransaction();
  tx.begin();
  const out: string[] = [];
  while (out.length < max) {
    const event = tx.take();
    if (event === undefined) break;
    out.push(body(event));
  }
  await tx.commit();
  tx.close();
  return out;
}

/** The body of an event as text. */
function body(event: Event): string {
  return DECODER.decode(event.body);
}

/** An event whose body is `size` bytes. */
function sized(size: number): Event {
  return { headers: {}, body: new Uint8Array(size) };
}

Deno.test("MemoryChannel transactions follow Flume's visibility rules", async (t) => {
  await t.step("a put is invisible to takers until commit", async () => {
    const ch = memoryChannel();
    const put = ch.getTransaction();
    put.begin();
    put.put(textEvent("a"));
    deepStrictEqual(await takeCommitted(ch), []);
    equal(ch.size(), 0);
    await put.commit();
    put.close();
    deepStrictEqual(await takeCommitted(ch), ["a"]);
  });

  await t.step("rolled-back puts vanish", async () => {
    const ch = memoryChannel();
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(textEvent("a"));
    tx.put(textEvent("b"));
    tx.rollback();
    tx.close();
    equal(ch.size(), 0);
    deepStrictEqual(await takeCommitted(ch), []);
  });

  await t.step("events come out in commit order", async () => {
    const ch = memoryChannel();
    await putCommitted(ch, "a", "b");
    await putCommitted(ch, "c");
    deepStrictEqual(await takeCommitted(ch), ["a", "b", "c"]);
  });

  await t.step("a committed take removes the events for good", async () => {
    const ch = memoryChannel();
    await putCommitted(ch, "a", "b", "c");
    deepStrictEqual(await takeCommitted(ch, 2), ["a", "b"]);
    equal(ch.size(), 1);
    deepStrictEqual(await takeCommitted(ch), ["c"]);
    equal(ch.size(), 0);
  });

  await t.step("a rolled-back take returns its events to the head in order", async () => {
    const ch = memoryChannel();
    await putCommitted(ch, "a", "b", "c", "d");
    const tx = ch.getTransaction();
    tx.begin();
    equal(body(tx.take() as Event), "a");
    equal(body(tx.take() as Event), "b");
    await putCommitted(ch, "e"); // committed while a and b are taken
    tx.rollback();
    tx.close();
    deepStrictEqual(await takeCommitted(ch), ["a", "b", "c", "d", "e"]);
  });

  await t.step("concurrent rolled-back takes restore the original order", async () => {
    const ch = memoryChannel();
    await putCommitted(ch, "a", "b", "c");
    const first = ch.getTransaction();
    const second = ch.getTransaction();
    first.begin();
    second.begin();
    first.take();
    first.take();
    second.take();
    second.rollback();
    first.rollback();
    deepStrictEqual(await takeCommitted(ch), ["a", "b", "c"]);
  });

  await t.step("close() of an open transaction rolls it back", async () => {
    const ch = memoryChannel();
    await putCommitted(ch, "a", "b");
    const take = ch.getTransaction();
    take.begin();
    take.take();
    take.close();
    const put = ch.getTransaction();
    put.begin();
    put.put(textEvent("lost"));
    put.close();
    deepStrictEqual(await takeCommitted(ch), ["a", "b"]);
  });

  await t.step("close() after commit keeps the commit", async () => {
    const ch = memoryChannel();
    await putCommitted(ch, "a");
    const tx = ch.getTransaction();
    tx.begin();
    tx.take();
    await tx.commit();
    tx.close();
    equal(ch.size(), 0);
  });

  await t.step("putAll stages every event in order", async () => {
    const ch = memoryChannel();
    const tx = ch.getTransaction();
    tx.begin();
    tx.putAll([textEvent("x"), textEvent("y")]);
    await tx.commit();
    tx.close();
    deepStrictEqual(await takeCommitted(ch), ["x", "y"]);
  });

  await t.step("take returns undefined on an empty channel", () => {
    const ch = memoryChannel();
    const tx = ch.getTransaction();
    tx.begin();
    equal(tx.take(), undefined);
    tx.close();
  });
});

Deno.test("MemoryChannel rejects misuse of a transaction with ChannelError", async (t) => {
  const ch = memoryChannel();

  await t.step("put, take, commit and rollback before begin", async () => {
    const tx = ch.getTransaction();
    throws(() => tx.put(textEvent("a")), ChannelError);
    throws(() => tx.take(), ChannelError);
    await rejects(tx.commit(), ChannelError);
    throws(() => tx.rollback(), ChannelError);
    tx.close();
  });

  await t.step("begin twice", () => {
    const tx = ch.getTransaction();
    tx.begin();
    throws(() => tx.begin(), ChannelError);
    tx.close();
  });

  await t.step("commit twice", async () => {
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(textEvent("a"));
    await tx.commit();
    await rejects(tx.commit(), ChannelError);
    tx.close();
    equal(ch.size(), 1, "the failed second commit added nothing");
  });

  await t.step("a second commit while the first is still running", async () => {
    const fresh = memoryChannel();
    const tx = fresh.getTransaction();
    tx.begin();
    tx.put(textEvent("a"));
    const first = tx.commit();
    await rejects(tx.commit(), ChannelError);
    await first;
    tx.close();
    deepStrictEqual(await takeCommitted(fresh), ["a"], "committed once, not twice");
  });

  await t.step("put, rollback or close while a commit waits for room", async () => {
    const clock = new FakeClock();
    const full = memoryChannel({ capacity: 1, transactionCapacity: 1, keepAlive: 1 }, clock);
    await putCommitted(full, "a");
    const tx = full.getTransaction();
    tx.begin();
    tx.put(textEvent("b"));
    const commit = tx.commit();
    await clock.nextSleep();
    throws(() => tx.put(textEvent("c")), ChannelError);
    throws(() => tx.rollback(), ChannelError);
    throws(() => tx.close(), ChannelError);
    deepStrictEqual(await takeCommitted(full), ["a"]); // frees room: the commit goes through
    await commit;
    tx.close();
    deepStrictEqual(await takeCommitted(full), ["b"]);
  });

  await t.step("put after rollback, and any use after close", async () => {
    const tx = ch.getTransaction();
    tx.begin();
    tx.rollback();
    throws(() => tx.put(textEvent("a")), ChannelError);
    tx.close();
    throws(() => tx.begin(), ChannelError);
    await rejects(tx.commit(), ChannelError);
  });
});

Deno.test("MemoryChannel enforces transactionCapacity", async (t) => {
  await t.step("a put beyond it throws ChannelError with Flume's message", () => {
    const ch = memoryChannel({ capacity: 10, transactionCapacity: 2 });
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(textEvent("a"));
    tx.put(textEvent("b"));
    throws(() => tx.put(textEvent("c")), (err: unknown) => {
      ok(err instanceof ChannelError);
      ok(!(err instanceof ChannelFullError), "not a ChannelFullError");
      equal(
        err.message,
        "Put queue for MemoryTransaction of capacity 2 full, consider committing more " +
          "frequently, increasing capacity or increasing thread count",
      );
      return true;
    });
    tx.close();
  });

  await t.step("putAll beyond it throws ChannelError", () => {
    const ch = memoryChannel({ capacity: 10, transactionCapacity: 2 });
    const tx = ch.getTransaction();
    tx.begin();
    throws(() => tx.putAll([textEvent("a"), textEvent("b"), textEvent("c")]), ChannelError);
    tx.close();
    equal(ch.size(), 0);
  });

  await t.step("a take beyond it throws ChannelError with Flume's message", async () => {
    const ch = memoryChannel({ capacity: 10, transactionCapacity: 2 });
    await putCommitted(ch, "a", "b");
    await putCommitted(ch, "c");
    const tx = ch.getTransaction();
    tx.begin();
    tx.take();
    tx.take();
    throws(() => tx.take(), (err: unknown) => {
      ok(err instanceof ChannelError);
      equal(
        err.message,
        "Take list for MemoryTransaction, capacity 2 full, consider committing more " +
          "frequently, increasing capacity, or increasing thread count",
      );
      return true;
    });
    tx.rollback();
    tx.close();
    deepStrictEqual(await takeCommitted(ch), ["a", "b"], "the refused take left c in place");
    deepStrictEqual(await takeCommitted(ch), ["c"]);
  });
});

Deno.test("MemoryChannel commit waits keep-alive for room", async (t) => {
  await t.step("with keepAlive 0 a commit beyond capacity fails at once", async () => {
    const clock = new FakeClock();
    const ch = memoryChannel({ capacity: 2, transactionCapacity: 2, keepAlive: 0 }, clock);
    await putCommitted(ch, "a", "b");
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(textEvent("c"));
    await rejects(tx.commit(), ChannelFullError);
    equal(clock.requests.length, 0, "no wait was requested");
    tx.rollback();
    tx.close();
    deepStrictEqual(await takeCommitted(ch), ["a", "b"]);
  });

  await t.step("the refused transaction stays open so it can be rolled back", async () => {
    const ch = memoryChannel({ capacity: 1, transactionCapacity: 1, keepAlive: 0 });
    await putCommitted(ch, "a");
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(textEvent("b"));
    await rejects(tx.commit(), /Space for commit to queue couldn't be acquired/);
    tx.rollback();
    tx.close();
    equal(ch.size(), 1);
  });

  await t.step("it waits the full keep-alive, then throws ChannelFullError", async () => {
    const clock = new FakeClock();
    const ch = memoryChannel({ capacity: 1, transactionCapacity: 1, keepAlive: 3 }, clock);
    await putCommitted(ch, "a");
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(textEvent("b"));
    const commit = tx.commit();
    const sleep = await clock.nextSleep();
    equal(sleep.ms, 3000);
    equal(await isSettled(commit), false, "still waiting for room");
    clock.advance(2999);
    equal(await isSettled(commit), false, "still waiting 1 ms before the deadline");
    clock.advance(1);
    await rejects(commit, ChannelFullError);
    equal(sleep.state, "elapsed");
    tx.rollback();
    tx.close();
    equal(ch.size(), 1);
  });

  await t.step("a take committed during the wait lets the commit succeed early", async () => {
    const clock = new FakeClock();
    const ch = memoryChannel({ capacity: 2, transactionCapacity: 2, keepAlive: 1 }, clock);
    await putCommitted(ch, "a", "b");
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(textEvent("c"));
    const commit = tx.commit();
    const sleep = await clock.nextSleep();
    equal(sleep.ms, 1000);
    deepStrictEqual(await takeCommitted(ch, 1), ["a"]);
    await commit;
    tx.close();
    equal(sleep.state, "aborted", "the wait was cut short");
    equal(clock.now(), 0, "no time had to pass");
    deepStrictEqual(await takeCommitted(ch), ["b", "c"]);
  });

  await t.step("the same with the system clock and room freed a few ms later", async () => {
    const ch = memoryChannel({ capacity: 1, transactionCapacity: 1, keepAlive: 1 }, SYSTEM_CLOCK);
    await putCommitted(ch, "a");
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(textEvent("b"));
    const commit = tx.commit();
    await new Promise((resolve) => setTimeout(resolve, 5));
    deepStrictEqual(await takeCommitted(ch), ["a"]);
    await withTimeout(commit, 5000, "commit after room was freed");
    tx.close();
    deepStrictEqual(await takeCommitted(ch), ["b"]);
  });

  await t.step("a rolled-back take does not free room", async () => {
    const clock = new FakeClock();
    const ch = memoryChannel({ capacity: 1, transactionCapacity: 1, keepAlive: 1 }, clock);
    await putCommitted(ch, "a");
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(textEvent("b"));
    const commit = tx.commit();
    await clock.nextSleep();
    const take = ch.getTransaction();
    take.begin();
    take.take();
    take.rollback();
    take.close();
    clock.advance(1000);
    await rejects(commit, ChannelFullError);
    tx.rollback();
    tx.close();
    deepStrictEqual(await takeCommitted(ch), ["a"]);
  });

  await t.step("two waiting commits never overfill the channel when one slot frees", async () => {
    const clock = new FakeClock();
    const ch = memoryChannel({ capacity: 2, transactionCapacity: 2, keepAlive: 1 }, clock);
    await putCommitted(ch, "a", "b");
    const first = ch.getTransaction();
    first.begin();
    first.put(textEvent("c"));
    const second = ch.getTransaction();
    second.begin();
    second.put(textEvent("d"));
    const firstCommit = first.commit().then(() => "committed", (e) => e);
    const secondCommit = second.commit().then(() => "committed", (e) => e);
    await clock.nextSleep();
    await clock.nextSleep();
    deepStrictEqual(await takeCommitted(ch, 1), ["a"]); // room for exactly one event
    // Let both waiters wake and re-check.
    await isSettled(firstCommit);
    ok(ch.size() <= ch.capacity, `size ${ch.size()} exceeds capacity ${ch.capacity}`);
    clock.advance(1000);
    const results = [await firstCommit, await secondCommit];
    equal(results.filter((r) => r === "committed").length, 1, "exactly one commit succeeds");
    ok(results.some((r) => r instanceof ChannelFullError), "the other one is refused");
    first.close();
    second.close();
    equal(ch.size(), 2);
  });
});

Deno.test("MemoryChannel counts in-flight events against capacity", async (t) => {
  await t.step("taken but uncommitted events still occupy room", async () => {
    const ch = memoryChannel({ capacity: 2, transactionCapacity: 2 });
    await putCommitted(ch, "a", "b");
    const take = ch.getTransaction();
    take.begin();
    take.take();
    take.take();
    equal(ch.size(), 2);
    const put = ch.getTransaction();
    put.begin();
    put.put(textEvent("c"));
    await rejects(put.commit(), ChannelFullError);
    put.rollback();
    put.close();
    await take.commit();
    take.close();
    await putCommitted(ch, "c"); // room once the take commits
    deepStrictEqual(await takeCommitted(ch), ["c"]);
  });

  await t.step("a transaction's own takes make room for its puts", async () => {
    const ch = memoryChannel({ capacity: 2, transactionCapacity: 2 });
    await putCommitted(ch, "a", "b");
    const tx = ch.getTransaction();
    tx.begin();
    tx.take();
    tx.put(textEvent("c"));
    await tx.commit();
    tx.close();
    deepStrictEqual(await takeCommitted(ch), ["b", "c"]);
  });
});

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

Deno.test("MemoryChannel keeps Flume's counters", async (t) => {
  await t.step("attempts and successes of puts and takes", async () => {
    const ch = memoryChannel({ capacity: 3, transactionCapacity: 3 });
    const c = ch.counters;
    await putCommitted(ch, "a", "b");
    equal(c.get("EventPutAttemptCount"), 2);
    equal(c.get("EventPutSuccessCount"), 2);

    const rolledBack = ch.getTransaction();
    rolledBack.begin();
    rolledBack.put(textEvent("x"));
    rolledBack.rollback();
    rolledBack.close();
    equal(c.get("EventPutAttemptCount"), 3, "a rolled-back put is an attempt");
    equal(c.get("EventPutSuccessCount"), 2, "but not a success");

    const refused = ch.getTransaction();
    refused.begin();
    refused.put(textEvent("y"));
    refused.put(textEvent("z"));
    await rejects(refused.commit(), ChannelFullError);
    refused.rollback();
    refused.close();
    equal(c.get("EventPutAttemptCount"), 5);
    equal(c.get("EventPutSuccessCount"), 2);

    deepStrictEqual(await takeCommitted(ch), ["a", "b"]); // 3 take calls, the last one empty
    equal(c.get("EventTakeAttemptCount"), 3);
    equal(c.get("EventTakeSuccessCount"), 2);

    await putCommitted(ch, "c");
    const undone = ch.getTransaction();
    undone.begin();
    undone.take();
    undone.rollback();
    undone.close();
    equal(c.get("EventTakeAttemptCount"), 4);
    equal(c.get("EventTakeSuccessCount"), 2, "a rolled-back take is not a success");
  });

  await t.step("ChannelSize, ChannelCapacity and ChannelFillPercentage", async () => {
    const ch = memoryChannel({ capacity: 4, transactionCapacity: 4 });
    const c = ch.counters;
    equal(c.get("ChannelCapacity"), 4);
    equal(c.get("ChannelSize"), 0);
    equal(c.get("ChannelFillPercentage"), 0);
    await putCommitted(ch, "a");
    equal(c.get("ChannelSize"), 1);
    equal(c.get("ChannelFillPercentage"), 25);
    await putCommitted(ch, "b", "c", "d");
    equal(c.get("ChannelSize"), 4);
    equal(c.get("ChannelFillPercentage"), 100);
    await takeCommitted(ch, 2);
    equal(c.get("ChannelSize"), 2);
    equal(c.get("ChannelFillPercentage"), 50);
    const snapshot = c.snapshot();
    equal(snapshot.ChannelSize, 2);
    equal(snapshot.ChannelCapacity, 4);
    equal(snapshot.ChannelFillPercentage, 50);
    equal(snapshot.Type, "CHANNEL");
  });
});

Deno.test("MemoryChannel whenReadable signals takeable events", async (t) => {
  await t.step("resolves at once when committed events are held", async () => {
    const ch = memoryChannel();
    await putCommitted(ch, "a");
    const ready = ch.whenReadable(new AbortController().signal);
    equal(await isSettled(ready), true);
  });

  await t.step("resolves after a later commit, not after an uncommitted put", async () => {
    const ch = memoryChannel();
    const ready = ch.whenReadable(new AbortController().signal);
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(textEvent("a"));
    equal(await isSettled(ready), false, "pending while the put is uncommitted");
    await tx.commit();
    tx.close();
    await withTimeout(ready, 5000, "whenReadable after commit");
  });

  await t.step("stays pending after a rolled-back put", async () => {
    const ch = memoryChannel();
    const abort = new AbortController();
    const ready = ch.whenReadable(abort.signal);
    const tx = ch.getTransaction();
    tx.begin();
    tx.put(textEvent("a"));
    tx.rollback();
    tx.close();
    equal(await isSettled(ready), false);
    abort.abort();
    await ready;
  });

  await t.step("resolves when a rolled-back take returns events", async () => {
    const ch = memoryChannel();
    await putCommitted(ch, "a");
    const tx = ch.getTransaction();
    tx.begin();
    tx.take();
    const ready = ch.whenReadable(new AbortController().signal);
    equal(await isSettled(ready), false, "nothing takeable while a is in flight");
    tx.rollback();
    tx.close();
    await withTimeout(ready, 5000, "whenReadable after rollback");
  });

  await t.step("resolves on abort, and at once for an aborted signal", async () => {
    const ch = memoryChannel();
    const abort = new AbortController();
    const ready = ch.whenReadable(abort.signal);
    equal(await isSettled(ready), false);
    abort.abort();
    await withTimeout(ready, 5000, "whenReadable after abort");
    equal(await isSettled(ch.whenReadable(abort.signal)), true);
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
