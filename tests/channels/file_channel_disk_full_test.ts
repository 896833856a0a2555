import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { ChannelError } from "../../src/api/channel.ts";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { textEvent } from "../../src/api/event.ts";
import { DATABASE_FILE, FileChannel } from "../../src/channels/file/mod.ts";
import { withTempDir } from "../support/cli.ts";
import { sinkFrom } from "../support/components.ts";
import { RecordingLog } from "../support/recording_log.ts";
import { fillDisk, freeBytes, NEEDS_TMPFS, TMPFS_AVAILABLE, withTmpfs } from "../support/tmpfs.ts";

const MIB = 1024 * 1024;
/** A 2 KiB body after the event's number. */
const PADDING = "x".repeat(2048);

/** A file channel c1 on `dir`, logging to `log`. */
function fileChannel(
  dir: string,
  log: RecordingLog,
  minimumRequiredSpace: number,
): FileChannel {
  return new FileChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    checkpointDir: `${dir}/checkpoint`,
    dataDirs: [`${dir}/data`],
    transactionCapacity: 1000,
    keepAlive: 0,
    minimumRequiredSpace,
    log,
  }, SYSTEM_CLOCK);
}

/** Commits events numbered `from` … `from + count - 1` (2 KiB each) in one transaction. */
async function putNumbered(channel: FileChannel, from: number, count: number): Promise<void> {
  const tx = channel.getTransaction();
  tx.begin();
  try {
    for (let i = 0; i < count; i++) tx.put(textEvent(`${from + i} ${PADDING}`));
    await tx.commit();
  } finally {
    tx.close();
  }
}

/** Takes up to `max` events in one transaction and commits; their numbers. */
async function takeNumbers(channel: FileChannel, max: number): Promise<number[]> {
  const tx = channel.getTransaction();
  tx.begin();
  const out: number[] = [];
  try {
    while (out.length < max) {
      const event = tx.take();
      if (event === undefined) break;
      out.push(Number(new TextDecoder().decode(event.body).split(" ")[0]));
    }
    await tx.commit();
  } finally {
    tx.close();
  }
  return out;
}

/** The size of a file, 0 when there is none. */
function sizeOf(path: string): number {
  try {
    return Deno.statSync(path).size;
  } catch {
    return 0;
  }
}

