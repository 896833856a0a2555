import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import { ChannelError, ChannelFullError } from "../../src/api/channel.ts";
import { type Clock, SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { type Event, textEvent } from "../../src/api/event.ts";
import {
  SpillableMemoryChannel,
  type SpillableMemoryChannelOptions,
} from "../../src/channels/spillable/mod.ts";
import { isSettled, withTimeout } from "../support/async.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { RecordingLog } from "../support/recording_log.ts";
import {
  body,
  channelContract,
  type ContractChannelOptions,
  putCommitted,
} from "./channel_contract.ts";

/** A spillable channel c1 with its overflow in `dir`; keep-alive 0, no free-space floor. */
function spillable(
  dir: string,
  options: SpillableMemoryChannelOptions = {},
  clock: Clock = new FakeClock(),
): SpillableMemoryChannel {
  return new SpillableMemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    checkpointDir: `${dir}/checkpoint`,
    dataDirs: [`${dir}/data`],
    keepAliveMs: 0,
    minimumRequiredSpace: 0,
    ...options,
  }, clock);
}

/** Runs `fn` in a new temporary directory, removed afterwards. */
async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "spillable_channel_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs `fn` with a started channel in `dir`, stopping it afterwards. */
async function started(
  dir: string,
  options: SpillableMemoryChannelOptions,
  fn: (ch: SpillableMemoryChannel) => Promise<void>,
  clock?: Clock,
): Promise<void> {
  const ch = spillable(dir, options, clock);
  await ch.start();
  try {
    await fn(ch);
  } finally {
    await ch.stop();
  }
}

/** The bodies "0", "1", … up to `n` - 1, from `from`. */
function numbers(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => String(from + i));
}

/** Puts `bodies` in committed batches of `batch`. */
async function putInBatches(
  ch: SpillableMemoryChannel,
  bodies: readonly string[],
  batch: number,
): Promise<void> {
  for (let i = 0; i < bodies.length; i += batch) {
    await putCommitted(ch, ...bodies.slice(i, i + batch));
  }
}

/**
 * Takes every event the channel holds, a transaction's worth at a time,
 * waiting (with a timeout) whenever the overflow has not read its next
 * events yet.
 */
async function drain(ch: SpillableMemoryChannel): Promise<string[]> {
  const out: string[] = [];
  while (ch.size() > 0) {
    await withTimeout(ch.whenReadable(new AbortController().signal), 10_000, "next event");
    const tx = ch.getTransaction();
    tx.begin();
    for (let i = 0; i < ch.transactionCapacity; i++) {
      const event = tx.take();
      if (event === undefined) break;
      out.push(body(event));
    }
    await tx.commit();
    tx.close();
  }
  return out;
}

/** Puts events in one transaction and starts its commit. */
function commitOf(ch: SpillableMemoryChannel, ...events: Event[]): Promise<void> {
  const tx = ch.getTransaction();
  tx.begin();
  tx.putAll(events);
  return tx.commit().finally(() => tx.close());
}

/** Contract options as spillable options: `split` decides how capacity is shared out. */
function contractOptions(
  options: ContractChannelOptions,
  split: "memory" | "overflow" | "both",
): SpillableMemoryChannelOptions {
  const capacity = options.capacity;
  const sizes: SpillableMemoryChannelOptions = split === "memory"
    ? { memoryCapacity: capacity ?? 10000, overflowCapacity: 0 }
    : split === "overflow"
    ? { memoryCapacity: 0, overflowCapacity: capacity ?? 100000 }
    : capacity === undefined
    ? {}
    : { memoryCapacity: Math.ceil(capacity / 2), overflowCapacity: Math.floor(capacity / 2) };
  return {
    ...sizes,
    overflowTimeoutMs: 0,
    transactionCapacity: options.transactionCapacity,
    keepAliveMs: (options.keepAlive ?? 0) * 1000,
  };
}

