import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { MemoryChannel, type MemoryChannelOptions } from "../../src/channels/memory_channel.ts";
import {
  type Channel,
  ChannelError,
  ChannelFullError,
  type Transaction,
} from "../../src/api/channel.ts";
import {
  BatchPutError,
  ChannelProcessor,
  ROUTING_COUNTERS,
} from "../../src/core/channel_processor.ts";
import { CHANNEL_COUNTERS, type ChannelCounter, CounterGroup } from "../../src/api/counters.ts";
import { type Event, textEvent } from "../../src/api/event.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import { replicatingSelector } from "../../src/selectors/replicating_selector.ts";
import { multiplexingSelector } from "../../src/selectors/multiplexing_selector.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { RecordingLog } from "../support/recording_log.ts";

const DECODER = new TextDecoder();

/** A memory channel that refuses a full commit at once (keep-alive 0). */
function memoryChannel(name: string, options: MemoryChannelOptions = {}): MemoryChannel {
  return new MemoryChannel(name, new CounterGroup("CHANNEL", name, CHANNEL_COUNTERS), {
    keepAlive: 0,
    ...options,
  }, new FakeClock());
}

/** Text events with the given bodies. */
function events(...bodies: string[]): Event[] {
  return bodies.map((b) => textEvent(b));
}

/** An event with a `state` header (none when `state` is undefined) and body `body`. */
function stateEvent(body: string, state?: string): Event {
  return { ...textEvent(body), headers: state === undefined ? {} : { state } };
}

/** A source counter group holding the channel processor's counters. */
function sourceCounters(): CounterGroup<string> {
  return new CounterGroup("SOURCE", "r1", ROUTING_COUNTERS);
}

/** Takes and commits every event the channel holds, a transaction's worth at a time. */
async function drain(channel: Channel): Promise<string[]> {
  const out: string[] = [];
  for (let more = true; more;) {
    const tx = channel.getTransaction();
    tx.begin();
    let taken = 0;
    for (; taken < channel.transactionCapacity; taken++) {
      const event = tx.take();
      if (event === undefined) break;
      out.push(DECODER.decode(event.body));
    }
    await tx.commit();
    tx.close();
    more = taken === channel.transactionCapacity;
  }
  return out;
}

/**
 * A channel that delegates to a memory channel and records the calls made
 * on its transactions; `failCommit` makes every commit throw it instead.
 */
class SpyChannel implements Channel {
  readonly inner: MemoryChannel;
  readonly calls: string[] = [];
  failCommit: unknown;

  constructor(inner: MemoryChannel) {
    this.inner = inner;
  }
  get name(): string {
    return this.inner.name;
  }
  get counters(): CounterGroup<ChannelCounter> {
    return this.inner.counters;
  }
  get capacity(): number {
    return this.inner.capacity;
  }

