import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import { type Channel, ChannelError, type Transaction } from "../../src/api/channel.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { CHANNEL_COUNTERS, CounterGroup, type SinkCounter } from "../../src/api/counters.ts";
import { type Event, textEvent } from "../../src/api/event.ts";
import type { BatchSink } from "../../src/core/batch_sink.ts";
import { FileRollSink } from "../../src/sinks/file_roll_sink.ts";
import { withTempDir } from "../support/cli.ts";
import { sinkFrom } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { RecordingLog } from "../support/recording_log.ts";

/** The fake time the sinks start at, so the first series is named `1700000000000-N`. */
const START = 1_700_000_000_000;

/** A memory channel (transactionCapacity 100 unless told) on `clock`. */
function memoryChannel(clock: FakeClock, transactionCapacity = 100): MemoryChannel {
  return new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    capacity: 10_000,
    transactionCapacity,
    keepAlive: 0,
  }, clock);
}

/** Commits `events` to `channel`, as many per transaction as it allows. */
async function put(channel: MemoryChannel, events: readonly Event[]): Promise<void> {
  const step = channel.transactionCapacity;
  for (let i = 0; i < events.length; i += step) {
    const tx = channel.getTransaction();
    tx.begin();
    tx.putAll(events.slice(i, i + step));
    await tx.commit();
    tx.close();
  }
}

/** Events whose bodies are `from`, `from + 1`, … as text. */
function numbered(from: number, count: number): Event[] {
  return Array.from({ length: count }, (_, i) => textEvent(String(from + i)));
}

/**
 * The bodies at the head of `channel`, in order, as many as one transaction
 * may take; they are rolled back, so the channel keeps them.
 */
function peek(channel: MemoryChannel): string[] {
  const tx = channel.getTransaction();
  tx.begin();
  const bodies: string[] = [];
  while (bodies.length < channel.transactionCapacity) {
    const event = tx.take();
    if (!event) break;
    bodies.push(new TextDecoder().decode(event.body));
  }
  tx.rollback();
  tx.close();
  return bodies;
}

/**
 * `channel` behind a wrapper whose next commits fail with a ChannelError
 * while `failing.commits` is above 0 (each failure counts it down).
 */
function failingCommits(channel: MemoryChannel, failing: { commits: number }): Channel {
  return {
    name: channel.name,
    counters: channel.counters,
    capacity: channel.capacity,
    transactionCapacity: channel.transactionCapacity,
    start: () => channel.start(),
    stop: () => channel.stop(),
    size: () => channel.size(),
    room: () => channel.room(),
    whenReadable: (signal) => channel.whenReadable(signal),
    getTransaction(): Transaction {
      const tx = channel.getTransaction();
      return {
        begin: () => tx.begin(),
        put: (event) => tx.put(event),
        putAll: (events) => tx.putAll(events),
        take: () => tx.take(),
        commit(): Promise<void> {
          if (failing.commits > 0) {
            failing.commits--;
            return Promise.reject(new ChannelError("the disk went away"));
          }
          return tx.commit();
        },
        rollback: () => tx.rollback(),
        close: () => tx.close(),
      };
    },
  };
}

/** A started sink k1 on a fresh channel, writing to `directory` (TEXT unless told). */
interface Fixture {
  /** The sink as the agent runs it: the framework's transaction loop. */
  readonly sink: BatchSink;
  /** Its writer, the FileRollSink. */
  readonly writer: FileRollSink;
  readonly channel: MemoryChannel;
  readonly clock: FakeClock;
  readonly log: RecordingLog;
}

/**
 * Builds sink k1 of type file_roll from flume.conf properties (`props`,
 * without the `a1.sinks.k1.` prefix) as the agent does, and starts it.
 */
