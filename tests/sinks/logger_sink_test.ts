import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { SYSTEM_CLOCK } from "../../src/core/clock.ts";
import { CounterGroup, SINK_COUNTERS } from "../../src/core/counters.ts";
import { textEvent } from "../../src/core/event.ts";
import type { Log } from "../../src/core/log.ts";
import { LoggerSink } from "../../src/sinks/logger_sink.ts";

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

Deno.test("logger sink logs one event per transaction at INFO, then backs off", async (t) => {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1"), {}, SYSTEM_CLOCK);
  const { log, lines } = recorder();
  const counters = new CounterGroup("SINK", "l1", SINK_COUNTERS);
  const sink = new LoggerSink("l1", channel, counters, log, { maxBytesToLog: 16 });
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

  await t.step("an empty channel gives BACKOFF and logs nothing", async () => {
    strictEqual(await sink.process(), "IDLE");
    strictEqual(lines.length, 2);
  });

  await t.step("counters follow Flume's SinkCounter", () => {
    strictEqual(counters.get("EventDrainSuccessCount"), 2);
    strictEqual(counters.get("BatchEmptyCount"), 1);
    strictEqual(channel.counters.get("EventTakeSuccessCount"), 2);
  });
});

Deno.test("logger sink honours maxBytesToLog", async () => {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1"), {}, SYSTEM_CLOCK);
  const { log, lines } = recorder();
  const sink = new LoggerSink("l1", channel, new CounterGroup("SINK", "l1"), log, {
    maxBytesToLog: 2,
  });
  await fill(channel, ["abcdef"]);
  await sink.process();
  deepStrictEqual(lines, ["INFO Event: { headers:{} body: 61 62" + " ".repeat(43) + "ab }"]);
});
