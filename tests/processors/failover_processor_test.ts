import { deepStrictEqual, equal, rejects } from "node:assert/strict";
import {
  FAILOVER_PROCESSOR,
  failoverPenalty,
  FailoverSinkProcessor,
} from "../../src/processors/failover_processor.ts";
import { CounterRegistry } from "../../src/api/counters.ts";
import { buildProcessor, sinkUnits } from "../../src/core/sink_processors.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { loadConf } from "../support/components.ts";
import { RecordingLog } from "../support/recording_log.ts";
import { bodies, memoryChannel, put, sinksOn, type TestSink } from "./_group_sinks.ts";

/** A failover group over `primary` (priority 10) and `backup` (priority 5) on one channel. */
function failoverGroup(options: { maxPenaltyMs?: number } = {}): {
  clock: FakeClock;
  log: RecordingLog;
  channel: ReturnType<typeof memoryChannel>;
  primary: TestSink;
  backup: TestSink;
  processor: FailoverSinkProcessor;
} {
  const clock = new FakeClock({ start: 1_000_000 });
  const log = new RecordingLog();
  const channel = memoryChannel("c1", clock);
  const [primary, backup] = sinksOn(channel, ["primary", "backup"], 2);
  const processor = new FailoverSinkProcessor([backup.sink, primary.sink], {
    priorities: new Map([["primary", 10], ["backup", 5]]),
    maxPenaltyMs: options.maxPenaltyMs,
    clock,
    log,
    group: "g1",
  });
  return { clock, log, channel, primary, backup, processor };
}

Deno.test("failover: the highest priority sink takes the batches, whatever the order listed", async () => {
  const { channel, primary, backup, processor } = failoverGroup();
  await put(channel, ...bodies(4));
  equal(processor.active?.name, "primary");
  equal(await processor.process(), "READY");
  equal(await processor.process(), "READY");
  deepStrictEqual(primary.writer.delivered, ["e0", "e1", "e2", "e3"]);
  deepStrictEqual(backup.writer.delivered, []);
});

Deno.test("failover: a failing primary hands its batch to the backup, and takes over again after the penalty", async (t) => {
  const { clock, log, channel, primary, backup, processor } = failoverGroup();
  await put(channel, ...bodies(6));

  await t.step("the backup delivers the failed batch in the same process() call", async () => {
    primary.writer.failing = "throw";
    equal(await processor.process(), "READY");
    equal(primary.writer.attempts, 1);
    deepStrictEqual(backup.writer.delivered, ["e0", "e1"], "the rolled-back batch, in order");
    equal(processor.active?.name, "backup");
    deepStrictEqual(processor.failed(), [
      { name: "primary", failures: 1, retryAt: clock.now() + 2000 },
    ]);
    const [warning] = log.messages("warn");
    equal(
      warning,
      'Sink primary failed (Connection refused; the 2 event(s) stay in channel "c1"): out of ' +
        "sink group g1 for 2000 ms after 1 failure(s) in a row; sink backup takes over",
    );
  });

  await t.step("during its cool-down the primary is not tried", async () => {
    primary.writer.failing = undefined;
    clock.advance(1999);
    equal(await processor.process(), "READY");
    equal(primary.writer.attempts, 1);
    deepStrictEqual(backup.writer.delivered, ["e0", "e1", "e2", "e3"]);
  });

  await t.step(
    "after it, the primary is tried first and is active again once it delivers",
    async () => {
      clock.advance(1);
      equal(await processor.process(), "READY");
      deepStrictEqual(primary.writer.delivered, ["e4", "e5"]);
      equal(processor.active?.name, "primary");
      deepStrictEqual(processor.failed(), []);
      equal(
        log.messages("info").at(-1),
        "Sink primary delivered again: back in the live sinks of sink group g1, and active",
      );
      await put(channel, ...bodies(2, 6));
      await processor.process();
      deepStrictEqual(primary.writer.delivered, ["e4", "e5", "e6", "e7"]);
      deepStrictEqual(backup.writer.delivered, ["e0", "e1", "e2", "e3"]);
    },
  );
});

Deno.test("failover: a rolled-back batch (an HTTP 503) is a failure too", async () => {
  const { channel, primary, backup, processor } = failoverGroup();
  await put(channel, ...bodies(2));
  primary.writer.failing = "rollback";
  await processor.process();
  deepStrictEqual(backup.writer.delivered, ["e0", "e1"]);
  equal(processor.active?.name, "backup");
  equal(processor.failed()[0].name, "primary");
});

