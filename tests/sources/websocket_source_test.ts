import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { drainChannel, eventually, sourceHarness } from "../support/websocket_harness.ts";
import { WsTestServer } from "../support/ws_test_server.ts";

const FAST = { retryDelay: "0.05", connectTimeout: "2" };

Deno.test("websocket source turns text and binary frames into events, in order", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness({ endpoint: server.url("/feed"), ...FAST });
  server.onConnection = async (c) => {
    await c.sendText("hello");
    await c.sendBinary(new Uint8Array([0, 1, 2, 255]));
    await c.sendText("wörld ✓");
  };
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventAcceptedCount") === 3, "3 accepted events");
    const events = await h.drain();
    deepStrictEqual(events.map((e) => e.headers), [{}, {}, {}]);
    deepStrictEqual(events[0].body, new TextEncoder().encode("hello"));
    deepStrictEqual(events[1].body, new Uint8Array([0, 1, 2, 255]));
    deepStrictEqual(new TextDecoder().decode(events[2].body), "wörld ✓");
    strictEqual(server.handshakes[0].path, "/feed");
    strictEqual(h.counters.get("EventReceivedCount"), 3);
    strictEqual(h.counters.get("OpenConnectionCount"), 1);
  } finally {
    await h.source.stop();
    await server.close();
  }
  strictEqual(h.counters.get("OpenConnectionCount"), 0);
});