for (const split of ["memory", "overflow", "both"] as const) {
  const what = {
    memory: "in memory only (overflowCapacity 0)",
    overflow: "on disk only (memoryCapacity 0)",
    both: "with capacity shared between memory and overflow",
  }[split];
  Deno.test(`SpillableMemoryChannel meets the channel contract ${what}`, (t) =>
    channelContract(t, {
      transactionClass: "SpillableMemoryTransaction",
      fullMessage: /^Spillable Memory Channel's memory (capacity has been reached|and overflow)/,
      anyRollbackOrder: split === "overflow",
      make: async (options, clock) => {
        const dir = await Deno.makeTempDir({ prefix: "spillable_channel_test_" });
        const channel = spillable(dir, contractOptions(options, split), clock);
        try {
          await channel.start();
        } catch (err) {
          await Deno.remove(dir, { recursive: true });
          throw err;
        }
        return {
          channel,
          cleanup: async () => {
            try {
              await channel.stop();
            } finally {
              await Deno.remove(dir, { recursive: true });
            }
          },
        };
      },
    }));
}

Deno.test("SpillableMemoryChannel spills to disk when memory is full", async (t) => {
  const sizes = { memoryCapacity: 10, overflowCapacity: 100, transactionCapacity: 10 };

  await t.step(
    "3× memoryCapacity comes back in put order across the boundary",
    () =>
      inTempDir((dir) =>
        started(dir, { ...sizes, overflowTimeoutMs: 0 }, async (ch) => {
          await putInBatches(ch, numbers(30), 10);
          equal(ch.memorySize(), 10);
          equal(ch.overflowSize(), 20);
          equal(ch.size(), 30);
          equal(ch.counters.get("ChannelSize"), 30, "ChannelSize is memory + overflow");
          equal(ch.counters.get("ChannelCapacity"), 110, "ChannelCapacity too");
          equal(ch.room(), 80);
          deepStrictEqual(await drain(ch), numbers(30));
          equal(ch.size(), 0);
          equal(ch.counters.get("EventPutSuccessCount"), 30);
          equal(ch.counters.get("EventTakeSuccessCount"), 30);
        })
      ),
  );

  await t.step(
    "a batch fills memory first and spills only the rest",
    () =>
      inTempDir((dir) =>
        started(dir, { ...sizes, overflowTimeoutMs: 0 }, async (ch) => {
          await putInBatches(ch, numbers(28), 7); // the second batch is split 3 + 4
          equal(ch.memorySize(), 10);
          equal(ch.overflowSize(), 18);
          deepStrictEqual(await drain(ch), numbers(28));
        })
      ),
  );

  await t.step(
    "events put once memory has room again come after the spilled ones",
    () =>
      inTempDir((dir) =>
        started(dir, { ...sizes, overflowTimeoutMs: 0 }, async (ch) => {
          await putInBatches(ch, numbers(30), 10);
          const first = await drainSome(ch, 15); // memory's 10 and 5 of the overflow's
          deepStrictEqual(first, numbers(15));
          await putCommitted(ch, ...numbers(5, 30));
          equal(ch.memorySize(), 5, "memory had room: the new events went there");
          equal(ch.overflowSize(), 15);
          deepStrictEqual(await drain(ch), numbers(20, 15));
        })
      ),
  );

  await t.step(
    "memory is full when its bytes are used up, counted in avgEventSize units",
    () =>
      inTempDir((dir) =>
        started(dir, {
          ...sizes,
          overflowTimeoutMs: 0,
          byteCapacity: 1000,
          byteCapacityBufferPercentage: 0,
          avgEventSize: 100,
        }, async (ch) => {
          equal(ch.byteSlots, 10);
          const big = { headers: {}, body: new Uint8Array(250) }; // 3 slots each
          await commitOf(ch, big, big, big, big);
          equal(ch.memorySize(), 3);
          equal(ch.overflowSize(), 1);
          await commitOf(ch, textEvent("x")); // 1 slot: fits beside them
          equal(ch.memorySize(), 4);
        })
      ),
  );

  await t.step(
    "rolled-back takes across the boundary return every event in order",
    () =>
      inTempDir((dir) =>
        started(dir, { ...sizes, transactionCapacity: 20, overflowTimeoutMs: 0 }, async (ch) => {
          await putInBatches(ch, numbers(15), 5); // 0..9 in memory, 10..14 on disk
          /** Takes `n` in one transaction, rolls back, and returns what it took. */
          const takeAndRollBack = async (n: number): Promise<string[]> => {
            const tx = ch.getTransaction();
            tx.begin();
            const taken: string[] = [];
            for (let i = 0; i < n; i++) await takeOne(ch, tx, taken);
            tx.rollback();
            tx.close();
            return taken;
          };
          deepStrictEqual(await takeAndRollBack(12), numbers(12), "memory, then disk");
          equal(ch.size(), 15);
          deepStrictEqual(await drainSome(ch, 12), numbers(12));
          await putCommitted(ch, ...numbers(5, 15)); // memory again, after 12..14 on disk
          deepStrictEqual(await takeAndRollBack(8), numbers(8, 12), "disk, then memory");
          deepStrictEqual(await drain(ch), numbers(8, 12));
        })
      ),
  );
});