/** Resolves once `condition` holds, polling; rejects after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test({
  name: `FileChannel on a small disk keeps its log bounded and refuses puts before the disk ` +
    `fills ${NEEDS_TMPFS}`,
  ignore: !TMPFS_AVAILABLE,
  fn: async () => {
    await withTmpfs(32 * MIB, async (mount) => {
      const log = new RecordingLog();
      const channel = fileChannel(mount, log, 8 * MIB);
      const wal = `${mount}/data/${DATABASE_FILE}-wal`;
      await channel.start();
      try {
        // Puts until the channel refuses them; the log never grows past its bound
        // (a quarter of minimumRequiredSpace: 2 MiB) by more than a batch.
        let put = 0;
        let refusal: unknown;
        let largestWal = 0;
        while (refusal === undefined) {
          try {
            await putNumbered(channel, put, 1000);
            put += 1000;
          } catch (err) {
            refusal = err;
          }
          largestWal = Math.max(largestWal, sizeOf(wal));
          ok(put < 100_000, "puts are refused at some point");
        }
        ok(refusal instanceof ChannelError);
        match(
          refusal.message,
          new RegExp(
            `^Refusing puts on channel "c1": "${mount}/data" has (\\d+ bytes .* of free ` +
              `database pages and )?\\d+ bytes \\(.*\\) free, ` +
              `below minimumRequiredSpace 8388608 bytes \\(8.0 MiB\\) once these 1000 event\\(s\\) ` +
              `\\(about \\d+ bytes \\(.*\\)\\) are stored; free some space or lower ` +
              `minimumRequiredSpace$`,
          ),
        );
        ok(largestWal <= 5 * MIB, `the write-ahead log grew to ${largestWal} bytes`);
        ok(freeBytes(mount) >= 6 * MIB, `${freeBytes(mount)} bytes left free`);
        equal(log.messages("warn").filter((m) => m.startsWith("Refusing puts")).length, 1);

        // Every event can be taken and deleted: the disk never filled.
        const taken: number[] = [];
        while (taken.length < put) {
          const batch = await takeNumbers(channel, 100);
          ok(batch.length > 0, `the channel still holds ${put - taken.length} event(s)`);
          taken.push(...batch);
          ok(sizeOf(wal) <= 5 * MIB, `the write-ahead log grew to ${sizeOf(wal)} bytes`);
        }
        deepStrictEqual(taken, Array.from({ length: put }, (_, i) => i), "each once, in order");
        equal(channel.size(), 0);
        deepStrictEqual(log.messages("warn").filter((m) => /disk is full/.test(m)), []);

        await putNumbered(channel, put, 1000);
        ok(
          log.messages("info").some((m) =>
            /^Channel c1: ".*" has .* free: accepting puts again$/.test(m)
          ),
        );
      } finally {
        await channel.stop();
      }
    });
  },
});

Deno.test({
  name: `FileChannel: a delivered batch that a full disk keeps from being deleted is not ` +
    `delivered again ${NEEDS_TMPFS}`,
  ignore: !TMPFS_AVAILABLE,
  fn: async (t) => {
    /**
     * 500 events in a channel on a small tmpfs, reopened so that its log is
     * empty, and the disk then filled by someone else: a delete needs log
     * space that is not there. A file_roll sink writes to a normal directory.
     */
    async function scenario(
      fn: (ctx: {
        channel: () => FileChannel;
        reopen: () => Promise<void>;
        sink: () => ReturnType<typeof sinkFrom>;
        log: RecordingLog;
        filler: string;
        output: () => Promise<number[]>;
      }) => Promise<void>,
    ): Promise<void> {
      await withTmpfs(16 * MIB, async (mount) => {
        await withTempDir(async (out) => {
          const log = new RecordingLog();
          let channel = fileChannel(mount, log, MIB);
          await channel.start();
          await putNumbered(channel, 0, 500);
          await channel.stop();
          channel = fileChannel(mount, log, MIB);
          await channel.start();
          const make = (): ReturnType<typeof sinkFrom> =>
            sinkFrom(
              "file_roll",
              {
                "sink.directory": out,
                "sink.rollInterval": "0",
                "sink.batchSize": "100",
              },
              channel,
              { log: new RecordingLog() },
            );
          let sink = make();
          await sink.start();
          const filler = await fillDisk(mount);
          try {
            await fn({
              channel: () => channel,
              reopen: async () => {
                await sink.stop();
                await channel.stop();
                await Deno.remove(filler).catch(() => {});
                channel = fileChannel(mount, log, MIB);
                await channel.start();
                sink = make();
                await sink.start();
              },
              sink: () => sink,
              log,
              filler,
              output: async () => {
                // Files in the order they were written: by series, then number.
                const names: string[] = [];
                for await (const entry of Deno.readDir(out)) names.push(entry.name);
                const key = (n: string): number[] => n.split("-").map(Number);
                names.sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
                const numbers: number[] = [];
                for (const name of names) {
                  const text = await Deno.readTextFile(`${out}/${name}`);
                  for (const line of text.split("\n")) {
                    if (line) numbers.push(Number(line.split(" ")[0]));
                  }
                }
                return numbers;
              },
            });
          } finally {
            await sink.stop();
            await channel.stop();
          }
        });
      });
    }

    await t.step("space comes back: every event is delivered once", async () => {
      await scenario(async ({ channel, sink, log, filler, output }) => {
        for (let i = 0; i < 5; i++) {
          try {
            await sink().process();
          } catch {
            // A sink that saw its commit fail retries, as its runner would.
          }
        }
        match(
          log.messages("warn").find((m) => /disk is full/.test(m)) ?? "",
          /^Channel c1: Cannot commit to ".*": database or disk is full: the 100 event\(s\) just delivered are deleted once there is space, and no events are handed out until then/,
        );
        equal(channel().size(), 500, "still in the database");
        await Deno.remove(filler);
        await until(
          () => log.messages("info").some((m) => /deleted the 100 delivered event\(s\)/.test(m)),
          "the kept delete",
        );
        equal(channel().size(), 400);
        while (channel().size() > 0) await sink().process();
        deepStrictEqual(await output(), Array.from({ length: 500 }, (_, i) => i));
      });
    });

    await t.step("the agent stops first: that one batch is delivered again", async () => {
      await scenario(async ({ reopen, sink, channel, log, output }) => {
        for (let i = 0; i < 3; i++) {
          try {
            await sink().process();
          } catch {
            // As above.
          }
        }
        await reopen();
        ok(
          log.messages("warn").some((m) =>
            m === "Channel c1 closes with 100 delivered event(s) that it could not delete for " +
                "want of space: they are delivered again after the next start"
          ),
        );
        while (channel().size() > 0) await sink().process();
        const numbers = await output();
        const expected = [...Array.from({ length: 100 }, (_, i) => i)];
        expected.push(...Array.from({ length: 500 }, (_, i) => i));
        deepStrictEqual(numbers, expected, "one batch twice, nothing else");
      });
    });
  },
});