Deno.test("websocket source sends initMessage, then initMessages in order, after every open", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness({
    endpoint: server.url(),
    ...FAST,
    initMessage: `{"op": "auth", "key": "k"}`,
    initMessages: "sub1 sub2",
    "initMessage.sub2": "subscribe ETH",
    "initMessage.sub1": "subscribe BTC",
  });
  try {
    await h.source.start();
    const first = await server.connection(1);
    await server.until(() => first.received.length === 3, "3 init messages");
    deepStrictEqual(first.received, [
      `{"op": "auth", "key": "k"}`,
      "subscribe BTC",
      "subscribe ETH",
    ]);
    first.abort();
    const second = await server.connection(2);
    await server.until(() => second.received.length === 3, "init messages again after reconnect");
    deepStrictEqual(second.received, first.received);
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("websocket source sends the seed's cookies and header.NAME headers in the handshake", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness({
    endpoint: server.url(),
    ...FAST,
    cookies: "cookie1,cookie2",
    "cookie.cookie1.name": "some-cookie-name",
    "cookie.cookie1.value": `"Data for cookie1 goes here"`,
    "cookie.cookie2.name": "another-cookie-name",
    "cookie.cookie2.value": `"Data for cookie2 goes here"`,
    "header.Authorization": "Bearer s3cret",
    "header.X-Client": "flume-ws",
  });
  try {
    await h.source.start();
    await server.connection(1);
    const headers = server.handshakes[0].headers;
    strictEqual(
      headers.get("cookie"),
      `some-cookie-name="Data for cookie1 goes here"; another-cookie-name="Data for cookie2 goes here"`,
    );
    strictEqual(headers.get("authorization"), "Bearer s3cret");
    strictEqual(headers.get("x-client"), "flume-ws");
  } finally {
    await h.source.stop();
    await server.close();
  }
  const logged = h.log.entries.map((e) => e.message).join("\n");
  ok(!logged.includes("s3cret") && !logged.includes("Data for cookie"), "no secret in the logs");
});

Deno.test("websocket source reconnects after every kind of failure", async (t) => {
  const server = await WsTestServer.start();
  const h = sourceHarness({ endpoint: server.url(), retryDelay: "0.02", connectTimeout: "0.3" });
  await h.source.start();
  try {
    let n = 1;
    const nextConnection = async (): Promise<void> => {
      n++;
      await server.connection(n);
    };
    await server.connection(1);

    for (const code of [1000, 1001, 1011, 4001]) {
      await t.step(`a close with code ${code}`, async () => {
        await server.connections[n - 1].close(code, "bye");
        await nextConnection();
        match(
          h.log.messages(code === 1000 ? "info" : "warn").join("\n"),
          new RegExp(`code ${code} "bye"`),
        );
      });
    }
    await t.step("an abrupt TCP reset", async () => {
      server.connections[n - 1].abort();
      await nextConnection();
    });
    for (const status of [401, 404, 500]) {
      await t.step(`a refused handshake (${status})`, async () => {
        server.mode = { kind: "refuse", status };
        const seen = server.handshakes.length;
        server.connections[n - 1].abort();
        await server.until(() => server.handshakes.length >= seen + 2, "two refused handshakes");
        match(
          h.log.messages("warn").join("\n"),
          new RegExp(`Unexpected server response: ${status}`),
        );
        server.mode = { kind: "accept" };
        await nextConnection();
      });
    }
    await t.step("a server that accepts TCP but never answers (connectTimeout)", async () => {
      server.mode = { kind: "stall" };
      const seen = server.handshakes.length;
      server.connections[n - 1].abort();
      await server.until(() => server.handshakes.length >= seen + 2, "two stalled attempts");
      match(h.log.messages("warn").join("\n"), /no handshake within 0\.3 s \(connectTimeout\)/);
      server.mode = { kind: "accept" };
      await nextConnection();
    });
    await t.step("a refused TCP connection (server down), then the server back", async () => {
      await server.kill();
      const failed = h.counters.get("ConnectionFailedCount");
      await eventually(
        () => h.counters.get("ConnectionFailedCount") >= failed + 2,
        "failed attempts",
      );
      await server.restart();
      await nextConnection();
    });
    await eventually(
      () => h.counters.get("ConnectionCreatedCount") === n,
      `${n} connections opened, one per server-side accept`,
    );
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("websocket source loses nothing over 20 kill/restart cycles", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness({ endpoint: server.url(), retryDelay: "0.01", connectTimeout: "2" });
  let next = 0;
  const PER_CONNECTION = 50;
  server.onConnection = async (c) => {
    for (let i = 0; i < PER_CONNECTION; i++) await c.sendText(String(next++));
  };
  try {
    await h.source.start();
    for (let cycle = 1; cycle <= 20; cycle++) {
      await server.connection(cycle);
      await eventually(
        () => h.counters.get("EventReceivedCount") === cycle * PER_CONNECTION,
        `cycle ${cycle}: every message sent while the server was up`,
      );
      await server.kill();
      await server.restart();
    }
  } finally {
    await h.source.stop();
    await server.close();
  }
  const bodies = await h.drainText();
  deepStrictEqual(bodies, Array.from({ length: 20 * PER_CONNECTION }, (_, i) => String(i)));
  strictEqual(h.counters.get("EventDroppedCount"), 0);
});

Deno.test("websocket source: stop() cancels a pending retry at once", async () => {
  const server = await WsTestServer.start();
  await server.kill(); // nothing listens: the first attempt fails, then a 30 s wait
  const h = sourceHarness({ endpoint: server.url() }); // retryDelay 30 (default)
  await h.source.start();
  await eventually(
    () => h.log.messages("info").some((m) => /Reconnecting .* in 30\.0 s/.test(m)),
    "a retry scheduled",
  );
  const started = Date.now();
  await h.source.stop();
  ok(Date.now() - started < 5_000, "stop() did not wait out retryDelay");
  await server.close();
});

Deno.test("websocket source recycles a connection silent for idleTimeout", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness({ endpoint: server.url(), ...FAST, idleTimeout: "0.2" });
  try {
    await h.source.start();
    await server.connection(2);
    match(h.log.messages("warn").join("\n"), /no message for 0\.2 s \(idleTimeout\)/);
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("websocket source sends pingMessage every pingInterval", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness({
    endpoint: server.url(),
    ...FAST,
    initMessage: "hi",
    pingMessage: `{"op":"ping"}`,
    pingInterval: "0.05",
  });
  try {
    await h.source.start();
    const c = await server.connection(1);
    await server.until(() => c.received.length >= 4, "three heartbeats");
    deepStrictEqual(c.received.slice(0, 4), [
      "hi",
      `{"op":"ping"}`,
      `{"op":"ping"}`,
      `{"op":"ping"}`,
    ]);
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("websocket source with whenFull = drop on a full channel: backlog, then counted drops; received = accepted + dropped", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness({
    endpoint: server.url(),
    ...FAST,
    backlogCapacity: "20",
    whenFull: "drop",
  }, {
    capacity: 10,
    transactionCapacity: 10,
  });
  server.onConnection = async (c) => {
    for (let i = 0; i < 500; i++) await c.sendText(`m${i}`);
  };
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventReceivedCount") === 500, "500 received");
    await eventually(() => h.counters.get("EventDroppedCount") > 0, "drops");
  } finally {
    await h.source.stop();
    await server.close();
  }
  const received = h.counters.get("EventReceivedCount");
  const accepted = h.counters.get("EventAcceptedCount");
  const dropped = h.counters.get("EventDroppedCount");
  strictEqual(received, accepted + dropped);
  strictEqual(accepted, 10);
  ok(h.counters.get("ChannelWriteFail") >= dropped);
  const warnings = h.log.messages("warn").filter((m) => /Backlog full/.test(m));
  ok(warnings.length >= 1 && warnings.length < 5, `rate-limited drop warnings: ${warnings.length}`);
  deepStrictEqual(await h.drainText(), Array.from({ length: 10 }, (_, i) => `m${i}`));
});

Deno.test("websocket source keeps events in order while the channel is full, then delivers them all", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness({ endpoint: server.url(), ...FAST }, {
    capacity: 50,
    transactionCapacity: 50,
  });
  server.onConnection = async (c) => {
    for (let i = 0; i < 1000; i++) await c.sendText(String(i));
  };
  const got: string[] = [];
  try {
    await h.source.start();
    // A slow consumer: the channel is full most of the time.
    const deadline = Date.now() + 30_000;
    while (got.length < 1000 && Date.now() < deadline) {
      got.push(...await h.drainText());
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    await h.source.stop();
    await server.close();
  }
  deepStrictEqual(got, Array.from({ length: 1000 }, (_, i) => String(i)));
  strictEqual(h.counters.get("EventDroppedCount"), 0);
  ok(h.counters.get("ChannelWriteFail") > 0, "the channel was full at times");
});

Deno.test("websocket source opens the next connection only after the previous one closed", async () => {
  const server = await WsTestServer.start();
  // The server answers our close but leaves ending TCP to the client, so
  // each connection's end on the server is the client's doing.
  server.closeBehaviour = "answer-and-wait";
  const h = sourceHarness({ endpoint: server.url(), ...FAST, idleTimeout: "0.1" });
  try {
    await h.source.start();
    await server.connection(5);
  } finally {
    await h.source.stop();
    await server.close();
  }
  for (let i = 1; i < 5; i++) {
    const previous = server.connections[i - 1];
    ok(previous.endedAt !== undefined, `connection ${i} ended`);
    ok(
      server.connections[i].acceptedAt >= previous.endedAt,
      `connection ${i + 1} began after connection ${i} ended`,
    );
  }
});

Deno.test("websocket source abandons a peer that never answers the close; nothing it sends later gets in", async () => {
  const server = await WsTestServer.start();
  server.closeBehaviour = "ignore";
  let sending = true;
  const loops: Promise<void>[] = [];
  server.onConnection = (c) => {
    loops.push((async () => {
      for (let i = 0; sending && !c.closedByEither; i++) {
        await c.sendText(`z${i}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })());
  };
  const h = sourceHarness({ endpoint: server.url(), retryDelay: "0.05", connectTimeout: "0.3" });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventReceivedCount") > 20, "messages flowing");
    await h.source.stop(); // the close is never answered: abandoned after 2 s
    const received = h.counters.get("EventReceivedCount");
    await new Promise((resolve) => setTimeout(resolve, 300)); // the peer keeps sending
    strictEqual(h.counters.get("EventReceivedCount"), received, "nothing received after stop");
    strictEqual(
      received,
      h.counters.get("EventAcceptedCount") + h.counters.get("EventDroppedCount"),
    );
    strictEqual(h.counters.get("ConnectionAbandonedCount"), 1);
  } finally {
    sending = false;
    await Promise.all(loops);
    await server.close();
  }
});

Deno.test("websocket source retries a refused batch only on the channels that lack it", async () => {
  const server = await WsTestServer.start();
  server.onConnection = async (c) => {
    for (let i = 0; i < 15; i++) await c.sendText(`e${i}`);
  };
  const h = sourceHarness({ endpoint: server.url(), ...FAST }, {
    capacity: 1000,
    second: { capacity: 10, transactionCapacity: 10 },
  });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("ChannelWriteFail") >= 3, "several refused retries");
    // c2 makes room: the waiting events go to c2 only.
    deepStrictEqual((await drainChannel(h.channel2!)).length, 10);
    await eventually(() => h.counters.get("EventAcceptedCount") === 15, "all accepted");
  } finally {
    await h.source.stop();
    await server.close();
  }
  const expected = Array.from({ length: 15 }, (_, i) => `e${i}`);
  deepStrictEqual(await h.drainText(), expected, "c1 has every event exactly once");
  deepStrictEqual(
    (await drainChannel(h.channel2!)).map((e) => new TextDecoder().decode(e.body)),
    expected.slice(10),
  );
});

Deno.test("websocket source reports every dropped event in its warnings", async () => {
  const server = await WsTestServer.start();
  server.onConnection = async (c) => {
    for (let i = 0; i < 300; i++) await c.sendText(`m${i}`);
  };
  const h = sourceHarness({
    endpoint: server.url(),
    ...FAST,
    backlogCapacity: "5",
    whenFull: "drop",
  }, {
    capacity: 5,
    transactionCapacity: 5,
  });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventReceivedCount") === 300, "300 received");
  } finally {
    await h.source.stop();
    await server.close();
  }
  const reported = h.log.messages("warn")
    .map((m) => /dropped (\d+) event\(s\) since the last warning/.exec(m))
    .reduce((sum, m) => sum + (m ? Number(m[1]) : 0), 0);
  strictEqual(reported, h.counters.get("EventDroppedCount"));
  ok(reported > 0);
});