Deno.test("failover: a commit that asks to back off is not a failure", async () => {
  const { channel, primary, backup, processor } = failoverGroup();
  await put(channel, "a", "b");
  primary.writer.askBackoff = true;
  equal(await processor.process(), "BACKOFF");
  deepStrictEqual(primary.writer.delivered, ["a", "b"]);
  deepStrictEqual(backup.writer.delivered, []);
  equal(processor.active?.name, "primary");
  deepStrictEqual(processor.failed(), []);
});

Deno.test("failover: the cool-down doubles with each failure in a row, up to maxpenalty", async () => {
  const { clock, channel, primary, backup, processor } = failoverGroup({ maxPenaltyMs: 10_000 });
  primary.writer.failing = "throw";
  const penalties: number[] = [];
  for (let round = 0; round < 5; round++) {
    await put(channel, "x", "y");
    await processor.process();
    const [failed] = processor.failed();
    penalties.push(failed.retryAt - clock.now());
    equal(failed.failures, round + 1);
    clock.advance(failed.retryAt - clock.now());
  }
  deepStrictEqual(penalties, [2000, 4000, 8000, 10_000, 10_000]);
  equal(primary.writer.attempts, 5, "tried once after each cool-down");
  equal(backup.writer.delivered.length, 10, "the backup delivered every batch");
  equal(channel.size(), 0);
});

Deno.test("failoverPenalty is Flume's min(maxpenalty, 2^failures × 1 s)", () => {
  deepStrictEqual([1, 2, 3, 4, 5].map((n) => failoverPenalty(n, 30_000)), [
    2000,
    4000,
    8000,
    16_000,
    30_000,
  ]);
  equal(failoverPenalty(1000, 30_000), 30_000, "no overflow after many failures");
  equal(failoverPenalty(1, 500), 500);
});

Deno.test("failover: a cooled-down sink that finds its channel empty stays failed, without a longer penalty", async () => {
  const { clock, channel, primary, backup, processor } = failoverGroup();
  await put(channel, "a", "b");
  primary.writer.failing = "throw";
  await processor.process();
  primary.writer.failing = undefined;
  clock.advance(2000);
  equal(await processor.process(), "IDLE");
  deepStrictEqual(processor.failed().map((f) => [f.name, f.failures]), [["primary", 1]]);
  equal(processor.active?.name, "backup");
  await put(channel, "c");
  await processor.process();
  deepStrictEqual(primary.writer.delivered, ["c"], "tried first, and it delivered");
  equal(processor.active?.name, "primary");
  deepStrictEqual(backup.writer.delivered, ["a", "b"]);
});

Deno.test("failover: when every sink fails, process() rejects and the events stay in the channel", async () => {
  const { clock, channel, primary, backup, processor } = failoverGroup();
  await put(channel, "a", "b");
  primary.writer.failing = "throw";
  backup.writer.failing = "rollback";
  await rejects(
    processor.process(),
    /^Error: Every sink of sink group g1 has failed: nothing left to fail over to; primary is tried again in 2000 ms$/,
  );
  equal(channel.size(), 2);
  equal(processor.active, undefined);
  // Before any cool-down ends nothing is tried.
  clock.advance(1000);
  await rejects(processor.process(), /nothing left to fail over to/);
  equal(primary.writer.attempts + backup.writer.attempts, 2);
});

Deno.test("failover definition: priorities from the file, unset ones after in the order listed", async () => {
  const config = loadConf([
    "a1.channels = c1",
    "a1.sinks = k1 k2 k3",
    "a1.channels.c1.type = memory",
    ...["k1", "k2", "k3"].flatMap((
      k,
    ) => [`a1.sinks.${k}.type = null`, `a1.sinks.${k}.channel = c1`]),
    "a1.sinkgroups = g1",
    "a1.sinkgroups.g1.sinks = k1 k2 k3",
    "a1.sinkgroups.g1.processor.type = failover",
    "a1.sinkgroups.g1.processor.priority.k3 = 1",
  ]);
  const clock = new FakeClock();
  const channel = memoryChannel("c1", clock);
  const sinks = sinksOn(channel, ["k1", "k2", "k3"], 1);
  const [unit] = sinkUnits(config);
  equal(unit.group?.processor.definition, FAILOVER_PROCESSOR);
  const processor = buildProcessor(unit, sinks.map((s) => s.sink), {
    counters: new CounterRegistry(),
    clock,
    log: new RecordingLog(),
  }) as FailoverSinkProcessor;
  // k3 = 1, then k1 = -1 and k2 = -2 (Flume's order for unset priorities).
  await put(channel, "a");
  sinks[2].writer.failing = "throw";
  await processor.process();
  deepStrictEqual(sinks.map((s) => s.writer.delivered), [["a"], [], []]);
  sinks[0].writer.failing = "throw";
  await put(channel, "b");
  await processor.process();
  deepStrictEqual(sinks.map((s) => s.writer.delivered), [["a"], ["b"], []]);
});
