import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { Channel } from "../../src/api/channel.ts";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { group, sourceFrom } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { STATES_SOURCE } from "./_states_source.ts";

const DECODER = new TextDecoder();

/** A memory channel holding at most `capacity` events, whose full commit fails at once. */
function channel(name: string, capacity: number): MemoryChannel {
  return new MemoryChannel(name, new CounterGroup("CHANNEL", name, CHANNEL_COUNTERS), {
    capacity,
    transactionCapacity: capacity,
    keepAlive: 0,
  }, new FakeClock());
}

/** Takes and commits what the channel holds now; the bodies, in order. */
async function takeAll(from: Channel): Promise<string[]> {
  const tx = from.getTransaction();
  tx.begin();
  const out: string[] = [];
  for (let e; out.length < from.transactionCapacity && (e = tx.take()) !== undefined;) {
    out.push(DECODER.decode(e.body));
  }
  await tx.commit();
  tx.close();
  return out;
}

Deno.test("a multiplexing source waits for a full required channel, never for an optional one", async () => {
  const cz = channel("c1", 2); // required for CZ: full after two events
  const other = channel("c2", 100); // the default
  const optional = channel("c3", 1); // optional for US: refuses what does not fit
  const counters = new CounterRegistry();
  const source = sourceFrom(
    "states",
    {
      "states": "CZ CZ US CZ CZ CZ US",
      "selector.type": "multiplexing",
      "selector.header": "state",
      "selector.mapping.CZ": "c1",
      "selector.optional.US": "c3",
      "selector.default": "c2",
    },
    [cz, other, optional],
    { counters, extra: { source: [STATES_SOURCE] } },
  );
  const taken: string[] = [];
  await source.start();
  try {
    const deadline = Date.now() + 60_000;
    const accepted = (): number => source.counters.get("EventAcceptedCount");
    while (accepted() < 7 || cz.size() > 0) {
      ok(Date.now() < deadline, `timed out: ${accepted()} accepted, c1 took ${taken}`);
      taken.push(...await takeAll(cz)); // the sink that makes room
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await source.stop();
  }
  const counted = group(counters, "SOURCE.w1");
  deepStrictEqual(taken, ["0 CZ", "1 CZ", "3 CZ", "4 CZ", "5 CZ"], "each CZ event once, in order");
  deepStrictEqual(await takeAll(other), ["2 US", "6 US"]);
  ok(counted.get("ChannelWriteFail") > 0, "c1 refused puts while it was full");
  const inOptional = (await takeAll(optional)).length;
  ok(inOptional <= 1, `${inOptional} in c3`);
  equal(
    inOptional + counted.get("OptionalChannelWriteFail"),
    2,
    "each US event is in the optional channel or counted as refused there",
  );
  equal(counted.get("EventDroppedCount"), 0);
  equal(counted.get("EventUnroutedCount"), 0);
});
