import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { defineSink, type SinkDefinition } from "../../src/api/component.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import type { Event } from "../../src/api/event.ts";
import { int } from "../../src/api/properties.ts";
import type { Delivery } from "../../src/api/sink.ts";
import { FileChannel } from "../../src/channels/file/mod.ts";
import { Agent } from "../../src/core/agent.ts";
import { takeCommitted } from "../channels/channel_contract.ts";
import { withTempDir } from "../support/cli.ts";
import { loadConf } from "../support/components.ts";
import { RecordingLog } from "../support/recording_log.ts";

const DECODER = new TextDecoder();

/**
 * A sink slower than any source: each batch takes `batchMs`. It records the
 * bodies it was handed, and every delivery still running, so that a test
 * can wait for them before it ends.
 */
function slowSink(batchMs: number): {
  definition: SinkDefinition;
  delivered: string[];
  running: Set<Promise<unknown>>;
} {
  const delivered: string[] = [];
  const running = new Set<Promise<unknown>>();
  const definition = defineSink({
    type: "slow",
    summary: "Takes its time over every batch",
    properties: { batchSize: int({ default: 10, min: 1, doc: "Most events per transaction" }) },
    create: ({ clock, config }) => ({
      batchSize: config.batchSize,
      deliver(events: readonly Event[]): Promise<Delivery> {
        const done = clock.sleep(batchMs).then((): Delivery => {
          for (const e of events) delivered.push(DECODER.decode(e.body));
          return { outcome: "commit" };
        });
        running.add(done);
        void done.finally(() => running.delete(done));
        return done;
      },
    }),
  });
  return { definition, delivered, running };
}

/** seq -> file channel (capacity 100, keep-alive 2 s) -> the slow sink, in `dir`. */
function conf(dir: string): string {
  return `
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.batchSize = 50
a1.sources.r1.channels = c1
a1.channels.c1.type = file
a1.channels.c1.checkpointDir = ${dir}/checkpoint
a1.channels.c1.dataDirs = ${dir}/data
a1.channels.c1.capacity = 100
a1.channels.c1.transactionCapacity = 50
a1.channels.c1.keep-alive = 2
a1.channels.c1.minimumRequiredSpace = 0
a1.sinks.k1.type = slow
a1.sinks.k1.channel = c1
a1.sinks.k1.batchSize = 10
`;
}

/** Resolves once `condition` holds, polling; rejects after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("agent stop() ends within the drain timeout when the sink is slower than the source", async () => {
  await withTempDir(async (dir) => {
    const sink = slowSink(1500);
    const logs = new Map<string, RecordingLog>();
    const logFor = (category: string, name: string): RecordingLog => {
      const key = `${category}.${name}`;
      if (!logs.has(key)) logs.set(key, new RecordingLog());
      return logs.get(key)!;
    };
    const agent = new Agent(loadConf(conf(dir), { sink: [sink.definition] }), {
      clock: SYSTEM_CLOCK,
      logFor,
    });
    await agent.start();
    const channel = agent.counters.get("CHANNEL.c1")!;
    const source = agent.counters.get("SOURCE.r1")!;
    try {
      // The channel is full and the sink is inside a batch: the source's next
      // put waits for room (up to keep-alive) while the sink takes 1.5 s a batch.
      await until(() => channel.get("ChannelSize") === 100, "a full channel");
      await until(() => sink.running.size > 0, "a batch in the sink");
      await until(() => source.get("ChannelWriteFail") > 0 || sink.delivered.length > 0, "a wait");
    } finally {
      const started = Date.now();
      await agent.stop({ drainTimeoutMs: 1000 });
      const took = Date.now() - started;
      ok(took >= 950, `stop() waited for the drain (${took} ms)`);
      ok(took < 2000, `stop() took ${took} ms: more than the drain timeout + 1 s`);
      await Promise.all(sink.running); // the batch left running, before the test ends
    }

    // Nothing accepted is lost: delivered, or still in the channel's database.
    const reopened = new FileChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
      checkpointDir: `${dir}/checkpoint`,
      dataDirs: [`${dir}/data`],
      minimumRequiredSpace: 0,
    }, SYSTEM_CLOCK);
    await reopened.start();
    let kept: string[];
    try {
      kept = await takeCommitted(reopened);
    } finally {
      await reopened.stop();
    }
    const accepted = source.get("EventAcceptedCount");
    const drained = agent.counters.get("SINK.k1")!.get("EventDrainSuccessCount");
    equal(drained + kept.length, accepted, "every accepted event delivered or kept");
    const seen = new Set([...sink.delivered, ...kept]);
    deepStrictEqual(
      Array.from({ length: accepted }, (_, i) => String(i)).filter((b) => !seen.has(b)),
      [],
      "no accepted event missing",
    );
    const dropped = source.get("EventDroppedCount");
    equal(source.get("EventReceivedCount"), accepted + dropped);

    deepStrictEqual(logFor("channel", "c1").messages("info").slice(-1), [
      `Channel c1 closed "${dir}/data/flume-ws-channel.db" holding ${kept.length} event(s) ` +
      `for the next start`,
    ]);
    const reported = logFor("source", "r1").messages("error")
      .map((m) => Number(m.match(/dropped (\d+) event/)?.[1] ?? 0))
      .reduce((a, b) => a + b, 0);
    equal(reported, dropped, "every dropped event logged");
  });
});
