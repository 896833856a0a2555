import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { drainChannel, eventually, sourceHarness } from "../support/websocket_harness.ts";
import { WsTestServer } from "../support/ws_test_server.ts";

const FAST = { retryDelay: "0.05", connectTimeout: "2" };
const DECODER = new TextDecoder();

/** Resolves after `ms` of real time (the sink's pace in these tests, not a wait for a state). */
function pace(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("websocket source under a flood with a slow sink: stops reading, loses nothing, keeps the connection", async () => {
  const server = await WsTestServer.start();
  const total = 20_000;
  const h = sourceHarness({ endpoint: server.url(), ...FAST, backlogCapacity: "200" }, {
    capacity: 500,
    transactionCapacity: 100,
  });
  server.onConnection = async (c) => {
    for (let i = 0; i < total; i++) await c.sendText(`m${i}`);
  };
  const seen: string[] = [];
  let most = 0;
  try {
    await h.source.start();
    while (seen.length < total) {
      most = Math.max(most, h.source.sender.size);
      // A sink slower than the feed: a few hundred events now and then.
      seen.push(...(await drainChannel(h.channel)).map((e) => DECODER.decode(e.body)));
      await pace(2);
    }
  } finally {
    await h.source.stop();
    await server.close();
  }
  deepStrictEqual(seen, Array.from({ length: total }, (_, i) => `m${i}`), "all, in order");
  equal(h.counters.get("EventDroppedCount"), 0);
  equal(h.counters.get("EventReceivedCount"), total);
  ok(most <= 200, `the backlog stayed within backlogCapacity (at most ${most})`);
  equal(h.counters.get("ConnectionCreatedCount"), 1, "one connection throughout");
});

Deno.test("websocket source paused for back-pressure is not idle: idleTimeout waits until it reads again", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness(
    { endpoint: server.url(), ...FAST, backlogCapacity: "5", idleTimeout: "0.2" },
    { capacity: 10, transactionCapacity: 10 },
  );
  server.onConnection = async (c) => {
    for (let i = 0; i < 100; i++) await c.sendText(`m${i}`);
  };
  try {
    await h.source.start();
    await eventually(() => h.channel.size() === 10 && h.source.sender.size === 5, "full");
    await pace(1000); // five idle timeouts while nothing is read
    equal(h.counters.get("ConnectionClosedCount"), 0, "the paused connection was kept");
    const seen: string[] = [];
    while (seen.length < 100) {
      seen.push(...(await drainChannel(h.channel)).map((e) => DECODER.decode(e.body)));
      await pace(1);
    }
    deepStrictEqual(seen, Array.from({ length: 100 }, (_, i) => `m${i}`));
    equal(h.counters.get("EventDroppedCount"), 0);
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("websocket source with whenFull = drop keeps reading and counts the drops", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness(
    { endpoint: server.url(), ...FAST, backlogCapacity: "20", whenFull: "drop" },
    { capacity: 10, transactionCapacity: 10 },
  );
  server.onConnection = async (c) => {
    for (let i = 0; i < 300; i++) await c.sendText(`m${i}`);
  };
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventReceivedCount") === 300, "300 received");
  } finally {
    await h.source.stop();
    await server.close();
  }
  equal(h.counters.get("EventAcceptedCount"), 10, "what the channel holds");
  equal(h.counters.get("EventDroppedCount"), 290, "every other event dropped and counted");
  equal(h.counters.get("ConnectionCreatedCount"), 1);
});

Deno.test("websocket source refuses a handshake whose Sec-WebSocket-Accept is wrong", async () => {
  const server = await WsTestServer.start();
  server.mode = { kind: "wrong-accept" };
  const h = sourceHarness({ endpoint: server.url(), ...FAST });
  server.onConnection = async (c) => {
    await c.sendText("must not arrive");
  };
  try {
    await h.source.start();
    await eventually(() => h.counters.get("ConnectionFailedCount") >= 2, "two refused attempts");
  } finally {
    await h.source.stop();
    await server.close();
  }
  equal(h.counters.get("ConnectionCreatedCount"), 0);
  equal(h.counters.get("EventReceivedCount"), 0, "no data delivered");
  match(h.log.messages("warn").join("\n"), /Sec-WebSocket-Accept is wrong/);
});

Deno.test("websocket source stopped while paused by a flood reads on to the close reply: not abandoned, every event counted", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness(
    { endpoint: server.url(), retryDelay: "0.05", connectTimeout: "5", backlogCapacity: "10" },
    { capacity: 10, transactionCapacity: 10 },
  );
  let sending = true;
  const loops: Promise<void>[] = [];
  server.onConnection = (c) => {
    loops.push(
      (async () => {
        for (let i = 0; sending && !c.closedByEither; i++) await c.sendText(`m${i}`);
      })().catch(() => {}),
    );
  };
  try {
    await h.source.start();
    await eventually(() => h.channel.size() === 10 && h.source.sender.size === 10, "paused");
    const started = Date.now();
    await h.source.stop();
    ok(Date.now() - started < 2000, "the close was answered, not waited out");
  } finally {
    sending = false;
    await Promise.all(loops);
    await server.close();
  }
  equal(h.counters.get("ConnectionAbandonedCount"), 0);
  equal(
    h.counters.get("EventReceivedCount"),
    h.counters.get("EventAcceptedCount") + h.counters.get("EventDroppedCount"),
    "what was read after the close was sent is counted",
  );
});
