import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CounterGroup } from "../../src/api/counters.ts";
import { textEvent } from "../../src/api/event.ts";
import type { Log } from "../../src/api/log.ts";
import { sinkFrom } from "../support/components.ts";

function recorder(): { log: Log; lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (message: string): void => {
    lines.push(`${level} ${message}`);
  };
  return {
    lines,
    log: { debug: push("DEBUG"), info: push("INFO"), warn: push("WARN"), error: push("ERROR") },
  };
}

async function fill(channel: MemoryChannel, bodies: string[]): Promise<void> {
  const tx = channel.getTransaction();
  tx.begin();
  for (const b of bodies) tx.put(textEvent(b, b === "h" ? { k: "v" } : {}));
  await tx.commit();
  tx.close();
}

Deno.test("logger sink logs one event per transaction at INFO, then goes idle", async (t) => {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1"), {}, SYSTEM_CLOCK);
  const { log, lines } = recorder();
  const sink = sinkFrom("logger", { maxBytesToLog: "16" }, channel, { log });
  const counters = sink.counters;
  await fill(channel, ["Hello world!\r", "h"]);

  await t.step("each process() logs exactly one event in Flume's format", async () => {
    strictEqual(await sink.process(), "READY");
    deepStrictEqual(lines, [
      "INFO Event: { headers:{} body: 48 65 6C 6C 6F 20 77 6F 72 6C 64 21 0D          Hello world!. }",
    ]);
    strictEqual(channel.size(), 1);
    strictEqual(await sink.process(), "READY");
    strictEqual(lines[1], "INFO Event: { headers:{k=v} body: 68" + " ".repeat(46) + "h }");
  });

  await t.step("an empty channel gives IDLE and logs nothing", async () => {
    strictEqual(await sink.process(), "IDLE");
    strictEqual(lines.length, 2);
  });

  await t.step("counters follow Flume's SinkCounter", () => {
    strictEqual(counters.get("EventDrainAttemptCount"), 2);
    strictEqual(counters.get("EventDrainSuccessCount"), 2);
    // A batch sink of batchSize 1: each 1-event transaction is a complete batch.
    strictEqual(counters.get("BatchCompleteCount"), 2);
    strictEqual(counters.get("BatchUnderflowCount"), 0);
    strictEqual(counters.get("BatchEmptyCount"), 1);
    strictEqual(channel.counters.get("EventTakeSuccessCount"), 2);
  });
});

Deno.test("logger sink honours maxBytesToLog", async () => {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1"), {}, SYSTEM_CLOCK);
  const { log, lines } = recorder();
  const sink = sinkFrom("logger", { maxBytesToLog: "2" }, channel, { log });
  await fill(channel, ["abcdef"]);
  await sink.process();
  deepStrictEqual(lines, ["INFO Event: { headers:{} body: 61 62" + " ".repeat(43) + "ab }"]);
});

Deno.test("logger sink logs 16 body bytes unless told", async () => {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1"), {}, SYSTEM_CLOCK);
  const { log, lines } = recorder();
  const sink = sinkFrom("logger", {}, channel, { log });
  await fill(channel, ["0123456789abcdefXYZ"]);
  await sink.process();
  deepStrictEqual(lines, [
    "INFO Event: { headers:{} body: 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66 " +
    "0123456789abcdef }",
  ]);
});
