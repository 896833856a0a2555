import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { defineSink } from "../../src/api/component.ts";
import type { Event } from "../../src/api/event.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import { int } from "../../src/api/properties.ts";
import type { Delivery } from "../../src/api/sink.ts";
import { Agent } from "../../src/core/agent.ts";
import { loadConf } from "../support/components.ts";

/** A sink that keeps every event it is delivered, in order, for the test to read. */
function recordingSink(received: Event[]): ReturnType<typeof defineSink> {
  return defineSink({
    type: "recording",
    summary: "Keeps the events delivered to it",
    properties: { batchSize: int({ default: 100, min: 1, doc: "Events per transaction" }) },
    create: ({ config }) => ({
      batchSize: config.batchSize,
      deliver(events: readonly Event[]): Promise<Delivery> {
        received.push(...events);
        return Promise.resolve({ outcome: "commit" });
      },
    }),
  });
}

const CONF = `
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.batchSize = 5
a1.sources.r1.totalEvents = 20
a1.sources.r1.channels = c1
a1.sources.r1.interceptors = i1 i2 i3
a1.sources.r1.interceptors.i1.type = static
a1.sources.r1.interceptors.i1.key = stage
a1.sources.r1.interceptors.i1.value = first
a1.sources.r1.interceptors.i2.type = org.apache.flume.interceptor.StaticInterceptor$Builder
a1.sources.r1.interceptors.i2.key = stage
a1.sources.r1.interceptors.i2.value = second
a1.sources.r1.interceptors.i3.type = regex_filter
a1.sources.r1.interceptors.i3.regex = ^1\\\\d$
a1.sources.r1.interceptors.i3.excludeEvents = true
a1.channels.c1.type = memory
a1.sinks.k1.type = recording
a1.sinks.k1.channel = c1
`;

Deno.test("an agent applies a source's interceptors in order and counts the filter's drops", async () => {
  const received: Event[] = [];
  const agent = new Agent(loadConf(CONF, { sink: [recordingSink(received)] }), {
    clock: SYSTEM_CLOCK,
    logFor: () => SILENT_LOG,
  });
  await agent.start();
  try {
    const source = agent.counters.get("SOURCE.r1")!;
    const deadline = Date.now() + 60_000;
    while (source.get("EventReceivedCount") < 20 || received.length < 10) {
      if (Date.now() > deadline) throw new Error(`Only ${received.length} events arrived`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    strictEqual(source.get("InterceptorDropCount"), 10);
    strictEqual(source.get("EventAcceptedCount"), 10);
    strictEqual(agent.counters.snapshot()["SOURCE.r1"].InterceptorDropCount, 10);
  } finally {
    await agent.stop({ drainTimeoutMs: 30_000 });
  }
  const text = new TextDecoder();
  deepStrictEqual(received.map((e) => text.decode(e.body)), [
    ..."0123456789".split(""),
  ], "bodies 10 to 19 were dropped, the rest kept in order");
  // i1 set stage=first; i2 (preserveExisting=true by default) ran after it and kept it.
  deepStrictEqual(
    new Set(received.map((e) => JSON.stringify(e.headers))),
    new Set(['{"stage":"first"}']),
  );
});
