/**
 * The rules every channel follows (Flume's channel contract), as one suite
 * of `t.step`s that each channel's test file runs against its own channel.
 *
 * @module
 */

import { deepStrictEqual, equal, match, ok, rejects, throws } from "node:assert/strict";
import { type Channel, ChannelError, ChannelFullError } from "../../src/api/channel.ts";
import { type Clock, SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { type Event, textEvent } from "../../src/api/event.ts";
import { isSettled, withTimeout } from "../support/async.ts";
import { FakeClock } from "../support/fake_clock.ts";

const DECODER = new TextDecoder();

/** The options the contract sets on a channel; unset ones keep the channel's defaults. */
export interface ContractChannelOptions {
  /** Most events the channel holds. */
  capacity?: number;
  /** Most events one transaction may put or take. */
  transactionCapacity?: number;
  /** Seconds a commit waits for room; the channel must default it to 0 here. */
  keepAlive?: number;
}

/** A started channel and how to dispose of it. */
export interface ChannelUnderTest {
  /** The channel, started and ready for transactions. */
  channel: Channel;
  /** Stops the channel and removes whatever it left behind (temp dirs). */
  cleanup: () => Promise<void>;
}

/** What the contract needs to know about one kind of channel. */
export interface ChannelContractSubject {
  /**
   * The transaction class named in Flume's transactionCapacity messages
   * ("MemoryTransaction", "FileBackedTransaction").
   */
  transactionClass: string;
  /** How the channel's ChannelFullError message starts (it differs per Flume channel). */
  fullMessage: RegExp;
  /**
   * True when concurrent rolled-back takes restore the original order
   * whichever rolls back first; false when, as in Flume's MemoryChannel,
   * that holds only if the later take rolls back first.
   */
  anyRollbackOrder: boolean;
  /** Makes a fresh, started channel named c1 with `options` (keep-alive 0 unless given) on `clock`. */
  make: (options: ContractChannelOptions, clock: Clock) => Promise<ChannelUnderTest>;
}

/** Puts `bodies` as text events in one transaction and commits. */
export async function putCommitted(channel: Channel, ...bodies: string[]): Promise<void> {
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
export async function takeCommitted(
  channel: Channel,
  max: number = channel.transactionCapacity,
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
export function body(event: Event): string {
  return DECODER.decode(event.body);
}

/**
 * Registers the channel contract as steps of `t`, one group per rule set,
 * each step on a fresh channel from `subject.make`.
 */
export async function channelContract(
  t: Deno.TestContext,
  subject: ChannelContractSubject,
): Promise<void> {
  /** Runs `fn` on a fresh channel and disposes of it afterwards. */
  async function withChannel(
    fn: (ch: Channel) => Promise<void> | void,
    options: ContractChannelOptions = {},
    clock: Clock = new FakeClock(),
  ): Promise<void> {
    const { channel, cleanup } = await subject.make(options, clock);
    try {
      await fn(channel);
    } finally {
      await cleanup();
    }
  }

  /** Asserts that `err` is the ChannelFullError of a channel holding `size` of `capacity`. */
  function isFull(err: unknown, size: number, capacity: number): true {
    ok(err instanceof ChannelFullError);
    match(err.message, subject.fullMessage);
    match(err.message, new RegExp(`channel "c1" holds ${size} of ${capacity} events$`));
    return true;
  }

  await t.step("transactions follow Flume's visibility rules", async (t) => {
    await t.step("a put is invisible to takers until commit", () =>
      withChannel(async (ch) => {
        const put = ch.getTransaction();
        put.begin();
        put.put(textEvent("a"));
        deepStrictEqual(await takeCommitted(ch), []);
        equal(ch.size(), 0);
        await put.commit();
        put.close();
        deepStrictEqual(await takeCommitted(ch), ["a"]);
      }));

    await t.step("rolled-back puts vanish", () =>
      withChannel(async (ch) => {
        const tx = ch.getTransaction();
        tx.begin();
        tx.put(textEvent("a"));
        tx.put(textEvent("b"));
        tx.rollback();
        tx.close();
        equal(ch.size(), 0);
        deepStrictEqual(await takeCommitted(ch), []);
      }));

    await t.step("events come out in commit order", () =>
      withChannel(async (ch) => {
        await putCommitted(ch, "a", "b");
        await putCommitted(ch, "c");
        deepStrictEqual(await takeCommitted(ch), ["a", "b", "c"]);
      }));

    await t.step("a committed take removes the events for good", () =>
      withChannel(async (ch) => {
        await putCommitted(ch, "a", "b", "c");
        deepStrictEqual(await takeCommitted(ch, 2), ["a", "b"]);
        equal(ch.size(), 1);
        deepStrictEqual(await takeCommitted(ch), ["c"]);
        equal(ch.size(), 0);
      }));

    await t.step(
      "a rolled-back take returns its events to the head in order",
      () =>
        withChannel(async (ch) => {
          await putCommitted(ch, "a", "b", "c", "d");
          const tx = ch.getTransaction();
          tx.begin();
          equal(body(tx.take()!), "a");
          equal(body(tx.take()!), "b");
          await putCommitted(ch, "e"); // committed while a and b are taken
          tx.rollback();
          tx.close();
          deepStrictEqual(await takeCommitted(ch), ["a", "b", "c", "d", "e"]);
        }),
    );

    await t.step("concurrent rolled-back takes restore the original order", async () => {
      const orders = subject.anyRollbackOrder ? [false, true] : [false];
      for (const events of [["a", "b", "c"], ["a", "b", "c", "d"]]) {
        for (const firstRollsBackFirst of orders) {
          await withChannel(async (ch) => {
            await putCommitted(ch, ...events);
            const first = ch.getTransaction();
            const second = ch.getTransaction();
            first.begin();
            second.begin();
            first.take();
            first.take();
            second.take();
            if (firstRollsBackFirst) first.rollback();
            second.rollback();
            if (!firstRollsBackFirst) first.rollback();
            deepStrictEqual(
              await takeCommitted(ch),
              events,
              `first rolled back first: ${firstRollsBackFirst}`,
            );
          });
        }
      }
    });

    await t.step(
      "a take after a rollback of later events gets the earliest first",
      () =>
        withChannel(async (ch) => {
          await putCommitted(ch, "a", "b", "c");
          const first = ch.getTransaction();
          first.begin();
          first.take(); // a
          const second = ch.getTransaction();
          second.begin();
          second.take(); // b
          first.rollback(); // a is back
          deepStrictEqual(await takeCommitted(ch, 2), ["a", "c"]);
          second.rollback();
          deepStrictEqual(await takeCommitted(ch), ["b"]);
        }),
    );

    await t.step("close() of an open transaction rolls it back", () =>
      withChannel(async (ch) => {
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
      }));

    await t.step("close() after commit keeps the commit", () =>
      withChannel(async (ch) => {
        await putCommitted(ch, "a");
        const tx = ch.getTransaction();
        tx.begin();
        tx.take();
        await tx.commit();
        tx.close();
        equal(ch.size(), 0);
      }));

    await t.step(
      "one transaction may take and put, committed together",
      () =>
        withChannel(async (ch) => {
          await putCommitted(ch, "a", "b");
          const tx = ch.getTransaction();
          tx.begin();
          equal(body(tx.take()!), "a");
          tx.put(textEvent("c"));
          await tx.commit();
          tx.close();
          deepStrictEqual(await takeCommitted(ch), ["b", "c"]);
        }),
    );

    await t.step("putAll stages every event in order", () =>
      withChannel(async (ch) => {
        const tx = ch.getTransaction();
        tx.begin();
        tx.putAll([textEvent("x"), textEvent("y")]);
        await tx.commit();
        tx.close();
        deepStrictEqual(await takeCommitted(ch), ["x", "y"]);
      }));

    await t.step("take returns undefined on an empty channel", () =>
      withChannel(async (ch) => {
        const rolledBack = ch.getTransaction();
        rolledBack.begin();
        equal(rolledBack.take(), undefined);
        rolledBack.close();
        const committed = ch.getTransaction();
        committed.begin();
        equal(committed.take(), undefined);
        await committed.commit();
        committed.close();
      }));

    await t.step(
      "headers and binary bodies come back byte for byte",
      () =>
        withChannel(async (ch) => {
          const bytes = new Uint8Array(256).map((_, i) => i);
          const events: Event[] = [
            { headers: { host: "h1", "ü": "ß", empty: "" }, body: bytes },
            { headers: {}, body: new Uint8Array(0) },
            { headers: { part: "view" }, body: bytes.subarray(10, 20) },
          ];
          const tx = ch.getTransaction();
          tx.begin();
          tx.putAll(events);
          await tx.commit();
          tx.close();
          const take = ch.getTransaction();
          take.begin();
          deepStrictEqual([take.take(), take.take(), take.take(), take.take()], [
            ...events,
            undefined,
          ]);
          await take.commit();
          take.close();
        }),
    );

    await t.step(
      "many events stay in order across batches and rollbacks",
      () =>
        withChannel(async (ch) => {
          const all = Array.from({ length: 1500 }, (_, i) => String(i));
          for (let i = 0; i < all.length; i += 500) {
            await putCommitted(ch, ...all.slice(i, i + 500));
          }
          const got: string[] = [];
          for (let round = 0; got.length < all.length; round++) {
            const tx = ch.getTransaction();
            tx.begin();
            const taken: string[] = [];
            for (let i = 0; i < 170; i++) {
              const event = tx.take();
              if (event === undefined) {
                break;
              }
              taken.push(body(event));
            }
            if (round % 3 === 1) {
              tx.rollback(); // every third batch is delivered again
            } else {
              await tx.commit();
              got.push(...taken);
            }
            tx.close();
          }
          deepStrictEqual(got, all);
          equal(ch.size(), 0);
        }, { capacity: 2000, transactionCapacity: 500 }),
    );
  });

  await t.step("misuse of a transaction is refused with ChannelError", async (t) => {
    await t.step("put, take, commit and rollback before begin", () =>
      withChannel(async (ch) => {
        const tx = ch.getTransaction();
        throws(() => tx.put(textEvent("a")), ChannelError);
        throws(() => tx.take(), ChannelError);
        await rejects(tx.commit(), ChannelError);
        throws(() => tx.rollback(), ChannelError);
        tx.close();
      }));

    await t.step("begin twice", () =>
      withChannel((ch) => {
        const tx = ch.getTransaction();
        tx.begin();
        throws(() => tx.begin(), ChannelError);
        tx.close();
      }));

    await t.step("commit twice, and use after close", () =>
      withChannel(async (ch) => {
        const tx = ch.getTransaction();
        tx.begin();
        tx.put(textEvent("a"));
        await tx.commit();
        await rejects(tx.commit(), ChannelError);
        tx.close();
        throws(() => tx.begin(), ChannelError);
        throws(() => tx.put(textEvent("b")), ChannelError);
        await rejects(tx.commit(), ChannelError);
        equal(ch.size(), 1, "the failed second commit added nothing");
      }));

    await t.step(
      "a second commit while the first is still running",
      () =>
        withChannel(async (ch) => {
          const tx = ch.getTransaction();
          tx.begin();
          tx.put(textEvent("a"));
          const first = tx.commit();
          await rejects(tx.commit(), ChannelError);
          await first;
          tx.close();
          deepStrictEqual(await takeCommitted(ch), ["a"], "committed once, not twice");
        }),
    );

    await t.step("put, rollback or close while a commit waits for room", async () => {
      const clock = new FakeClock();
      await withChannel(
        async (ch) => {
          await putCommitted(ch, "a");
          const tx = ch.getTransaction();
          tx.begin();
          tx.put(textEvent("b"));
          const commit = tx.commit();
          await clock.nextSleep();
          throws(() => tx.put(textEvent("c")), ChannelError);
          throws(() => tx.rollback(), ChannelError);
          throws(() => tx.close(), ChannelError);
          deepStrictEqual(await takeCommitted(ch), ["a"]); // frees room: the commit goes through
          await commit;
          tx.close();
          deepStrictEqual(await takeCommitted(ch), ["b"]);
        },
        { capacity: 1, transactionCapacity: 1, keepAlive: 1 },
        clock,
      );
    });

    await t.step("put after rollback, and any use after close", () =>
      withChannel(async (ch) => {
        const tx = ch.getTransaction();
        tx.begin();
        tx.rollback();
        throws(() => tx.put(textEvent("a")), ChannelError);
        tx.close();
        throws(() => tx.begin(), ChannelError);
        await rejects(tx.commit(), ChannelError);
      }));
  });

  await t.step("transactionCapacity is enforced", async (t) => {
    await t.step(
      "a put beyond it throws ChannelError with Flume's message",
      () =>
        withChannel((ch) => {
          const tx = ch.getTransaction();
          tx.begin();
          tx.put(textEvent("a"));
          tx.put(textEvent("b"));
          throws(() => tx.put(textEvent("c")), (err: unknown) => {
            ok(err instanceof ChannelError);
            ok(!(err instanceof ChannelFullError), "not a ChannelFullError");
            equal(
              err.message,
              `Put queue for ${subject.transactionClass} of capacity 2 full, consider committing ` +
                "more frequently, increasing capacity or increasing thread count",
            );
            return true;
          });
          tx.close();
          equal(ch.size(), 0);
        }, { capacity: 10, transactionCapacity: 2 }),
    );

    await t.step("putAll beyond it throws ChannelError", () =>
      withChannel((ch) => {
        const tx = ch.getTransaction();
        tx.begin();
        throws(() => tx.putAll([textEvent("a"), textEvent("b"), textEvent("c")]), ChannelError);
        tx.close();
        equal(ch.size(), 0);
      }, { capacity: 10, transactionCapacity: 2 }));

    await t.step(
      "a take beyond it throws ChannelError with Flume's message",
      () =>
        withChannel(async (ch) => {
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
              `Take list for ${subject.transactionClass}, capacity 2 full, consider committing ` +
                "more frequently, increasing capacity, or increasing thread count",
            );
            return true;
          });
          tx.rollback();
          tx.close();
          deepStrictEqual(await takeCommitted(ch), ["a", "b"], "the refused take left c in place");
          deepStrictEqual(await takeCommitted(ch), ["c"]);
        }, { capacity: 10, transactionCapacity: 2 }),
    );
  });

  await t.step("a commit waits keep-alive for room", async (t) => {
    await t.step("with keep-alive 0 a commit beyond capacity fails at once", async () => {
      const clock = new FakeClock();
      await withChannel(
        async (ch) => {
          await putCommitted(ch, "a", "b");
          const tx = ch.getTransaction();
          tx.begin();
          tx.put(textEvent("c"));
          await rejects(tx.commit(), ChannelFullError);
          equal(clock.requests.length, 0, "no wait was requested");
          tx.rollback();
          tx.close();
          deepStrictEqual(await takeCommitted(ch), ["a", "b"]);
        },
        { capacity: 2, transactionCapacity: 2, keepAlive: 0 },
        clock,
      );
    });

    await t.step(
      "the refused transaction stays open so it can be rolled back",
      () =>
        withChannel(async (ch) => {
          await putCommitted(ch, "a");
          const tx = ch.getTransaction();
          tx.begin();
          tx.put(textEvent("b"));
          await rejects(tx.commit(), (err: unknown) => isFull(err, 1, 1));
          tx.rollback();
          tx.close();
          equal(ch.size(), 1);
        }, { capacity: 1, transactionCapacity: 1, keepAlive: 0 }),
    );

    await t.step("it waits the full keep-alive, then throws ChannelFullError", async () => {
      const clock = new FakeClock();
      await withChannel(
        async (ch) => {
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
          await rejects(commit, (err: unknown) => isFull(err, 1, 1));
          equal(sleep.state, "elapsed");
          tx.rollback();
          tx.close();
          equal(ch.size(), 1);
        },
        { capacity: 1, transactionCapacity: 1, keepAlive: 3 },
        clock,
      );
    });

    await t.step("a take committed during the wait lets the commit succeed early", async () => {
      const clock = new FakeClock();
      await withChannel(
        async (ch) => {
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
        },
        { capacity: 2, transactionCapacity: 2, keepAlive: 1 },
        clock,
      );
    });

    await t.step("the same with the system clock and room freed a few ms later", () =>
      withChannel(
        async (ch) => {
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
        },
        { capacity: 1, transactionCapacity: 1, keepAlive: 1 },
        SYSTEM_CLOCK,
      ));

    await t.step("a rolled-back take does not free room", async () => {
      const clock = new FakeClock();
      await withChannel(
        async (ch) => {
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
        },
        { capacity: 1, transactionCapacity: 1, keepAlive: 1 },
        clock,
      );
    });

    await t.step("two waiting commits never overfill the channel when one slot frees", async () => {
      const clock = new FakeClock();
      await withChannel(
        async (ch) => {
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
        },
        { capacity: 2, transactionCapacity: 2, keepAlive: 1 },
        clock,
      );
    });
  });

  await t.step("in-flight events count against capacity", async (t) => {
    await t.step("taken but uncommitted events still occupy room", () =>
      withChannel(async (ch) => {
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
      }, { capacity: 2, transactionCapacity: 2 }));

    await t.step(
      "a transaction's own takes make room for its puts",
      () =>
        withChannel(async (ch) => {
          await putCommitted(ch, "a", "b");
          const tx = ch.getTransaction();
          tx.begin();
          tx.take();
          tx.put(textEvent("c"));
          await tx.commit();
          tx.close();
          deepStrictEqual(await takeCommitted(ch), ["b", "c"]);
        }, { capacity: 2, transactionCapacity: 2 }),
    );
  });

  await t.step("room() is capacity minus size", async (t) => {
    /** Asserts room() is capacity less size() and that size() is `size`. */
    function roomIs(ch: Channel, size: number, when: string): void {
      equal(ch.size(), size, `size ${when}`);
      equal(ch.room(), ch.capacity - ch.size(), `room ${when}`);
    }

    await t.step(
      "before and after puts and takes, in flight or rolled back",
      () =>
        withChannel(async (ch) => {
          equal(ch.capacity, 4);
          roomIs(ch, 0, "when empty");
          equal(ch.room(), 4);

          const put = ch.getTransaction();
          put.begin();
          put.put(textEvent("a"));
          put.put(textEvent("b"));
          roomIs(ch, 0, "while puts are uncommitted");
          await put.commit();
          put.close();
          roomIs(ch, 2, "after committed puts");

          const rolledBackPut = ch.getTransaction();
          rolledBackPut.begin();
          rolledBackPut.put(textEvent("x"));
          rolledBackPut.rollback();
          rolledBackPut.close();
          roomIs(ch, 2, "after a rolled-back put");

          await putCommitted(ch, "c", "d");
          roomIs(ch, 4, "when full");
          equal(ch.room(), 0);

          const take = ch.getTransaction();
          take.begin();
          take.take();
          roomIs(ch, 4, "while a take is uncommitted");
          take.rollback();
          take.close();
          roomIs(ch, 4, "after a rolled-back take");

          deepStrictEqual(await takeCommitted(ch, 3), ["a", "b", "c"]);
          roomIs(ch, 1, "after a committed take");
          equal(ch.room(), 3);

          const both = ch.getTransaction();
          both.begin();
          both.take();
          both.put(textEvent("e"));
          both.put(textEvent("f"));
          await both.commit();
          both.close();
          roomIs(ch, 2, "after a transaction that took one and put two");

          deepStrictEqual(await takeCommitted(ch), ["e", "f"]);
          roomIs(ch, 0, "when emptied again");
          equal(ch.room(), 4);
        }, { capacity: 4, transactionCapacity: 4 }),
    );
  });

  await t.step("Flume's counters are kept", async (t) => {
    await t.step("attempts and successes of puts and takes", () =>
      withChannel(async (ch) => {
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
      }, { capacity: 3, transactionCapacity: 3 }));

    await t.step(
      "ChannelSize, ChannelCapacity and ChannelFillPercentage",
      () =>
        withChannel(async (ch) => {
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
        }, { capacity: 4, transactionCapacity: 4 }),
    );
  });

  await t.step("whenReadable signals takeable events", async (t) => {
    await t.step(
      "resolves at once when committed events are held",
      () =>
        withChannel(async (ch) => {
          await putCommitted(ch, "a");
          equal(await isSettled(ch.whenReadable(new AbortController().signal)), true);
        }),
    );

    await t.step(
      "resolves after a later commit, not after an uncommitted put",
      () =>
        withChannel(async (ch) => {
          const ready = ch.whenReadable(new AbortController().signal);
          const tx = ch.getTransaction();
          tx.begin();
          tx.put(textEvent("a"));
          equal(await isSettled(ready), false, "pending while the put is uncommitted");
          await tx.commit();
          tx.close();
          await withTimeout(ready, 5000, "whenReadable after commit");
        }),
    );

    await t.step("stays pending after a rolled-back put", () =>
      withChannel(async (ch) => {
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
      }));

    await t.step(
      "resolves when a rolled-back take returns events",
      () =>
        withChannel(async (ch) => {
          await putCommitted(ch, "a");
          const tx = ch.getTransaction();
          tx.begin();
          tx.take();
          const ready = ch.whenReadable(new AbortController().signal);
          equal(await isSettled(ready), false, "nothing takeable while a is in flight");
          tx.rollback();
          tx.close();
          await withTimeout(ready, 5000, "whenReadable after rollback");
        }),
    );

    await t.step(
      "resolves on abort, and at once for an aborted signal",
      () =>
        withChannel(async (ch) => {
          const abort = new AbortController();
          const ready = ch.whenReadable(abort.signal);
          equal(await isSettled(ready), false);
          abort.abort();
          await withTimeout(ready, 5000, "whenReadable after abort");
          equal(await isSettled(ch.whenReadable(abort.signal)), true);
        }),
    );
  });
}
