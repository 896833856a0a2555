import { deepStrictEqual, equal, match, rejects } from "node:assert/strict";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { type Event, textEvent } from "../../src/api/event.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import type { BatchSink } from "../../src/core/batch_sink.ts";
import { withTempDir } from "../support/cli.ts";
import { sinkFrom } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { RecordingLog } from "../support/recording_log.ts";
import { fillDisk, NEEDS_TMPFS, TMPFS_AVAILABLE, withTmpfs } from "../support/tmpfs.ts";

/** The fake time the sinks start at, so that files are named `1700000000000-N`. */
const START = 1_700_000_000_000;
const DECODER = new TextDecoder();

/** A started file_roll sink k1 on a fresh memory channel. */
interface Fixture {
  readonly sink: BatchSink;
  readonly channel: MemoryChannel;
  readonly clock: FakeClock;
  readonly log: RecordingLog;
}

/** Builds and starts sink k1 of type file_roll writing to `directory`, as the agent does. */
async function started(
  directory: string,
  props: Readonly<Record<string, string>> = {},
): Promise<Fixture> {
  const clock = new FakeClock({ start: START });
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    capacity: 10_000,
    transactionCapacity: 100,
    keepAlive: 0,
  }, clock);
  const log = new RecordingLog();
  const sink = sinkFrom("file_roll", { ...props, "sink.directory": directory }, channel, {
    log,
    clock,
  });
  await sink.start();
  return { sink, channel, clock, log };
}

/** Commits `events` to `channel` in one transaction. */
async function put(channel: MemoryChannel, events: readonly Event[]): Promise<void> {
  const tx = channel.getTransaction();
  tx.begin();
  tx.putAll(events);
  await tx.commit();
  tx.close();
}

/** Events whose bodies are `from`, `from + 1`, … as text, each padded to `width` characters. */
function numbered(from: number, count: number, width = 0): Event[] {
  return Array.from({ length: count }, (_, i) => textEvent(String(from + i).padEnd(width, ".")));
}

/** The lines `numbered(from, count, width)` writes with the TEXT serializer. */
function lines(from: number, count: number, width = 0): string {
  return numbered(from, count, width).map((e) => DECODER.decode(e.body) + "\n").join("");
}

/** The bodies at the head of `channel`, in order; rolled back, so the channel keeps them. */
function peek(channel: MemoryChannel): string[] {
  const tx = channel.getTransaction();
  tx.begin();
  const bodies: string[] = [];
  for (let event = tx.take(); event; event = tx.take()) bodies.push(DECODER.decode(event.body));
  tx.rollback();
  tx.close();
  return bodies;
}

