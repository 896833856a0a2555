import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import {
  LOAD_BALANCE_PROCESSOR,
  LoadBalancingSinkProcessor,
} from "../../src/processors/load_balance_processor.ts";
import type { SelectorKind } from "../../src/processors/_sink_order.ts";
import { CounterRegistry } from "../../src/api/counters.ts";
import { buildProcessor, sinkUnits } from "../../src/core/sink_processors.ts";
import { loadConf } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { RecordingLog } from "../support/recording_log.ts";
import { bodies, memoryChannel, put, sinksOn, type TestSink } from "./_group_sinks.ts";

/** A seeded generator of numbers in [0, 1) (mulberry32), so that `random` runs repeat. */
function seeded(seed: number): () => number {
  let a = seed;
  return (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A load-balancing group over k1 k2 k3 on one channel, one event a batch. */
function balancedGroup(
  options: { selector?: SelectorKind; backoff?: boolean; maxTimeoutMs?: number } = {},
): {
  clock: FakeClock;
  log: RecordingLog;
  channel: ReturnType<typeof memoryChannel>;
  sinks: TestSink[];
  processor: LoadBalancingSinkProcessor;
} {
  const clock = new FakeClock({ start: 1_000_000 });
  const log = new RecordingLog();
  const channel = memoryChannel("c1", clock);
  const sinks = sinksOn(channel, ["k1", "k2", "k3"], 1);
  const processor = new LoadBalancingSinkProcessor(sinks.map((s) => s.sink), {
    selector: options.selector ?? "round_robin",
    backoff: options.backoff ?? false,
    maxTimeoutMs: options.maxTimeoutMs ?? 30_000,
    random: seeded(42),
    clock,
    log,
    group: "g1",
  });
  return { clock, log, channel, sinks, processor };
}

/** Calls process() `rounds` times. */
async function run(processor: LoadBalancingSinkProcessor, rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) await processor.process();
}

Deno.test("load_balance round_robin spreads the batches evenly, in turn", async () => {
  const { channel, sinks, processor } = balancedGroup();
  await put(channel, ...bodies(30));
  await run(processor, 30);
  deepStrictEqual(sinks.map((s) => s.writer.delivered.length), [10, 10, 10]);
  deepStrictEqual(sinks[0].writer.delivered.slice(0, 3), ["e0", "e3", "e6"]);
  deepStrictEqual(sinks[1].writer.delivered.slice(0, 3), ["e1", "e4", "e7"]);
  deepStrictEqual(sinks[2].writer.delivered.slice(0, 3), ["e2", "e5", "e8"]);
  equal(channel.size(), 0);
});

Deno.test("load_balance random uses every sink and delivers every event once", async () => {
  const { channel, sinks, processor } = balancedGroup({ selector: "random" });
  await put(channel, ...bodies(300));
  await run(processor, 300);
  const counts = sinks.map((s) => s.writer.delivered.length);
  ok(counts.every((n) => n > 50), `every sink took a fair share: ${counts}`);
  const all = sinks.flatMap((s) => s.writer.delivered).sort();
  deepStrictEqual(all, bodies(300).sort());
});

Deno.test("load_balance hands a failed sink's batch to the next sink in the same call", async (t) => {
  const { log, channel, sinks, processor } = balancedGroup();
  const [k1, k2, k3] = sinks;
  k2.writer.failing = "throw";
  await put(channel, ...bodies(6));

  await t.step("k2's turn goes to k3, and no event is lost", async () => {
    await run(processor, 2);
    deepStrictEqual(k1.writer.delivered, ["e0"]);
    deepStrictEqual(k3.writer.delivered, ["e1"], "the batch k2 rolled back");
    equal(k2.writer.attempts, 1);
    equal(
      log.messages("warn")[0],
      'Sink k2 failed (Connection refused; the 1 event(s) stay in channel "c1"); trying the next sink',
    );
  });

  await t.step("without backoff k2 is tried again in every round it leads", async () => {
    await run(processor, 4);
    equal(
      k2.writer.attempts,
      2,
      "the rounds it leads (2nd and 5th): a later sink never falls back to it",
    );
    deepStrictEqual(k2.writer.delivered, []);
    equal(k1.writer.delivered.length + k3.writer.delivered.length, 6);
    equal(channel.size(), 0);
  });
});

Deno.test("load_balance with backoff leaves a failed sink out for a time that doubles, up to maxTimeOut", async (t) => {
  const { clock, channel, sinks, processor } = balancedGroup({ backoff: true, maxTimeoutMs: 5000 });
  const [, k2] = sinks;
  k2.writer.failing = "rollback";
  await put(channel, ...bodies(100));

  await t.step("after its first failure it sits out 2 s", async () => {
    await run(processor, 2);
    equal(k2.writer.attempts, 1);
    await run(processor, 10);
    equal(k2.writer.attempts, 1, "not tried while backed off");
    clock.advance(1999);
    await run(processor, 3);
    equal(k2.writer.attempts, 1);
  });

  await t.step("then 4 s after the next failure, and at most maxTimeOut", async () => {
    clock.advance(1);
    await run(processor, 3);
    equal(k2.writer.attempts, 2);
    clock.advance(3999);
    await run(processor, 3);
    equal(k2.writer.attempts, 2, "4 s this time");
    clock.advance(1);
    await run(processor, 3);
    equal(k2.writer.attempts, 3);
    clock.advance(4999);
    await run(processor, 3);
    equal(k2.writer.attempts, 3, "8 s capped at 5 s");
    clock.advance(1);
    await run(processor, 3);
    equal(k2.writer.attempts, 4);
  });

  await t.step("once it works again it takes its turns", async () => {
    k2.writer.failing = undefined;
    clock.advance(5000);
    await run(processor, 6);
    equal(k2.writer.delivered.length, 2);
  });
});

Deno.test("load_balance rejects a round in which every sink failed, keeping the events", async () => {
  const { clock, channel, sinks, processor } = balancedGroup({ backoff: true });
  for (const s of sinks) s.writer.failing = "throw";
  await put(channel, "a");
  await rejects(processor.process(), /^Error: Every sink of sink group g1 failed this round$/);
  deepStrictEqual(sinks.map((s) => s.writer.attempts), [1, 1, 1], "each sink tried once");
  await rejects(
    processor.process(),
    /^Error: Every sink of sink group g1 is backed off after failing: the first is back in 2000 ms$/,
  );
  clock.advance(2000);
  for (const s of sinks) s.writer.failing = undefined;
  await processor.process();
  equal(channel.size(), 0);
});

Deno.test("load_balance definition: the file's selector, backoff and maxTimeOut", async () => {
  const config = loadConf([
    "a1.channels = c1",
    "a1.sinks = k1 k2",
    "a1.channels.c1.type = memory",
    ...["k1", "k2"].flatMap((k) => [`a1.sinks.${k}.type = null`, `a1.sinks.${k}.channel = c1`]),
    "a1.sinkgroups = g1",
    "a1.sinkgroups.g1.sinks = k1 k2",
    "a1.sinkgroups.g1.processor.type = load_balance",
    "a1.sinkgroups.g1.processor.backoff = true",
    "a1.sinkgroups.g1.processor.selector.maxTimeOut = 1500",
  ]);
  const [unit] = sinkUnits(config);
  equal(unit.group?.processor.definition, LOAD_BALANCE_PROCESSOR);
  const clock = new FakeClock();
  const channel = memoryChannel("c1", clock);
  const sinks = sinksOn(channel, ["k1", "k2"], 1);
  const processor = buildProcessor(unit, sinks.map((s) => s.sink), {
    counters: new CounterRegistry(),
    clock,
    log: new RecordingLog(),
  });
  sinks[0].writer.failing = "throw";
  await put(channel, ...bodies(4));
  await processor.process();
  await processor.process();
  equal(sinks[0].writer.attempts, 1);
  clock.advance(1500);
  await processor.process();
  equal(sinks[0].writer.attempts, 2, "backed off 1.5 s (maxTimeOut), not 2 s");
  deepStrictEqual(sinks[1].writer.delivered, ["e0", "e1", "e2"]);
});