/** Takes one event into `taken`, waiting for the overflow's read when it has none yet. */
async function takeOne(
  ch: SpillableMemoryChannel,
  tx: ReturnType<SpillableMemoryChannel["getTransaction"]>,
  taken: string[],
): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const event = tx.take();
    if (event !== undefined) {
      taken.push(body(event));
      return;
    }
    await withTimeout(ch.whenReadable(new AbortController().signal), 10_000, "a takeable event");
  }
  throw new Error("No event to take");
}

/** Takes exactly `n` events in committed transactions. */
async function drainSome(ch: SpillableMemoryChannel, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const tx = ch.getTransaction();
    tx.begin();
    const want = Math.min(n - out.length, ch.transactionCapacity);
    const taken: string[] = [];
    while (taken.length < want) await takeOne(ch, tx, taken);
    await tx.commit();
    tx.close();
    out.push(...taken);
  }
  return out;
}

Deno.test("SpillableMemoryChannel waits overflowTimeout before it spills", async (t) => {
  const sizes = { memoryCapacity: 2, overflowCapacity: 10, transactionCapacity: 2 };

  await t.step(
    "a commit that finds memory full spills after overflowTimeout",
    () =>
      inTempDir(async (dir) => {
        const clock = new FakeClock();
        await started(dir, { ...sizes, overflowTimeoutMs: 3000 }, async (ch) => {
          await putCommitted(ch, "a", "b");
          const commit = commitOf(ch, textEvent("c"));
          const sleep = await clock.nextSleep();
          equal(sleep.ms, 3000);
          equal(await isSettled(commit), false, "waiting for memory");
          clock.advance(3000);
          await withTimeout(commit, 10_000, "the spilled commit");
          equal(ch.overflowSize(), 1);
          const before = clock.requests.length;
          await withTimeout(commitOf(ch, textEvent("d")), 10_000, "the next spill");
          equal(clock.requests.length, before, "the overflow is active: no second wait");
          equal(ch.overflowSize(), 2);
          deepStrictEqual(await drain(ch), ["a", "b", "c", "d"]);
        }, clock);
      }),
  );

  await t.step("a take during the wait keeps the events in memory", () =>
    inTempDir(async (dir) => {
      const clock = new FakeClock();
      await started(dir, { ...sizes, overflowTimeoutMs: 3000 }, async (ch) => {
        await putCommitted(ch, "a", "b");
        const commit = commitOf(ch, textEvent("c"));
        await clock.nextSleep();
        deepStrictEqual(await drainSome(ch, 1), ["a"]);
        await withTimeout(commit, 10_000, "the commit after the take");
        equal(ch.memorySize(), 2);
        equal(ch.overflowSize(), 0);
        equal(clock.now(), 0, "no time had to pass");
        deepStrictEqual(await drain(ch), ["b", "c"]);
      }, clock);
    }));

  await t.step(
    "stop ends the wait with ChannelError and keeps memory's events",
    () =>
      inTempDir(async (dir) => {
        const clock = new FakeClock();
        const ch = spillable(dir, { ...sizes, overflowTimeoutMs: 3000 }, clock);
        await ch.start();
        try {
          await putCommitted(ch, "a", "b");
          const refused = rejects(commitOf(ch, textEvent("c")), ChannelError);
          await clock.nextSleep();
          await ch.stop();
          await refused;
          await ch.start();
          deepStrictEqual(await drain(ch), ["a", "b"]);
        } finally {
          await ch.stop();
        }
      }),
  );
});

