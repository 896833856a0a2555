import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { MemoryChannel, type MemoryChannelOptions } from "../../src/channels/memory_channel.ts";
import { ChannelProcessor } from "../../src/core/channel_processor.ts";
import { CHANNEL_COUNTERS, CounterGroup, SOURCE_COUNTERS } from "../../src/core/counters.ts";
import type { Event } from "../../src/core/event.ts";
import { replicatingSelector } from "../../src/selectors/replicating_selector.ts";
import { SeqSource, type SeqSourceOptions } from "../../src/sources/seq_source.ts";
import { withTimeout } from "../support/async.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { RecordingLog } from "../support/recording_log.ts";

const DECODER = new TextDecoder();

/** A source, the memory channel it feeds, and the collaborators a test inspects. */
interface Rig {
  source: SeqSource;
  channel: MemoryChannel;
  clock: FakeClock;
  log: RecordingLog;
}

/** A seq source feeding one memory channel that refuses a full commit at once. */
function rig(
  options: Pick<SeqSourceOptions, "batchSize" | "totalEvents"> = {},
  channelOptions: MemoryChannelOptions = {},
): Rig {
  const clock = new FakeClock();
  const log = new RecordingLog();
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    keepAlive: 0,
    ...channelOptions,
  }, clock);
  const processor = new ChannelProcessor(replicatingSelector([channel]), log);
  const source = new SeqSource("s1", processor, {
    counters: new CounterGroup("SOURCE", "s1", SOURCE_COUNTERS),
    log,
    clock,
    ...options,
  });
  return { source, channel, clock, log };
}

/** Takes every event the channel holds, a transaction's worth at a time. */
async function drain(channel: MemoryChannel): Promise<Event[]> {
  const out: Event[] = [];
  for (let more = true; more;) {
    const tx = channel.getTransaction();
    tx.begin();
    let taken = 0;
    for (; taken < channel.transactionCapacity; taken++) {
      const event = tx.take();
      if (event === undefined) break;
      out.push(event);
    }
    await tx.commit();
    tx.close();
    more = taken === channel.transactionCapacity;
  }
  return out;
}

/** The bodies of `events` as text. */
function bodies(events: readonly Event[]): string[] {
  return events.map((e) => DECODER.decode(e.body));
}

Deno.test("SeqSource generates numbered events", async (t) => {
  await t.step("bodies are 0, 1, 2, … as UTF-8 text with empty headers", async () => {
    const { source, channel } = rig({ batchSize: 3, totalEvents: 12 });
    for (let i = 0; i < 4; i++) await source.process();
    const events = await drain(channel);
    deepStrictEqual(bodies(events), Array.from({ length: 12 }, (_, i) => String(i)));
    deepStrictEqual(events[10].body, new Uint8Array([0x31, 0x30]), `"10" as UTF-8 bytes`);
    ok(events.every((e) => Object.keys(e.headers).length === 0), "no headers");
  });

  await t.step("each process() puts one batch of batchSize events", async () => {
    const { source, channel } = rig({ batchSize: 4 }, { transactionCapacity: 4 });
    equal(await source.process(), "READY");
    equal(channel.size(), 4);
    equal(channel.counters.get("EventPutSuccessCount"), 4);
    equal(await source.process(), "READY");
    equal(channel.size(), 8);
    equal(source.counters.get("AppendBatchAcceptedCount"), 2);
    deepStrictEqual(bodies(await drain(channel)), ["0", "1", "2", "3", "4", "5", "6", "7"]);
  });

  await t.step("batchSize defaults to 1", async () => {
    const { source, channel } = rig();
    equal(await source.process(), "READY");
    deepStrictEqual(bodies(await drain(channel)), ["0"]);
  });
});