async function started(
  directory: string,
  props: Readonly<Record<string, string>> = {},
  transactionCapacity = 100,
): Promise<Fixture> {
  const clock = new FakeClock({ start: START });
  const channel = memoryChannel(clock, transactionCapacity);
  const log = new RecordingLog();
  const sink = sinkFrom("file_roll", { ...props, "sink.directory": directory }, channel, {
    log,
    clock,
  });
  ok(sink.writer instanceof FileRollSink);
  const writer = sink.writer as FileRollSink;
  await sink.start();
  return { sink, writer, channel, clock, log };
}

/** The directory's file names, in the order they were written (by series, then number). */
async function files(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  const key = (n: string): number[] => (n.match(/\d+/g) ?? []).map(Number);
  return names.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1];
  });
}

/** The counters of `sink` named in `names`, as an object. */
function counters(sink: BatchSink, names: SinkCounter[]): Record<string, number> {
  return Object.fromEntries(names.map((n) => [n, sink.counters.get(n)]));
}

Deno.test("file_roll writes each batch to the current file, flushed before the commit", async (t) => {
  await t.step("TEXT appends a newline to every body by default", async () => {
    await withTempDir(async (dir) => {
      const { sink, channel } = await started(dir);
      try {
        await put(channel, [textEvent("a"), textEvent("b", { k: "v" }), textEvent("")]);
        equal(await sink.process(), "IDLE");
        deepStrictEqual(await files(dir), [`${START}-1`]);
        equal(await Deno.readTextFile(`${dir}/${START}-1`), "a\nb\n\n");
        equal(channel.size(), 0);
      } finally {
        await sink.stop();
      }
    });
  });

  await t.step("TEXT with appendNewline = false writes the bodies as they are", async () => {
    await withTempDir(async (dir) => {
      const { sink, channel } = await started(dir, {
        "sink.serializer": "text",
        "sink.serializer.appendNewline": "false",
      });
      try {
        await put(channel, [textEvent("a\r\n"), { headers: {}, body: Uint8Array.of(0, 0xff) }]);
        await sink.process();
        deepStrictEqual(
          [...await Deno.readFile(`${dir}/${START}-1`)],
          [0x61, 0x0d, 0x0a, 0x00, 0xff],
        );
      } finally {
        await sink.stop();
      }
    });
  });

  await t.step("json writes headers and text or base64 bodies, one object per line", async () => {
    await withTempDir(async (dir) => {
      const { sink, channel } = await started(dir, { "sink.serializer": "JSON" });
      try {
        await put(channel, [
          textEvent("héllo\n", { host: "h1", n: "1" }),
          { headers: { type: "bin" }, body: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) },
          textEvent("{}"),
        ]);
        await sink.process();
        const lines = (await Deno.readTextFile(`${dir}/${START}-1`)).split("\n");
        deepStrictEqual(lines, [
          '{"headers":{"host":"h1","n":"1"},"body":"héllo\\n"}',
          '{"headers":{"type":"bin"},"body":"3q2+7w==","bodyEncoding":"base64"}',
          '{"headers":{},"body":"{}"}',
          "",
        ]);
      } finally {
        await sink.stop();
      }
    });
  });

  await t.step("nothing to take opens no file", async () => {
    await withTempDir(async (dir) => {
      const { sink } = await started(dir);
      try {
        equal(await sink.process(), "IDLE");
        deepStrictEqual(await files(dir), []);
        equal(sink.counters.get("BatchEmptyCount"), 1);
        equal(sink.counters.get("ConnectionCreatedCount"), 0);
      } finally {
        await sink.stop();
      }
    });
  });
});

