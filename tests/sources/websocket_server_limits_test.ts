import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { drainChannel, eventually } from "../support/websocket_harness.ts";
import {
  closeClient,
  openClient,
  rawHandshake,
  startServer,
  upgradeLines,
} from "./websocket_server_support.ts";

const DECODER = new TextDecoder();

Deno.test("websocket_server with allowedOrigins accepts those origins and answers others 403, counted", async () => {
  const h = await startServer({
    allowedOrigins: "https://app.example.com, http://localhost:3000",
  });
  try {
    const allowed = await openClient(h.url(), {
      headers: { origin: "https://APP.example.com:443" },
    });
    const local = await openClient(h.url(), { headers: { origin: "http://localhost:3000" } });
    allowed.ws.send("from the app");
    local.ws.send("from localhost");
    await eventually(() => h.channel.size() === 2, "two events");
    await Promise.all([closeClient(allowed), closeClient(local)]);
    const evil = await rawHandshake(
      h.port,
      upgradeLines("/", ["Origin: https://evil.example.com"]),
    );
    equal(evil.status, 403);
    const none = await rawHandshake(h.port, upgradeLines("/"));
    equal(none.status, 403, "no Origin header while allowedOrigins is set");
    equal(h.counters.get("OriginRefusedCount"), 2);
    equal(h.counters.get("ConnectionRefusedCount"), 2);
    equal(h.counters.get("ConnectionCreatedCount"), 2);
    const warnings = h.log.messages("warn");
    equal(warnings.length, 1, "one warning per 10 s, not one per refusal");
    match(warnings[0], /with 403: origin "https:\/\/evil\.example\.com" is not in allowedOrigins/);
  } finally {
    await h.stop();
  }
});

Deno.test("websocket_server with allowedOrigins = * accepts any origin and none", async () => {
  const h = await startServer({ allowedOrigins: "*" });
  try {
    equal((await rawHandshake(h.port, upgradeLines("/", ["Origin: https://x.test"]))).status, 101);
    equal((await rawHandshake(h.port, upgradeLines("/"))).status, 101);
    equal(h.counters.get("OriginRefusedCount"), 0);
  } finally {
    await h.stop();
  }
});

Deno.test("websocket_server refuses the connection past maxConnections with 503, counted, and takes one again once a client left", async () => {
  const h = await startServer({ maxConnections: "2" });
  try {
    const first = await openClient(h.url());
    const second = await openClient(h.url());
    const third = await rawHandshake(h.port, upgradeLines("/"));
    equal(third.status, 503);
    match(third.text, /retry-after: 5/i);
    equal(h.counters.get("ConnectionLimitRefusedCount"), 1);
    equal(h.counters.get("OpenConnectionCount"), 2);
    await closeClient(first);
    await eventually(() => h.counters.get("OpenConnectionCount") === 1, "one left");
    const again = await openClient(h.url());
    again.ws.send("after a slot freed");
    await eventually(() => h.channel.size() === 1, "an event");
    await Promise.all([closeClient(second), closeClient(again)]);
    equal(h.counters.get("ConnectionCreatedCount"), 3);
    equal(h.counters.get("ConnectionLimitRefusedCount"), 1);
  } finally {
    await h.stop();
  }
});

Deno.test("websocket_server closes a client whose message exceeds maxMessageSize with 1009, counted; a message of exactly the size passes", async () => {
  const h = await startServer({ maxMessageSize: "1000" });
  try {
    const c = await openClient(h.url());
    c.ws.send("a".repeat(1000));
    c.ws.send(new Uint8Array(1001));
    c.ws.send("never read");
    equal(await c.closed, 1009);
    await eventually(() => h.counters.get("MessageTooLargeCount") === 1, "counted");
    const events = await drainChannel(h.channel);
    deepStrictEqual(events.map((e) => DECODER.decode(e.body)), ["a".repeat(1000)]);
    ok(h.log.messages("warn").some((m) => /1001 bytes, more than maxMessageSize 1000/.test(m)));
    const other = await openClient(h.url());
    other.ws.send("another client is unaffected");
    await eventually(() => h.channel.size() === 1, "an event");
    await closeClient(other);
  } finally {
    await h.stop();
  }
});

Deno.test("websocket_server refuses a too-large message from its header, before reading its payload", async () => {
  const h = await startServer({ maxMessageSize: "1000" });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: h.port });
  try {
    await conn.write(new TextEncoder().encode(upgradeLines("/").join("\r\n") + "\r\n\r\n"));
    // A binary frame announcing 1 GiB (64-bit length), masked, and no payload.
    await conn.write(new Uint8Array([0x82, 0xff, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4]));
    let seen: number[] = [];
    const buffer = new Uint8Array(4096);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      seen = [...seen, ...buffer.subarray(0, n)];
    }
    const text = DECODER.decode(new Uint8Array(seen));
    const close = seen.slice(text.indexOf("\r\n\r\n") + 4);
    deepStrictEqual(close.slice(0, 4), [0x88, close[1], 0x03, 0xf1], "a close frame with 1009");
    equal(h.counters.get("MessageTooLargeCount"), 1);
  } finally {
    conn.close();
    await h.stop();
  }
});

Deno.test("websocket_server closes a client that breaks the protocol with 1002 and counts EventReadFail", async () => {
  const h = await startServer({});
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: h.port });
  try {
    await conn.write(new TextEncoder().encode(upgradeLines("/").join("\r\n") + "\r\n\r\n"));
    await conn.write(new Uint8Array([0x81, 0x02, 0x68, 0x69])); // unmasked text frame
    let seen: number[] = [];
    const buffer = new Uint8Array(4096);
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      seen = [...seen, ...buffer.subarray(0, n)];
    }
    const text = DECODER.decode(new Uint8Array(seen));
    const close = seen.slice(text.indexOf("\r\n\r\n") + 4);
    deepStrictEqual(close.slice(2, 4), [0x03, 0xea], "close code 1002");
    await eventually(() => h.counters.get("EventReadFail") === 1, "counted");
    equal(h.channel.size(), 0);
  } finally {
    conn.close();
    await h.stop();
  }
});