Deno.test("SeqSource stops at totalEvents", async (t) => {
  await t.step("a short last batch, then BACKOFF without sending", async () => {
    const { source, channel } = rig({ batchSize: 2, totalEvents: 5 });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await source.process());
    deepStrictEqual(statuses, ["READY", "READY", "BACKOFF", "BACKOFF", "BACKOFF"]);
    deepStrictEqual(bodies(await drain(channel)), ["0", "1", "2", "3", "4"]);
    equal(source.counters.get("AppendBatchReceivedCount"), 3, "no empty batches");
    equal(source.counters.get("EventReceivedCount"), 5);
  });

  await t.step("BACKOFF as soon as a full last batch reaches the total", async () => {
    const { source, channel } = rig({ batchSize: 2, totalEvents: 4 });
    equal(await source.process(), "READY");
    equal(await source.process(), "BACKOFF");
    equal(await source.process(), "BACKOFF");
    equal(channel.size(), 4);
  });

  await t.step("totalEvents 0 sends nothing", async () => {
    const { source, channel } = rig({ batchSize: 2, totalEvents: 0 });
    equal(await source.process(), "BACKOFF");
    equal(channel.size(), 0);
    equal(source.counters.get("AppendBatchReceivedCount"), 0);
  });
});

Deno.test("SeqSource resends a refused batch with the same numbers", async (t) => {
  await t.step("no gaps and no duplicates, and ChannelWriteFail counts each refusal", async () => {
    const { source, channel, log } = rig(
      { batchSize: 2, totalEvents: 6 },
      { capacity: 3, transactionCapacity: 2 },
    );
    const seen: string[] = [];
    equal(await source.process(), "READY"); // 0, 1
    equal(await source.process(), "BACKOFF"); // 2, 3 do not fit: 2 + 2 > 3
    equal(await source.process(), "BACKOFF"); // still full
    equal(source.counters.get("ChannelWriteFail"), 2);
    equal(channel.size(), 2, "the refused batches left nothing behind");
    seen.push(...bodies(await drain(channel)));
    equal(await source.process(), "READY"); // 2, 3 again
    seen.push(...bodies(await drain(channel)));
    equal(await source.process(), "BACKOFF"); // 4, 5: the total is reached
    seen.push(...bodies(await drain(channel)));
    deepStrictEqual(seen, ["0", "1", "2", "3", "4", "5"]);
    equal(source.counters.get("ChannelWriteFail"), 2);
    const warnings = log.messages("warn");
    equal(warnings.length, 2);
    ok(warnings[0].startsWith("Channel refused events 2..3, will retry: "), warnings[0]);
  });

  await t.step(
    "EventReceivedCount counts each number once, EventAcceptedCount only commits",
    async () => {
      const { source, channel } = rig(
        { batchSize: 2, totalEvents: 4 },
        { capacity: 2, transactionCapacity: 2 },
      );
      const c = source.counters;
      await source.process(); // 0, 1 accepted
      await source.process(); // 2, 3 refused
      await source.process(); // 2, 3 refused again
      equal(c.get("EventReceivedCount"), 4);
      equal(c.get("EventAcceptedCount"), 2);
      equal(c.get("AppendBatchReceivedCount"), 3);
      equal(c.get("AppendBatchAcceptedCount"), 1);
      await drain(channel);
      await source.process(); // 2, 3 accepted
      equal(c.get("EventReceivedCount"), 4);
      equal(c.get("EventAcceptedCount"), 4);
      equal(c.get("AppendBatchAcceptedCount"), 2);
    },
  );
});

Deno.test("SeqSource runs on its own once started", async (t) => {
  await t.step("sends every event, backs off at the total, and stops", async () => {
    const { source, channel, clock } = rig({ batchSize: 3, totalEvents: 7 });
    await source.start();
    try {
      const wait = await withTimeout(clock.nextSleep(), 5000, "the source to back off");
      equal(wait.ms, 1000);
    } finally {
      await source.stop();
    }
    deepStrictEqual(bodies(await drain(channel)), ["0", "1", "2", "3", "4", "5", "6"]);
    equal(source.counters.get("EventAcceptedCount"), 7);
  });
});