Deno.test("file_roll takes at most batchSize events per transaction", async () => {
  await withTempDir(async (dir) => {
    const { sink, channel } = await started(dir, { "sink.batchSize": "100" }, 100);
    try {
      await put(channel, numbered(0, 250));
      deepStrictEqual(
        [await sink.process(), channel.size(), await sink.process(), channel.size()],
        ["READY", 150, "READY", 50],
      );
      equal(await sink.process(), "IDLE");
      equal(await sink.process(), "IDLE");
      deepStrictEqual(
        counters(sink, [
          "EventDrainAttemptCount",
          "EventDrainSuccessCount",
          "BatchCompleteCount",
          "BatchUnderflowCount",
          "BatchEmptyCount",
          "ConnectionCreatedCount",
        ]),
        {
          EventDrainAttemptCount: 250,
          EventDrainSuccessCount: 250,
          BatchCompleteCount: 2,
          BatchUnderflowCount: 1,
          BatchEmptyCount: 1,
          ConnectionCreatedCount: 1,
        },
      );
      equal(channel.counters.get("EventTakeSuccessCount"), 250);
      const expected = numbered(0, 250).map((e) => new TextDecoder().decode(e.body) + "\n");
      equal(await Deno.readTextFile(`${dir}/${START}-1`), expected.join(""));
    } finally {
      await sink.stop();
    }
  });
});