Deno.test("SpillableMemoryChannel with overflowCapacity 0 is a memory channel", async (t) => {
  await t.step(
    "a full memory refuses after keep-alive and uses no directory",
    () =>
      inTempDir(async (dir) => {
        const clock = new FakeClock();
        const options = { memoryCapacity: 2, overflowCapacity: 0, keepAliveMs: 1000 };
        await started(dir, options, async (ch) => {
          equal(ch.checkpointDir, undefined);
          equal(ch.capacity, 2);
          equal(ch.durable, false, "nothing it holds survives the process");
          await putCommitted(ch, "a", "b");
          const commit = commitOf(ch, textEvent("c"));
          equal((await clock.nextSleep()).ms, 1000, "keep-alive, not overflowTimeout");
          clock.advance(1000);
          await rejects(commit, (err: unknown) => {
            ok(err instanceof ChannelFullError);
            match(err.message, /overflow is disabled; consider increasing memoryCapacity/);
            match(err.message, /channel "c1" holds 2 of 2 events$/);
            return true;
          });
          equal(ch.size(), 2);
        }, clock);
        deepStrictEqual([...Deno.readDirSync(dir)], [], "nothing was created on disk");
      }),
  );

  await t.step(
    "a commit waiting for room goes through once a take frees it",
    () =>
      inTempDir(async (dir) => {
        const clock = new FakeClock();
        const options = { memoryCapacity: 1, overflowCapacity: 0, keepAliveMs: 1000 };
        await started(dir, options, async (ch) => {
          await putCommitted(ch, "a");
          const commit = commitOf(ch, textEvent("b"));
          await clock.nextSleep();
          deepStrictEqual(await drainSome(ch, 1), ["a"]);
          await withTimeout(commit, 10_000, "the commit after the take");
          deepStrictEqual(await drain(ch), ["b"]);
        }, clock);
      }),
  );
});

Deno.test("SpillableMemoryChannel with memoryCapacity 0 keeps every event on disk", () =>
  inTempDir(async (dir) => {
    const options = { memoryCapacity: 0, overflowCapacity: 100, transactionCapacity: 10 };
    await started(dir, options, async (ch) => {
      await putInBatches(ch, numbers(25), 10);
      equal(ch.memorySize(), 0);
      equal(ch.overflowSize(), 25);
      ok(ch.durable, "everything it holds is on disk");
    });
    await started(dir, options, async (ch) => {
      deepStrictEqual(await drain(ch), numbers(25), "all of them survive a restart");
    });
  }));