  get transactionCapacity(): number {
    return this.inner.transactionCapacity;
  }
  start(): Promise<void> {
    return this.inner.start();
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
  size(): number {
    return this.inner.size();
  }
  room(): number {
    return this.inner.room();
  }
  whenReadable(signal: AbortSignal): Promise<void> {
    return this.inner.whenReadable(signal);
  }
  getTransaction(): Transaction {
    const tx = this.inner.getTransaction();
    const calls = this.calls;
    const failCommit = (): unknown => this.failCommit;
    return {
      begin(): void {
        calls.push("begin");
        tx.begin();
      },
      put(event: Event): void {
        calls.push("put");
        tx.put(event);
      },
      putAll(list: readonly Event[]): void {
        calls.push("putAll");
        tx.putAll(list);
      },
      take(): Event | undefined {
        calls.push("take");
        return tx.take();
      },
      async commit(): Promise<void> {
        calls.push("commit");
        if (failCommit() !== undefined) throw failCommit();
        await tx.commit();
      },
      rollback(): void {
        calls.push("rollback");
        tx.rollback();
      },
      close(): void {
        calls.push("close");
        tx.close();
      },
    };
  }
}

Deno.test("ChannelProcessor with a replicating selector copies every event", async (t) => {
  await t.step("to every channel, in order", async () => {
    const [c1, c2, c3] = [memoryChannel("c1"), memoryChannel("c2"), memoryChannel("c3")];
    const processor = new ChannelProcessor(replicatingSelector([c1, c2, c3]), SILENT_LOG);
    await processor.processEventBatch(events("a", "b"));
    await processor.processEvent(textEvent("c"));
    for (const channel of [c1, c2, c3]) {
      deepStrictEqual(await drain(channel), ["a", "b", "c"], channel.name);
    }
  });

  await t.step("including the optional channels when they accept", async () => {
    const [c1, c2] = [memoryChannel("c1"), memoryChannel("c2")];
    const processor = new ChannelProcessor(replicatingSelector([c1, c2], ["c2"]), SILENT_LOG);
    await processor.processEventBatch(events("a"));
    deepStrictEqual(await drain(c1), ["a"]);
    deepStrictEqual(await drain(c2), ["a"]);
  });

  await t.step("with one transaction per channel per batch", async () => {
    const spy = new SpyChannel(memoryChannel("c1"));
    const processor = new ChannelProcessor(replicatingSelector([spy]), SILENT_LOG);
    await processor.processEventBatch(events("a", "b", "c"));
    deepStrictEqual(spy.calls, ["begin", "putAll", "commit", "close"]);
    equal(spy.counters.get("EventPutSuccessCount"), 3);
  });

  await t.step("and does nothing for an empty batch", async () => {
    const spy = new SpyChannel(memoryChannel("c1"));
    const processor = new ChannelProcessor(replicatingSelector([spy]), SILENT_LOG);
    await processor.processEventBatch([]);
    deepStrictEqual(spy.calls, []);
  });
});

Deno.test("replicatingSelector splits channels into required and optional", () => {
  const [c1, c2, c3] = [memoryChannel("c1"), memoryChannel("c2"), memoryChannel("c3")];
  const selector = replicatingSelector([c1, c2, c3], ["c2", "unknown"]);
  const event = textEvent("x");
  deepStrictEqual(selector.required(event).map((c) => c.name), ["c1", "c3"]);
  deepStrictEqual(selector.optional(event).map((c) => c.name), ["c2"]);
  deepStrictEqual(selector.fixed?.required, selector.required(event), "the same for every event");
  deepStrictEqual(replicatingSelector([c1]).optional(event), []);
});

Deno.test("ChannelProcessor fails the batch when a required channel refuses it", async (t) => {
  await t.step(
    "a put beyond transactionCapacity throws and leaves that channel untouched",
    async () => {
      const small = memoryChannel("c1", { transactionCapacity: 2 });
      const processor = new ChannelProcessor(replicatingSelector([small]), SILENT_LOG);
      await rejects(processor.processEventBatch(events("a", "b", "c")), ChannelError);
      equal(small.size(), 0, "nothing half-put");
      deepStrictEqual(await drain(small), []);
      await processor.processEventBatch(events("d", "e"));
      deepStrictEqual(await drain(small), ["d", "e"], "the channel still works");
    },
  );

  await t.step(
    "a full channel fails the batch (cause ChannelFullError), keeping what it held",
    async () => {
      const full = memoryChannel("c1", { capacity: 3, transactionCapacity: 3 });
      const processor = new ChannelProcessor(replicatingSelector([full]), SILENT_LOG);
      await processor.processEventBatch(events("a", "b"));
      await rejects(processor.processEventBatch(events("c", "d")), (err: unknown) => {
        ok(err instanceof BatchPutError && err.cause instanceof ChannelFullError);
        return true;
      });
      equal(full.size(), 2);
      deepStrictEqual(await drain(full), ["a", "b"]);
    },
  );

  await t.step("the failed transaction is rolled back, then closed", async () => {
    const spy = new SpyChannel(memoryChannel("c1"));
    spy.failCommit = new ChannelFullError("No room");
    const processor = new ChannelProcessor(replicatingSelector([spy]), SILENT_LOG);
    await rejects(processor.processEventBatch(events("a")), BatchPutError);
    deepStrictEqual(spy.calls, ["begin", "putAll", "commit", "rollback", "close"]);
    equal(spy.size(), 0);
  });

  await t.step("a failure that is not a ChannelError is wrapped in one", async () => {
    const spy = new SpyChannel(memoryChannel("c1"));
    const cause = new TypeError("disk on fire");
    spy.failCommit = cause;
    const processor = new ChannelProcessor(replicatingSelector([spy]), SILENT_LOG);
    await rejects(processor.processEventBatch(events("a")), (err: unknown) => {
      ok(err instanceof ChannelError);
      equal(err.message, `Unable to put batch on channel "c1": disk on fire`);
      equal(err.cause, cause);
      return true;
    });
    deepStrictEqual(spy.calls.slice(-2), ["rollback", "close"]);
  });

  await t.step("the error is not logged as an optional-channel warning", async () => {
    const log = new RecordingLog();
    const small = memoryChannel("c1", { transactionCapacity: 1 });
    const processor = new ChannelProcessor(replicatingSelector([small]), log);
    await rejects(processor.processEventBatch(events("a", "b")), ChannelError);
    deepStrictEqual(log.messages("warn"), []);
  });
});

Deno.test("ChannelProcessor names the channels that committed, and a retry skips them", async () => {
  const big = memoryChannel("c1", { capacity: 100 });
  const small = memoryChannel("c2", { capacity: 2, transactionCapacity: 2 });
  const processor = new ChannelProcessor(replicatingSelector([big, small]), SILENT_LOG);
  await processor.processEventBatch(events("a", "b"));
  let committed: readonly Channel[] = [];
  await rejects(processor.processEventBatch(events("c")), (err: unknown) => {
    ok(err instanceof BatchPutError);
    committed = err.committed;
    return true;
  });
  deepStrictEqual(committed.map((c) => c.name), ["c1"]);
  deepStrictEqual(await drain(small), ["a", "b"]);
  await processor.processEventBatch(events("c"), { skip: new Set(committed) });
  deepStrictEqual(await drain(big), ["a", "b", "c"], "c1 got c once");
  deepStrictEqual(await drain(small), ["c"]);
});

Deno.test("ChannelProcessor only logs and counts when an optional channel refuses a batch", async (t) => {
  await t.step(
    "no throw, a warning naming the channel, required channels get the events",
    async () => {
      const log = new RecordingLog();
      const required = memoryChannel("c1");
      const optional = memoryChannel("c2", { capacity: 1, transactionCapacity: 1 });
      const processor = new ChannelProcessor(
        replicatingSelector([required, optional], ["c2"]),
        log,
      );
      await processor.processEvent(textEvent("a"));
      await processor.processEvent(textEvent("b")); // c2 is full now
      deepStrictEqual(await drain(required), ["a", "b"]);
      deepStrictEqual(await drain(optional), ["a"], "the refused batch left nothing in c2");
      const warnings = log.messages("warn");
      equal(warnings.length, 1);
      ok(
        warnings[0].startsWith(
          `Optional channel "c2" refused 1 event(s), not retried (1 in all, counted as ` +
            `OptionalChannelWriteFail): `,
        ),
        warnings[0],
      );
      ok(warnings[0].includes("Space for commit to queue couldn't be acquired"), warnings[0]);
    },
  );

  await t.step("the optional channel's transaction is rolled back", async () => {
    const spy = new SpyChannel(memoryChannel("c2"));
    spy.failCommit = new Error("refused");
    const log = new RecordingLog();
    const processor = new ChannelProcessor(
      replicatingSelector([memoryChannel("c1"), spy], ["c2"]),
      log,
    );
    await processor.processEventBatch(events("a"));
    deepStrictEqual(spy.calls, ["begin", "putAll", "commit", "rollback", "close"]);
    deepStrictEqual(log.messages("warn"), [
      `Optional channel "c2" refused 1 event(s), not retried (1 in all, counted as ` +
      `OptionalChannelWriteFail): refused`,
    ]);
  });
});

Deno.test("ChannelProcessor maxBatch is the smallest transactionCapacity", async (t) => {
  await t.step("across required and optional channels", () => {
    const channels = [
      memoryChannel("c1", { transactionCapacity: 50 }),
      memoryChannel("c2", { transactionCapacity: 7 }),
      memoryChannel("c3", { transactionCapacity: 20 }),
    ];
    equal(new ChannelProcessor(replicatingSelector(channels), SILENT_LOG).maxBatch, 7);
    equal(new ChannelProcessor(replicatingSelector(channels, ["c2"]), SILENT_LOG).maxBatch, 7);
  });

  await t.step("with a single channel", () => {
    const c1 = memoryChannel("c1", { transactionCapacity: 3 });
    equal(new ChannelProcessor(replicatingSelector([c1]), SILENT_LOG).maxBatch, 3);
  });
});

Deno.test("ChannelProcessor room() is what every required channel can take now", () => {
  const c1 = memoryChannel("c1", { capacity: 10 });
  const c2 = memoryChannel("c2", { capacity: 4 });
  const optional = memoryChannel("c3", { capacity: 1 });
  const processor = new ChannelProcessor(
    replicatingSelector([c1, c2, optional], ["c3"]),
    SILENT_LOG,
  );
  equal(processor.room(), 4, "the smaller required channel; the optional one does not count");
});

Deno.test("ChannelProcessor runs interceptors in order, and counts what they leave out", async () => {
  const c1 = memoryChannel("c1");
  const seen: string[] = [];
  const dropped: number[] = [];
  const processor = new ChannelProcessor(replicatingSelector([c1]), SILENT_LOG, {
    interceptors: [
      {
        intercept: (batch) => {
          seen.push(`first:${batch.length}`);
          return batch.filter((e) => DECODER.decode(e.body) !== "drop");
        },
      },
      {
        intercept: (batch) => {
          seen.push(`second:${batch.length}`);
          return batch.map((e) => ({ headers: { ...e.headers, seen: "yes" }, body: e.body }));
        },
      },
    ],
    onIntercepted: (n) => dropped.push(n),
  });
  equal(processor.intercepts, true);
  await processor.processEventBatch(processor.intercept(events("a", "drop", "b")));
  deepStrictEqual(seen, ["first:3", "second:2"]);
  deepStrictEqual(dropped, [1]);
  const tx = c1.getTransaction();
  tx.begin();
  const first = tx.take();
  tx.rollback();
  tx.close();
  deepStrictEqual(first?.headers, { seen: "yes" });
  deepStrictEqual(await drain(c1), ["a", "b"]);
});

Deno.test("ChannelProcessor counts the events an optional channel refused", async () => {
  const counters = sourceCounters();
  const optional = memoryChannel("c2", { capacity: 2, transactionCapacity: 2 });
  const processor = new ChannelProcessor(
    replicatingSelector([memoryChannel("c1"), optional], ["c2"]),
    SILENT_LOG,
    { counters },
  );
  await processor.processEventBatch(events("a", "b"));
  await processor.processEventBatch(events("c", "d", "e")); // more than c2's transaction
  await processor.processEventBatch(events("f")); // c2 is full
  equal(counters.get("OptionalChannelWriteFail"), 4, "3 + 1 events refused");
  equal(counters.get("EventUnroutedCount"), 0);
});

Deno.test("ChannelProcessor routes each event by its header with a multiplexing selector", async (t) => {
  await t.step("each channel gets its events in order, in one transaction", async () => {
    const [c1, c2, c3] = [memoryChannel("c1"), memoryChannel("c2"), memoryChannel("c3")];
    const spy = new SpyChannel(c1);
    const selector = multiplexingSelector([spy, c2, c3], {
      header: "state",
      mapping: new Map([["CZ", ["c1"]], ["US", ["c2", "c3"]]]),
      optional: new Map([["CZ", ["c3"]]]),
      defaults: ["c2"],
    });
    const processor = new ChannelProcessor(selector, SILENT_LOG);
    await processor.processEventBatch([
      stateEvent("cz1", "CZ"),
      stateEvent("us1", "US"),
      stateEvent("none"),
      stateEvent("cz2", "CZ"),
      stateEvent("fr", "FR"),
    ]);
    deepStrictEqual(spy.calls, ["begin", "putAll", "commit", "close"]);
    deepStrictEqual(await drain(c1), ["cz1", "cz2"]);
    deepStrictEqual(await drain(c2), ["us1", "none", "fr"]);
    deepStrictEqual(await drain(c3), ["us1", "cz1", "cz2"], "required first, then optional");
  });

  await t.step(
    "a refused required channel fails the batch; the retry skips what committed and " +
      "fills the optional channels once",
    async () => {
      const c1 = memoryChannel("c1");
      const c2 = new SpyChannel(memoryChannel("c2"));
      const c3 = memoryChannel("c3");
      const selector = multiplexingSelector([c1, c2, c3], {
        header: "state",
        mapping: new Map([["CZ", ["c1"]], ["US", ["c2"]]]),
        optional: new Map([["CZ", ["c3"]]]),
        defaults: [],
      });
      const processor = new ChannelProcessor(selector, SILENT_LOG);
      const batch = [stateEvent("cz", "CZ"), stateEvent("us", "US")];
      c2.failCommit = new ChannelFullError("No room");
      let committed: readonly Channel[] = [];
      await rejects(processor.processEventBatch(batch), (err: unknown) => {
        ok(err instanceof BatchPutError, String(err));
        committed = err.committed;
        return true;
      });
      deepStrictEqual(committed.map((c) => c.name), ["c1"]);
      equal(c3.size(), 0, "optional channels wait until every required one committed");
      c2.failCommit = undefined;
      await processor.processEventBatch(batch, { skip: new Set(committed) });
      deepStrictEqual(await drain(c1), ["cz"], "c1 got its event once");
      deepStrictEqual(await drain(c2), ["us"]);
      deepStrictEqual(await drain(c3), ["cz"], "the optional channel got it on the retry");
    },
  );
});

Deno.test("ChannelProcessor counts and logs events that reach no channel", async () => {
  const log = new RecordingLog();
  const counters = sourceCounters();
  const c1 = memoryChannel("c1");
  const selector = multiplexingSelector([c1], {
    header: "state",
    mapping: new Map([["CZ", ["c1"]]]),
    optional: new Map(),
    defaults: [],
  });
  const processor = new ChannelProcessor(selector, log, { counters });
  await processor.processEventBatch([stateEvent("cz", "CZ"), stateEvent("us", "US")]);
  equal(counters.get("EventUnroutedCount"), 1);
  deepStrictEqual(await drain(c1), ["cz"]);
  for (let i = 0; i < 8; i++) await processor.processEvent(stateEvent("x"));
  equal(counters.get("EventUnroutedCount"), 9);
  equal(log.messages("warn").length, 1, "logged at the first");
  await processor.processEventBatch([stateEvent("y"), stateEvent("z", "")]);
  equal(counters.get("EventUnroutedCount"), 11);
  const warnings = log.messages("warn");
  equal(warnings.length, 2, "and again at the 10th");
  ok(warnings[1].includes("11 in all, counted as EventUnroutedCount"), warnings[1]);
});

Deno.test("ChannelProcessor room() waits only on channels some event may require", () => {
  const c1 = memoryChannel("c1", { capacity: 10 });
  const c2 = memoryChannel("c2", { capacity: 6 });
  const optionalOnly = memoryChannel("c3", { capacity: 1 });
  const selector = multiplexingSelector([c1, c2, optionalOnly], {
    header: "state",
    mapping: new Map([["CZ", ["c1"]]]),
    optional: new Map([["CZ", ["c3"]]]),
    defaults: ["c2"],
  });
  const processor = new ChannelProcessor(selector, SILENT_LOG);
  equal(processor.room(), 6, "c1 and c2 (a mapping and the default), not c3");
});
