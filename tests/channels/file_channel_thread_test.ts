/**
 * The file channel across its thread boundary: its SQLite commits and
 * reads run on a worker, and its takes come from memory (events read ahead,
 * or committed puts that join them). Order, transactions and durability
 * must come out exactly as if it were one thread.
 *
 * @module
 */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { Channel } from "../../src/api/channel.ts";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { textEvent } from "../../src/api/event.ts";
import { FileChannel, type FileChannelOptions } from "../../src/channels/file/mod.ts";
import { withTimeout } from "../support/async.ts";
import { body, putCommitted } from "./channel_contract.ts";

function fileChannel(dir: string, options: Partial<FileChannelOptions> = {}): FileChannel {
  return new FileChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    checkpointDir: `${dir}/checkpoint`,
    dataDirs: [`${dir}/data`],
    keepAlive: 0,
    minimumRequiredSpace: 0,
    ...options,
  }, SYSTEM_CLOCK);
}

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "file_channel_thread_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Starts a channel in `dir`, runs `fn`, stops it. */
async function opened(
  dir: string,
  options: Partial<FileChannelOptions>,
  fn: (ch: FileChannel) => Promise<void>,
): Promise<void> {
  const ch = fileChannel(dir, options);
  await ch.start();
  try {
    await fn(ch);
  } finally {
    await ch.stop();
  }
}

/**
 * Takes `count` events in transactions of up to `batch`, each committed,
 * waiting for the channel's reads when a take finds none in memory.
 */
async function drain(
  ch: Channel,
  count: number,
  batch = ch.transactionCapacity,
): Promise<string[]> {
  const out: string[] = [];
  while (out.length < count) {
    await withTimeout(ch.whenReadable(new AbortController().signal), 10_000, "events to take");
    const tx = ch.getTransaction();
    tx.begin();
    for (let n = 0; n < batch && out.length < count; n++) {
      const event = tx.take();
      if (event === undefined) break;
      out.push(body(event));
    }
    await tx.commit();
    tx.close();
  }
  return out;
}

/** "e0" … "e<n-1>", offset by `from`. */
function names(n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `e${from + i}`);
}

Deno.test("FileChannel across its store thread", async (t) => {
  await t.step(
    "commits asked for together land in the order they were asked for",
    () =>
      inTempDir(async (dir) => {
        await opened(dir, { transactionCapacity: 100 }, async (ch) => {
          const commits: Promise<void>[] = [];
          for (let k = 0; k < 20; k++) {
            const tx = ch.getTransaction();
            tx.begin();
            for (const name of names(50, k * 50)) tx.put(textEvent(name));
            commits.push(tx.commit().finally(() => tx.close()));
          }
          await Promise.all(commits);
          equal(ch.size(), 1000);
          deepStrictEqual(await drain(ch, 1000), names(1000));
        });
      }),
  );

  await t.step(
    "puts that outrun the takers are read back from the database in order",
    () =>
      inTempDir(async (dir) => {
        // transactionCapacity 10: reads of 10 rows, at most 20 events in memory.
        await opened(dir, { transactionCapacity: 10 }, async (ch) => {
          for (let k = 0; k < 50; k++) await putCommitted(ch, ...names(10, k * 10));
          const first = await drain(ch, 35, 7);
          for (let k = 50; k < 60; k++) await putCommitted(ch, ...names(10, k * 10));
          const rest = await drain(ch, 565, 9);
          deepStrictEqual([...first, ...rest], names(600));
          equal(ch.size(), 0);
        });
      }),
  );

  await t.step(
    "a take rolled back while other puts commit comes back first, in order",
    () =>
      inTempDir(async (dir) => {
        await opened(dir, { transactionCapacity: 100 }, async (ch) => {
          await putCommitted(ch, ...names(30));
          const take = ch.getTransaction();
          take.begin();
          const taken = Array.from({ length: 20 }, () => body(take.take()!));
          deepStrictEqual(taken, names(20));
          const put = putCommitted(ch, ...names(30, 30)); // on the store thread meanwhile
          take.rollback();
          take.close();
          await put;
          deepStrictEqual(await drain(ch, 60), names(60));
        });
      }),
  );

  await t.step(
    "a source and a sink at once: every event once, in order, durable",
    () =>
      inTempDir(async (dir) => {
        const total = 5000;
        let seed = 7;
        const random = (n: number): number => {
          seed = (seed * 1103515245 + 12345) % 2147483648;
          return 1 + (seed % n);
        };
        let taken: string[] = [];
        await opened(dir, { transactionCapacity: 200, capacity: 1000 }, async (ch) => {
          const source = (async () => {
            for (let sent = 0; sent < total;) {
              const n = Math.min(random(200), total - sent);
              // A full channel refuses (keep-alive 0): the source retries, as the sender does.
              try {
                await putCommitted(ch, ...names(n, sent));
                sent += n;
              } catch {
                await new Promise((resolve) => setTimeout(resolve, 1));
              }
            }
          })();
          const sink = (async () => {
            const out: string[] = [];
            while (out.length < total - 1000) {
              const tx = ch.getTransaction();
              tx.begin();
              const batch: string[] = [];
              for (let n = random(200); n > 0; n--) {
                const event = tx.take();
                if (event === undefined) break;
                batch.push(body(event));
              }
              if (random(5) === 1) {
                tx.rollback(); // the same events come back first
              } else {
                await tx.commit();
                out.push(...batch);
              }
              tx.close();
              if (batch.length === 0) {
                await withTimeout(ch.whenReadable(new AbortController().signal), 10_000, "events");
              }
            }
            return out;
          })();
          const [, sunk] = await Promise.all([source, sink]);
          taken = sunk;
        });
        deepStrictEqual(taken, names(taken.length));
        // What the sink did not commit is on disk, right after what it did.
        await opened(dir, { transactionCapacity: 200, capacity: 1000 }, async (ch) => {
          const rest = await drain(ch, total - taken.length);
          deepStrictEqual(rest, names(total - taken.length, taken.length));
          ok(ch.size() === 0);
        });
      }),
  );
});