Deno.test("SpillableMemoryChannel keeps its overflow across stop and start", async (t) => {
  const options = {
    memoryCapacity: 10,
    overflowCapacity: 100,
    transactionCapacity: 10,
    overflowTimeoutMs: 0,
  };

  await t.step(
    "a new channel on the same directories gets the overflow's events first",
    () =>
      inTempDir(async (dir) => {
        const log = new RecordingLog();
        await started(dir, { ...options, log }, async (ch) => {
          await putInBatches(ch, numbers(30), 10);
          equal(ch.durable, false, "memory holds events");
        });
        ok(
          log.messages("info").some((m) => /stops with 10 event\(s\) in memory/.test(m)),
          log.messages("info").join("\n"),
        );
        await started(dir, options, async (ch) => {
          equal(ch.size(), 20, "memory's 10 are gone, the overflow's 20 are back");
          equal(ch.overflowSize(), 20);
          await putCommitted(ch, "new");
          deepStrictEqual(await drain(ch), [...numbers(20, 10), "new"]);
        });
      }),
  );

  await t.step(
    "the same channel stopped and started keeps memory and order",
    () =>
      inTempDir(async (dir) => {
        const ch = spillable(dir, options);
        await ch.start();
        try {
          await putInBatches(ch, numbers(30), 10);
          await ch.stop();
          await ch.start();
          equal(ch.size(), 30);
          deepStrictEqual(await drain(ch), numbers(30));
        } finally {
          await ch.stop();
        }
      }),
  );

  await t.step(
    "events taken but not committed at stop come back at the head, in order",
    () =>
      inTempDir(async (dir) => {
        const ch = spillable(dir, { ...options, transactionCapacity: 20 });
        await ch.start();
        try {
          await putInBatches(ch, numbers(15), 5);
          const tx = ch.getTransaction();
          tx.begin();
          const taken: string[] = [];
          for (let i = 0; i < 12; i++) await takeOne(ch, tx, taken); // memory's 10, 2 on disk
          deepStrictEqual(taken, numbers(12));
          await ch.stop();
          await ch.start();
          await rejects(tx.commit(), /reopened since this transaction began/);
          tx.close();
          equal(ch.size(), 15);
          deepStrictEqual(await drain(ch), numbers(15));
        } finally {
          await ch.stop();
        }
      }),
  );
});

Deno.test("SpillableMemoryChannel waits for room when memory and overflow are full", () =>
  inTempDir(async (dir) => {
    const clock = new FakeClock();
    const options = {
      memoryCapacity: 2,
      overflowCapacity: 2,
      overflowTimeoutMs: 0,
      keepAliveMs: 5000,
    };
    await started(dir, options, async (ch) => {
      await putCommitted(ch, "a", "b");
      await putCommitted(ch, "c", "d");
      equal(ch.room(), 0);
      const commit = commitOf(ch, textEvent("e"));
      equal((await clock.nextSleep()).ms, 5000, "waits keep-alive");
      equal(await isSettled(commit), false);
      deepStrictEqual(await drainSome(ch, 1), ["a"]);
      await withTimeout(commit, 10_000, "the commit after the take");
      deepStrictEqual(await drain(ch), ["b", "c", "d", "e"]);
    }, clock);
  }));

Deno.test("SpillableMemoryChannel keeps order with a producer and a consumer at once", () =>
  inTempDir(async (dir) => {
    const total = 2000;
    const options = {
      memoryCapacity: 20,
      overflowCapacity: 300,
      transactionCapacity: 10,
      overflowTimeoutMs: 0,
      keepAliveMs: 60_000,
    };
    await started(dir, options, async (ch) => {
      let seed = 7;
      /** A deterministic pseudo-random whole number from 1 to `n`. */
      const next = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return 1 + (seed % n);
      };
      // The producer puts 5.5 events a batch, the consumer takes 2: memory fills and spills.
      const produce = async (): Promise<void> => {
        for (let i = 0; i < total;) {
          const n = Math.min(next(10), total - i);
          await putCommitted(ch, ...numbers(n, i));
          i += n;
          peakOverflow = Math.max(peakOverflow, ch.overflowSize());
        }
      };
      let peakOverflow = 0;
      const got: string[] = [];
      const consume = async (): Promise<void> => {
        for (let round = 0; got.length < total; round++) {
          await ch.whenReadable(new AbortController().signal);
          const tx = ch.getTransaction();
          tx.begin();
          const taken: string[] = [];
          for (let i = next(3); i > 0; i--) {
            const event = tx.take();
            if (event === undefined) break;
            taken.push(body(event));
          }
          if (round % 5 === 4) {
            tx.rollback(); // every fifth batch is delivered again
          } else {
            await tx.commit();
            got.push(...taken);
          }
          tx.close();
        }
      };
      await withTimeout(Promise.all([produce(), consume()]), 120_000, "producer and consumer");
      deepStrictEqual(got, numbers(total));
      equal(ch.size(), 0);
      ok(peakOverflow > 0, "the producer outran the consumer: events spilled");
    }, SYSTEM_CLOCK);
  }));
