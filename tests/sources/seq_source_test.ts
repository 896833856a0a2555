import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import type { Event } from "../../src/api/event.ts";
import type { Status } from "../../src/api/lifecycle.ts";
import { MemoryChannel, type MemoryChannelOptions } from "../../src/channels/memory_channel.ts";
import type { RunningSource } from "../../src/core/components.ts";
import { withTimeout } from "../support/async.ts";
import { group, sourceFrom } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { RecordingLog } from "../support/recording_log.ts";

const DECODER = new TextDecoder();

/** A source, the memory channel it feeds, and the collaborators a test inspects. */
interface Rig {
  source: RunningSource;
  /** One round of the pollable source. */
  poll(): Promise<Status>;
  channel: MemoryChannel;
  counters: CounterGroup<string>;
  clock: FakeClock;
  log: RecordingLog;
}

/** A seq source, built from properties as the agent builds it, feeding one memory channel. */
function rig(
  props: Record<string, string> = {},
  channelOptions: MemoryChannelOptions = {},
): Rig {
  const clock = new FakeClock();
  const log = new RecordingLog();
  const counters = new CounterRegistry();
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    keepAlive: 0,
    ...channelOptions,
  }, clock);
  const source = sourceFrom("seq", props, [channel], { clock, log, counters });
  return {
    source,
    poll: () => source.source.poll!(),
    channel,
    counters: group(counters, "SOURCE.w1"),
    clock,
    log,
  };
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

Deno.test("seq source generates numbered events", async (t) => {
  await t.step("bodies are 0, 1, 2, … as UTF-8 text with empty headers", async () => {
    const { poll, channel, source } = rig({ batchSize: "3", totalEvents: "12" });
    for (let i = 0; i < 4; i++) await poll();
    const events = await drain(channel);
    deepStrictEqual(bodies(events), Array.from({ length: 12 }, (_, i) => String(i)));
    deepStrictEqual(events[10].body, new Uint8Array([0x31, 0x30]), `"10" as UTF-8 bytes`);
    ok(events.every((e) => Object.keys(e.headers).length === 0), "no headers");
    await source.stop();
  });

  await t.step("each poll puts one batch of batchSize events and waits for it", async () => {
    const { poll, channel, counters, source } = rig({ batchSize: "4" }, {
      transactionCapacity: 4,
    });
    equal(await poll(), "READY");
    equal(channel.size(), 4);
    equal(channel.counters.get("EventPutSuccessCount"), 4);
    equal(await poll(), "READY");
    equal(channel.size(), 8);
    equal(counters.get("AppendBatchAcceptedCount"), 2);
    deepStrictEqual(bodies(await drain(channel)), ["0", "1", "2", "3", "4", "5", "6", "7"]);
    await source.stop();
  });

  await t.step("batchSize defaults to 1", async () => {
    const { poll, channel, source } = rig();
    equal(await poll(), "READY");
    deepStrictEqual(bodies(await drain(channel)), ["0"]);
    await source.stop();
  });
});

Deno.test("seq source stops at totalEvents", async (t) => {
  await t.step("a short last batch, then BACKOFF without sending", async () => {
    const { poll, channel, counters, source } = rig({ batchSize: "2", totalEvents: "5" });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await poll());
    deepStrictEqual(statuses, ["READY", "READY", "BACKOFF", "BACKOFF", "BACKOFF"]);
    deepStrictEqual(bodies(await drain(channel)), ["0", "1", "2", "3", "4"]);
    equal(counters.get("AppendBatchReceivedCount"), 3, "no empty batches");
    equal(counters.get("EventReceivedCount"), 5);
    await source.stop();
  });

  await t.step("BACKOFF as soon as a full last batch reaches the total", async () => {
    const { poll, channel, source } = rig({ batchSize: "2", totalEvents: "4" });
    equal(await poll(), "READY");
    equal(await poll(), "BACKOFF");
    equal(await poll(), "BACKOFF");
    equal(channel.size(), 4);
    await source.stop();
  });

  await t.step("totalEvents 0 sends nothing", async () => {
    const { poll, channel, counters, source } = rig({ batchSize: "2", totalEvents: "0" });
    equal(await poll(), "BACKOFF");
    equal(channel.size(), 0);
    equal(counters.get("AppendBatchReceivedCount"), 0);
    await source.stop();
  });
});

Deno.test("seq source: a batch that does not fit goes in part, the rest after a retry", async (t) => {
  await t.step("no gaps, no duplicates, ChannelWriteFail counts each refusal", async () => {
    const { poll, channel, counters, clock, log, source } = rig(
      { batchSize: "2", totalEvents: "6" },
      { capacity: 3, transactionCapacity: 2 },
    );
    const seen: string[] = [];
    equal(await poll(), "READY"); // 0, 1
    const second = poll(); // 2 fits (room 1), 3 waits: refused, retried after 100 ms
    const retry = await withTimeout(clock.nextSleep(), 5000, "the sender to back off");
    equal(retry.ms, 100);
    equal(counters.get("ChannelWriteFail"), 1);
    equal(channel.size(), 3, "the part that fitted is in the channel");
    seen.push(...bodies(await drain(channel)));
    clock.advance(100);
    equal(await second, "READY", "3 went in on the retry");
    seen.push(...bodies(await drain(channel)));
    equal(await poll(), "BACKOFF"); // 4, 5: the total is reached
    seen.push(...bodies(await drain(channel)));
    deepStrictEqual(seen, ["0", "1", "2", "3", "4", "5"]);
    equal(counters.get("ChannelWriteFail"), 1);
    const warnings = log.messages("warn");
    equal(warnings.length, 1);
    ok(
      warnings[0].startsWith(
        "Channel refused 1 event(s), 1 waiting in the backlog; retrying in 100 ms: ",
      ),
      warnings[0],
    );
    await source.stop();
  });

  await t.step(
    "EventReceivedCount counts each number once, EventAcceptedCount only commits",
    async () => {
      const { poll, channel, counters: c, clock, source } = rig(
        { batchSize: "2", totalEvents: "4" },
        { capacity: 2, transactionCapacity: 2 },
      );
      await poll(); // 0, 1 accepted
      const second = poll(); // 2, 3: no room
      await withTimeout(clock.nextSleep(), 5000, "the first retry wait");
      clock.advance(100);
      await withTimeout(clock.nextSleep(), 5000, "the second retry wait");
      equal(c.get("EventReceivedCount"), 4);
      equal(c.get("EventAcceptedCount"), 2);
      equal(c.get("ChannelWriteFail"), 2);
      equal(c.get("AppendBatchAcceptedCount"), 1);
      await drain(channel);
      clock.advance(200);
      equal(await second, "BACKOFF", "2, 3 accepted: the total is reached");
      equal(c.get("EventReceivedCount"), 4);
      equal(c.get("EventAcceptedCount"), 4);
      await source.stop();
    },
  );
});

Deno.test("seq source runs on its own once started", async (t) => {
  await t.step("sends every event, backs off at the total, and stops", async () => {
    const { source, channel, clock, counters } = rig({ batchSize: "3", totalEvents: "7" });
    await source.start();
    try {
      const wait = await withTimeout(clock.nextSleep(), 5000, "the source to back off");
      equal(wait.ms, 1000);
    } finally {
      await source.stop();
    }
    deepStrictEqual(bodies(await drain(channel)), ["0", "1", "2", "3", "4", "5", "6"]);
    equal(counters.get("EventAcceptedCount"), 7);
  });
});
