import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { textEvent } from "../../src/api/event.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { formatTopology } from "../../src/cli/topology.ts";
import { ChannelProcessor } from "../../src/core/channel_processor.ts";
import { loadBalancingSelector } from "../../src/selectors/load_balancing_selector.ts";
import { loadConf } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";

const DECODER = new TextDecoder();

function channel(name: string): MemoryChannel {
  return new MemoryChannel(
    name,
    new CounterGroup("CHANNEL", name, CHANNEL_COUNTERS),
    {},
    new FakeClock(),
  );
}

/** Every body a channel holds, in order, taken in one transaction. */
async function bodies(c: MemoryChannel): Promise<string[]> {
  const tx = c.getTransaction();
  tx.begin();
  const out: string[] = [];
  for (let e = tx.take(); e !== undefined; e = tx.take()) out.push(DECODER.decode(e.body));
  await tx.commit();
  tx.close();
  return out;
}

/** The guide's load-balancing selector example, with a seq source and a null sink. */
const GUIDE_EXAMPLE = [
  "a1.sources = r1",
  "a1.channels = c1 c2 c3 c4",
  "a1.sinks = k1",
  "a1.sources.r1.type = seq",
  "a1.sources.r1.channels = c1 c2 c3 c4",
  "a1.sources.r1.selector.type = load_balancing",
  "a1.sources.r1.selector.policy = round_robin",
  ...["c1", "c2", "c3", "c4"].map((c) => `a1.channels.${c}.type = memory`),
  "a1.sinks.k1.type = null",
  "a1.sinks.k1.channel = c1",
];

Deno.test("the load_balancing selector puts each event in exactly one channel", async (t) => {
  await t.step("round_robin: in turn, evenly, each channel keeping its events' order", async () => {
    const cs = ["c1", "c2", "c3"].map(channel);
    const processor = new ChannelProcessor(loadBalancingSelector(cs, "round_robin"), SILENT_LOG);
    const sent = Array.from({ length: 9 }, (_, i) => textEvent(String(i)));
    await processor.processEventBatch(sent.slice(0, 4));
    await processor.processEventBatch(sent.slice(4));
    deepStrictEqual(await Promise.all(cs.map(bodies)), [
      ["0", "3", "6"],
      ["1", "4", "7"],
      ["2", "5", "8"],
    ]);
  });

  await t.step("random: every event lands once, spread by the random source", async () => {
    const cs = ["c1", "c2", "c3"].map(channel);
    const picks = [0.1, 0.9, 0.5, 0.4, 0.95, 0.0];
    let i = 0;
    const selector = loadBalancingSelector(cs, "random", () => picks[i++ % picks.length]);
    const processor = new ChannelProcessor(selector, SILENT_LOG);
    await processor.processEventBatch(["a", "b", "c", "d", "e", "f"].map((b) => textEvent(b)));
    deepStrictEqual(await Promise.all(cs.map(bodies)), [["a", "f"], ["c", "d"], ["b", "e"]]);
  });

  await t.step("no channel is optional, and back-pressure waits on every channel", () => {
    const cs = ["c1", "c2"].map(channel);
    const selector = loadBalancingSelector(cs, "round_robin");
    deepStrictEqual(selector.optional(textEvent("x")), []);
    deepStrictEqual(selector.requirable, cs);
  });
});

Deno.test("the guide's load_balancing example validates and check shows its routing", async (t) => {
  await t.step("round_robin", () => {
    const config = loadConf(GUIDE_EXAMPLE);
    equal(config.sources[0].selector.definition.type, "load_balancing");
    equal(config.sources[0].selector.config.policy, "round_robin");
    ok(
      formatTopology(config).includes(
        "      each event, to one channel in turn -> c1 c2 c3 c4",
      ),
      formatTopology(config).join("\n"),
    );
  });

  await t.step("random, by Flume's class name", () => {
    const config = loadConf(
      GUIDE_EXAMPLE.map((l) =>
        l.replace("= load_balancing", "= org.apache.flume.channel.LoadBalancingChannelSelector")
          .replace("round_robin", "random")
      ),
    );
    ok(
      formatTopology(config).includes("      each event, to one channel at random -> c1 c2 c3 c4"),
    );
  });

  await t.step("an unknown policy is an error on its line", () => {
    try {
      loadConf(GUIDE_EXAMPLE.map((l) => l.replace("= round_robin", "= weighted")));
      ok(false, "expected a ConfigError");
    } catch (err) {
      ok(String(err).includes("test.conf:7"), String(err));
      ok(String(err).includes("expected one of round_robin, random"), String(err));
    }
  });
});