/** The directory's file names, sorted. */
async function files(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

Deno.test("file_roll recreates a sink.directory removed while it runs", async (t) => {
  await t.step("with a file open: the batch that found it gone is written again", async () => {
    await withTempDir(async (root) => {
      const dir = `${root}/out`;
      const { sink, channel, log } = await started(dir);
      try {
        await put(channel, numbered(0, 3));
        await sink.process();
        await Deno.remove(dir, { recursive: true });
        await put(channel, numbered(3, 4));
        await rejects(sink.process(), /-1" was deleted while open; the 4 event\(s\) stay in/);
        deepStrictEqual(peek(channel), ["3", "4", "5", "6"], "nothing lost, in order");

        equal(await sink.process(), "IDLE");
        equal(channel.size(), 0);
        deepStrictEqual(await files(dir), [`${START}-2`]);
        equal(await Deno.readTextFile(`${dir}/${START}-2`), lines(3, 4));
        deepStrictEqual(log.messages("warn"), [
          `"${dir}/${START}-1" was deleted while open: the 3 event(s) written to it, ` +
          `already taken from the channel, are lost with it`,
          `Recreated directory ${dir}: it was removed while the sink was running`,
        ]);
        deepStrictEqual(log.messages("info").slice(-1), [
          `Writing resumed: 4 event(s) written to "${dir}/${START}-2" after 1 failed ` +
          `attempt(s) over 0.0 s`,
        ]);
        equal(sink.counters.get("EventDrainSuccessCount"), 7);
      } finally {
        await sink.stop();
      }
    });
  });

  await t.step("between files: the next batch recreates it, with its parents", async () => {
    await withTempDir(async (root) => {
      const dir = `${root}/a/b`;
      const { sink, channel, clock, log } = await started(dir, { "sink.rollInterval": "10" });
      try {
        await put(channel, numbered(0, 2));
        await sink.process();
        clock.advance(10_000);
        await sink.process(); // closes the file that is due
        await Deno.remove(`${root}/a`, { recursive: true });
        await put(channel, numbered(2, 2));
        equal(await sink.process(), "IDLE", "no failure at all");
        deepStrictEqual(await files(dir), [`${START}-2`]);
        equal(await Deno.readTextFile(`${dir}/${START}-2`), lines(2, 2));
        deepStrictEqual(
          log.messages("warn"),
          [`Recreated directory ${dir}: it was removed while the sink was running`],
          "file 1 was closed before the removal: no loss to report",
        );
        equal(sink.counters.get("EventWriteFail"), 0);
      } finally {
        await sink.stop();
      }
    });
  });

  await t.step("a path that cannot be recreated keeps failing, events kept", async () => {
    await withTempDir(async (root) => {
      const dir = `${root}/p/out`;
      const { sink, channel } = await started(dir);
      try {
        await Deno.remove(`${root}/p`, { recursive: true });
        // A dangling link where the parent was: the open finds nothing, mkdir cannot create it.
        await Deno.symlink(`${root}/nowhere/p`, `${root}/p`);
        await put(channel, numbered(0, 2));
        await rejects(sink.process(), /^Error: Cannot recreate sink.directory ".*p\/out" for 2/);
        deepStrictEqual(peek(channel), ["0", "1"]);
        equal(sink.counters.get("ConnectionFailedCount"), 1);
      } finally {
        await sink.stop();
      }
    });
  });
});

Deno.test("file_roll: a file deleted under the sink is reported, its batch rewritten", async (t) => {
  await t.step("found by the next batch: that batch goes to a new file", async () => {
    await withTempDir(async (dir) => {
      const { sink, channel, log } = await started(dir);
      try {
        await put(channel, numbered(0, 2));
        await sink.process();
        await Deno.remove(`${dir}/${START}-1`);
        await put(channel, numbered(2, 3));
        await rejects(sink.process(), /-1" was deleted while open; the 3 event\(s\) stay in/);
        equal(await sink.process(), "IDLE");
        deepStrictEqual(await files(dir), [`${START}-2`]);
        equal(await Deno.readTextFile(`${dir}/${START}-2`), lines(2, 3));
        deepStrictEqual(log.messages("warn"), [
          `"${dir}/${START}-1" was deleted while open: the 2 event(s) written to it, ` +
          `already taken from the channel, are lost with it`,
        ]);
        await put(channel, numbered(5, 1));
        await sink.process();
        equal(await Deno.readTextFile(`${dir}/${START}-2`), lines(2, 4), "file 2 goes on");
      } finally {
        await sink.stop();
      }
      equal(sink.counters.get("ConnectionClosedCount"), 2, "both files closed");
    });
  });

  await t.step("deleted after its last batch: the roll reports the loss", async () => {
    await withTempDir(async (dir) => {
      const { sink, channel, clock, log } = await started(dir, { "sink.rollInterval": "30" });
      try {
        await put(channel, numbered(0, 2));
        await sink.process();
        await Deno.remove(`${dir}/${START}-1`);
        clock.advance(30_000);
        await put(channel, numbered(2, 1));
        equal(await sink.process(), "IDLE");
        deepStrictEqual(log.messages("warn"), [
          `"${dir}/${START}-1" was deleted while open: the 2 event(s) written to it, ` +
          `already taken from the channel, are lost with it`,
        ]);
        deepStrictEqual(await files(dir), [`${START}-2`]);
        equal(await Deno.readTextFile(`${dir}/${START}-2`), lines(2, 1));
      } finally {
        await sink.stop();
      }
    });
  });

  await t.step("deleted before stop(): stop reports the loss", async () => {
    await withTempDir(async (dir) => {
      const { sink, channel, log } = await started(dir);
      await put(channel, numbered(0, 4));
      await sink.process();
      await Deno.remove(`${dir}/${START}-1`);
      await sink.stop();
      deepStrictEqual(log.messages("warn"), [
        `"${dir}/${START}-1" was deleted while open: the 4 event(s) written to it, ` +
        `already taken from the channel, are lost with it`,
      ]);
    });
  });

  await t.step("a file moved away keeps its events and is not reported", async () => {
    await withTempDir(async (dir) => {
      const { sink, channel, clock, log } = await started(dir, { "sink.rollInterval": "30" });
      try {
        await put(channel, numbered(0, 2));
        await sink.process();
        await Deno.rename(`${dir}/${START}-1`, `${dir}/kept`);
        clock.advance(30_000);
        await put(channel, numbered(2, 1));
        await sink.process();
        deepStrictEqual(log.messages("warn"), []);
        equal(await Deno.readTextFile(`${dir}/kept`), lines(0, 2));
      } finally {
        await sink.stop();
      }
    });
  });
});

Deno.test({
  name: `file_roll logs a full disk once and says when writing resumed ${NEEDS_TMPFS}`,
  ignore: !TMPFS_AVAILABLE,
  fn: async () => {
    await withTmpfs(512 * 1024, async (mount) => {
      const dir = `${mount}/out`;
      const { sink, channel, clock, log } = await started(dir, {
        "sink.batchSize": "10",
        "sink.rollInterval": "0",
      });
      try {
        // Bodies of 8 KiB: a batch needs new pages, not the slack of the file's last one.
        await put(channel, numbered(0, 10, 8192));
        equal(await sink.process(), "READY");
        const filler = await fillDisk(mount);
        await put(channel, numbered(10, 10, 8192));
        for (let i = 0; i < 5; i++) {
          equal(await sink.process(), "BACKOFF", "rolled back and backing off, not thrown");
          clock.advance(1_000);
        }
        const full = /No space left on device/;
        equal(log.messages("warn").filter((m) => full.test(m)).length, 1, "logged once");
        match(
          log.messages("warn").find((m) => full.test(m))!,
          new RegExp(
            `^Failed to write 10 event\\(s\\) to ".*/out/${START}-1": No space left on device ` +
              `\\(os error 28\\); the 10 event\\(s\\) stay in channel "c1" and are written again ` +
              `once there is space \\(logged once a minute while the disk is full\\)$`,
          ),
        );
        equal(log.messages("debug").filter((m) => full.test(m)).length, 4, "repeats at DEBUG");
        equal(sink.counters.get("EventWriteFail"), 5);
        deepStrictEqual(peek(channel), numbered(10, 10, 8192).map((e) => DECODER.decode(e.body)));
        equal(await Deno.readTextFile(`${dir}/${START}-1`), lines(0, 10, 8192), "cut back");

        // A minute on, a full disk is logged again, with how many retries it hid.
        clock.advance(60_000);
        equal(await sink.process(), "BACKOFF");
        match(log.messages("warn").at(-1)!, /\(4 more like it since the last warning\)$/);

        await Deno.remove(filler);
        equal(await sink.process(), "READY");
        deepStrictEqual(log.messages("info").filter((m) => /^Writing resumed/.test(m)), [
          `Writing resumed: 10 event(s) written to "${dir}/${START}-1" after 6 failed ` +
          `attempt(s) over 65.0 s`,
        ]);
        equal(await Deno.readTextFile(`${dir}/${START}-1`), lines(0, 20, 8192));
        equal(channel.size(), 0);
        equal(sink.counters.get("EventDrainSuccessCount"), 20);
        await put(channel, numbered(20, 1));
        await sink.process();
        equal(log.messages("info").filter((m) => /^Writing resumed/.test(m)).length, 1);
      } finally {
        await sink.stop();
      }
    });
  },
});