Deno.test("file_roll names files as Flume's DefaultPathManager and rolls them", async (t) => {
  await t.step("prefix and extension shape the names; a roll opens number 2", async () => {
    await withTempDir(async (dir) => {
      const { sink, writer, channel, clock } = await started(dir, {
        "sink.pathManager.prefix": "events-",
        "sink.pathManager.extension": "log",
        "sink.rollInterval": "30",
      });
      try {
        await put(channel, numbered(0, 2));
        await sink.process();
        clock.advance(29_999);
        await put(channel, numbered(2, 1));
        await sink.process();
        deepStrictEqual(await files(dir), [`events-${START}-1.log`]);
        clock.advance(1);
        await put(channel, numbered(3, 2));
        await sink.process();
        deepStrictEqual(await files(dir), [`events-${START}-1.log`, `events-${START}-2.log`]);
        equal(await Deno.readTextFile(`${dir}/events-${START}-1.log`), "0\n1\n2\n");
        equal(await Deno.readTextFile(`${dir}/events-${START}-2.log`), "3\n4\n");
        equal(writer.currentFile, `${dir}/events-${START}-2.log`);
        deepStrictEqual(counters(sink, ["ConnectionCreatedCount", "ConnectionClosedCount"]), {
          ConnectionCreatedCount: 2,
          ConnectionClosedCount: 1,
        });
      } finally {
        await sink.stop();
      }
      equal(sink.counters.get("ConnectionClosedCount"), 2, "stop() closes the file");
      equal(writer.currentFile, undefined);
    });
  });

  await t.step(
    "an idle file is closed when due, and the next opens with the next event",
    async () => {
      await withTempDir(async (dir) => {
        const { sink, writer, channel, clock } = await started(dir, {
          "sink.rollInterval": "10",
        });
        try {
          await put(channel, numbered(0, 1));
          await sink.process();
          clock.advance(10_000);
          equal(await sink.process(), "IDLE");
          equal(writer.currentFile, undefined, "an empty poll closes the file when due");
          equal(sink.counters.get("ConnectionClosedCount"), 1);
          clock.advance(60_000);
          deepStrictEqual(await files(dir), [`${START}-1`], "no empty files");
          await put(channel, numbered(1, 1));
          await sink.process();
          deepStrictEqual(await files(dir), [`${START}-1`, `${START}-2`]);
          equal(writer.currentFile, `${dir}/${START}-2`);
          deepStrictEqual(counters(sink, ["ConnectionCreatedCount", "ConnectionClosedCount"]), {
            ConnectionCreatedCount: 2,
            ConnectionClosedCount: 1,
          });
          equal(await Deno.readTextFile(`${dir}/${START}-1`), "0\n");
          equal(await Deno.readTextFile(`${dir}/${START}-2`), "1\n");
        } finally {
          await sink.stop();
        }
      });
    },
  );

  await t.step("rollInterval = 0 writes one file forever", async () => {
    await withTempDir(async (dir) => {
      const { sink, channel, clock } = await started(dir, { "sink.rollInterval": "0" });
      try {
        for (let i = 0; i < 5; i++) {
          await put(channel, numbered(i, 1));
          await sink.process();
          clock.advance(3_600_000);
        }
        deepStrictEqual(await files(dir), [`${START}-1`]);
        equal(await Deno.readTextFile(`${dir}/${START}-1`), "0\n1\n2\n3\n4\n");
      } finally {
        await sink.stop();
      }
    });
  });

  await t.step("a name already taken is left alone and skipped", async () => {
    await withTempDir(async (dir) => {
      await Deno.writeTextFile(`${dir}/${START}-1`, "not ours\n");
      const { sink, channel, log } = await started(dir);
      try {
        await put(channel, numbered(0, 1));
        await sink.process();
        deepStrictEqual(await files(dir), [`${START}-1`, `${START}-2`]);
        equal(await Deno.readTextFile(`${dir}/${START}-1`), "not ours\n");
        equal(await Deno.readTextFile(`${dir}/${START}-2`), "0\n");
        match(log.messages("warn")[0], /-1" already exists: left alone, trying the next number/);
      } finally {
        await sink.stop();
      }
    });
  });

  await t.step("a restart begins a new series", async () => {
    await withTempDir(async (dir) => {
      const { sink, channel, clock } = await started(dir);
      try {
        await put(channel, numbered(0, 1));
        await sink.process();
        await sink.stop();
        clock.advance(5);
        await sink.start();
        await put(channel, numbered(1, 1));
        await sink.process();
        deepStrictEqual(await files(dir), [`${START}-1`, `${START + 5}-1`]);
      } finally {
        await sink.stop();
      }
    });
  });
});

Deno.test("file_roll keeps events in the channel, in order, when the file cannot be written", async (t) => {
  await t.step("the directory replaced by a regular file before a roll", async () => {
    await withTempDir(async (root) => {
      const dir = `${root}/out`;
      const { sink, channel, clock } = await started(dir, { "sink.rollInterval": "30" });
      try {
        await put(channel, numbered(0, 3));
        await sink.process();
        // The directory goes away and a regular file takes its name: opening
        // the next file fails for real (ENOTDIR), even for root.
        await Deno.rename(dir, `${root}/kept`);
        await Deno.writeTextFile(dir, "");
        clock.advance(30_000);
        await put(channel, numbered(3, 4));
        await rejects(sink.process(), (err: Error) => {
          match(
            err.message,
            new RegExp(
              `^Failed to open ".*out/${START}-2" for 4 event\\(s\\): .*; ` +
                `the 4 event\\(s\\) stay in channel "c1"$`,
            ),
          );
          return true;
        });
        deepStrictEqual(peek(channel), ["3", "4", "5", "6"]);
        deepStrictEqual(
          counters(sink, [
            "EventWriteFail",
            "ConnectionFailedCount",
            "EventDrainSuccessCount",
            "ChannelReadFail",
          ]),
          {
            EventWriteFail: 1,
            ConnectionFailedCount: 1,
            EventDrainSuccessCount: 3,
            ChannelReadFail: 0,
          },
        );
        // A second attempt fails the same way and loses nothing.
        await rejects(sink.process());
        equal(sink.counters.get("EventWriteFail"), 2);
        deepStrictEqual(peek(channel), ["3", "4", "5", "6"]);

        // The directory comes back: the same events go to file 2, in order.
        await Deno.remove(dir);
        await Deno.rename(`${root}/kept`, dir);
        equal(await sink.process(), "IDLE");
        equal(channel.size(), 0);
        deepStrictEqual(await files(dir), [`${START}-1`, `${START}-2`]);
        equal(await Deno.readTextFile(`${dir}/${START}-1`), "0\n1\n2\n");
        equal(await Deno.readTextFile(`${dir}/${START}-2`), "3\n4\n5\n6\n");
      } finally {
        await sink.stop();
      }
    });
  });

  await t.step(
    "the open file deleted: the batch is not committed, it goes to the next file",
    async () => {
      await withTempDir(async (dir) => {
        const { sink, channel, log } = await started(dir);
        try {
          await put(channel, numbered(0, 1));
          await sink.process();
          await Deno.remove(`${dir}/${START}-1`);
          await put(channel, numbered(1, 2));
          await rejects(sink.process(), /-1" was deleted while open; the 2 event\(s\) stay in/);
          deepStrictEqual(peek(channel), ["1", "2"]);
          equal(sink.counters.get("EventWriteFail"), 1);
          deepStrictEqual(log.messages("error"), [
            `"${dir}/${START}-1" was deleted: the next batch goes to a new file`,
          ]);
          equal(await sink.process(), "IDLE");
          deepStrictEqual(await files(dir), [`${START}-2`]);
          equal(await Deno.readTextFile(`${dir}/${START}-2`), "1\n2\n");
        } finally {
          await sink.stop();
        }
      });
    },
  );

  await t.step(
    "a commit the channel refuses after the write: logged, rolled back, written again",
    async () => {
      await withTempDir(async (dir) => {
        const clock = new FakeClock({ start: START });
        const channel = memoryChannel(clock);
        const failing = { commits: 0 };
        const log = new RecordingLog();
        const sink = sinkFrom(
          "file_roll",
          { "sink.directory": dir },
          failingCommits(channel, failing),
          { log, clock },
        );
        await sink.start();
        try {
          await put(channel, numbered(0, 2));
          failing.commits = 1;
          await rejects(sink.process(), (err: Error) => {
            equal(
              err.message,
              'Failed to commit 2 event(s) taken from channel "c1": the disk went away',
            );
            ok(err.cause instanceof ChannelError);
            return true;
          });
          deepStrictEqual(log.messages("warn"), [
            '2 event(s) were delivered but channel "c1" did not commit their take: ' +
            "they will be delivered again",
          ]);
          deepStrictEqual(peek(channel), ["0", "1"]);
          deepStrictEqual(
            counters(sink, ["ChannelReadFail", "EventWriteFail", "EventDrainSuccessCount"]),
            { ChannelReadFail: 1, EventWriteFail: 0, EventDrainSuccessCount: 0 },
          );
          // The events were on disk already: the retry writes them again (at least once).
          equal(await sink.process(), "IDLE");
          equal(channel.size(), 0);
          equal(await Deno.readTextFile(`${dir}/${START}-1`), "0\n1\n0\n1\n");
          equal(sink.counters.get("EventDrainSuccessCount"), 2);
        } finally {
          await sink.stop();
        }
      });
    },
  );

  await t.step("a take the channel refuses opens no file and counts ChannelReadFail", async () => {
    await withTempDir(async (dir) => {
      const { sink, channel } = await started(dir, { "sink.batchSize": "5" }, 2);
      try {
        await put(channel, numbered(0, 3));
        await rejects(sink.process(), /^Error: Failed to take events from channel "c1": /);
        equal(channel.size(), 3);
        deepStrictEqual(peek(channel), ["0", "1"]);
        deepStrictEqual(counters(sink, ["ChannelReadFail", "EventWriteFail"]), {
          ChannelReadFail: 1,
          EventWriteFail: 0,
        });
        deepStrictEqual(await files(dir), []);
      } finally {
        await sink.stop();
      }
    });
  });
});

Deno.test("file_roll start() prepares the directory", async (t) => {
  await t.step("a missing directory is created, with its parents", async () => {
    await withTempDir(async (root) => {
      const { sink, log } = await started(`${root}/a/b`);
      try {
        ok((await Deno.stat(`${root}/a/b`)).isDirectory);
        deepStrictEqual(log.messages("info"), [
          `Created directory ${root}/a/b`,
          `Writing to ${root}/a/b/${START}-N (a new file every 30 s)`,
        ]);
      } finally {
        await sink.stop();
      }
    });
  });

  await t.step("a path that is a regular file fails the start", async () => {
    await withTempDir(async (root) => {
      await Deno.writeTextFile(`${root}/f`, "");
      await rejects(
        started(`${root}/f`),
        /^Error: Cannot use sink.directory ".*\/f": not a directory$/,
      );
    });
  });
});
