import { strictEqual } from "node:assert/strict";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { defineSink } from "../../src/api/component.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import { Agent } from "../../src/core/agent.ts";
import type { Definitions } from "../../src/registry.ts";
import { NULL_SINK } from "../../src/sinks/null_sink.ts";
import { loadConf } from "../support/components.ts";

function agentFrom(text: string, extra: Partial<Definitions> = {}): Agent {
  return new Agent(loadConf(text, extra), { clock: SYSTEM_CLOCK, logFor: () => SILENT_LOG });
}

const CONF = `
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.batchSize = 500
a1.sources.r1.totalEvents = 2000
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.channels.c1.capacity = 5000
a1.channels.c1.transactionCapacity = 500
a1.sinks.k1.type = null
a1.sinks.k1.channel = c1
a1.sinks.k1.batchSize = 7
`;

Deno.test("agent stop() stops the sources, then lets the sinks drain every accepted event", async () => {
  const agent = agentFrom(CONF);
  await agent.start();
  // Wait until the source has put something, then stop at once.
  const source = agent.counters.get("SOURCE.r1")!;
  while (source.get("EventAcceptedCount") === 0) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await agent.stop({ drainTimeoutMs: 30_000 });
  const accepted = source.get("EventAcceptedCount");
  const sink = agent.counters.get("SINK.k1")!;
  strictEqual(sink.get("EventDrainSuccessCount"), accepted);
  strictEqual(agent.counters.get("CHANNEL.c1")!.get("ChannelSize"), 0);
});

/** A sink type whose every delivery fails, so its channel never drains. */
const FAILING_SINK = defineSink({
  type: "failing",
  summary: "Fails every delivery",
  properties: NULL_SINK.properties,
  create: () => ({
    batchSize: 100,
    deliver: () => Promise.reject(new Error("Downstream unavailable")),
  }),
});

Deno.test("agent stop() gives up draining after the timeout, leaving events in the channel", async () => {
  const agent = agentFrom(
    CONF.replace("totalEvents = 2000", "totalEvents = 10").replace("type = null", "type = failing"),
    { sink: [FAILING_SINK] },
  );
  await agent.start();
  const channel = agent.counters.get("CHANNEL.c1")!;
  while (channel.get("ChannelSize") < 10) await new Promise((resolve) => setTimeout(resolve, 1));
  const started = Date.now();
  await agent.stop({ drainTimeoutMs: 200 });
  strictEqual(Date.now() - started >= 190, true, "waited for the drain timeout");
  strictEqual(channel.get("ChannelSize"), 10);
});

Deno.test("agent exposes Flume-named counter groups for every component", async () => {
  const agent = agentFrom(CONF);
  const ids = Object.keys(agent.counters.snapshot()).sort();
  strictEqual(ids.join(" "), "CHANNEL.c1 SINK.k1 SOURCE.r1");
  const channel = agent.counters.snapshot()["CHANNEL.c1"];
  strictEqual(channel.Type, "CHANNEL");
  strictEqual(channel.ChannelCapacity, 5000);
  strictEqual(channel.ChannelFillPercentage, 0);
  await agent.start();
  await agent.stop();
});
