import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { eventText, TextEvent } from "../../src/api/event.ts";
import { withTimeout } from "../support/async.ts";
import { drainChannel, eventually } from "../support/websocket_harness.ts";
import {
  closeClient,
  openClient,
  rawHandshake,
  startServer,
  upgradeLines,
} from "./websocket_server_support.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

Deno.test("websocket_server takes 50 clients at once: every message arrives, in each client's order, with its headers", async () => {
  const clients = 50;
  const each = 200;
  const h = await startServer({ clientAddressHeader: "client", connectionIdHeader: "conn" });
  try {
    const open = await Promise.all(Array.from({ length: clients }, () => openClient(h.url())));
    await eventually(() => h.counters.get("OpenConnectionCount") === clients, "all open");
    for (let j = 0; j < each; j++) {
      open.forEach((c, i) => c.ws.send(`c${i}:${j}`));
    }
    const events = [];
    while (events.length < clients * each) {
      events.push(...await drainChannel(h.channel));
      if (events.length < clients * each) await eventually(() => h.channel.size() > 0, "more");
    }
    await Promise.all(open.map(closeClient));
    equal(events.length, clients * each);
    const byClient = new Map<string, { seq: number[]; ids: Set<string>; addrs: Set<string> }>();
    for (const e of events) {
      ok(e instanceof TextEvent, "a text message is a TextEvent (not re-encoded)");
      const [client, seq] = eventText(e)!.split(":");
      const entry = byClient.get(client) ??
        { seq: [], ids: new Set<string>(), addrs: new Set<string>() };
      entry.seq.push(Number(seq));
      entry.ids.add(e.headers.conn);
      entry.addrs.add(e.headers.client);
      byClient.set(client, entry);
    }
    equal(byClient.size, clients);
    const ids = new Set<string>();
    for (const [client, { seq, ids: own, addrs }] of byClient) {
      deepStrictEqual(seq, Array.from({ length: each }, (_, j) => j), `${client} in order`);
      equal(own.size, 1, `${client}: one connection id`);
      equal(addrs.size, 1, `${client}: one address`);
      match([...own][0], UUID);
      match([...addrs][0], /^127\.0\.0\.1:\d+$/);
      ids.add([...own][0]);
    }
    equal(ids.size, clients, "every connection has its own id");
    equal(h.counters.get("EventAcceptedCount"), clients * each);
    equal(h.counters.get("ConnectionCreatedCount"), clients);
    await eventually(() => h.counters.get("ConnectionClosedCount") === clients, "all closed");
    equal(h.counters.get("OpenConnectionCount"), 0);
    ok(h.counters.get("MessageBytesReceivedCount") > clients * each * 4);
  } finally {
    await h.stop();
  }
});

Deno.test("websocket_server turns a binary message into its bytes and adds no headers unless configured", async () => {
  const h = await startServer({});
  try {
    const c = await openClient(h.url());
    c.ws.send(new Uint8Array([0, 1, 2, 255]));
    c.ws.send("é text");
    await eventually(() => h.channel.size() === 2, "two events");
    const events = await drainChannel(h.channel);
    deepStrictEqual([...events[0].body], [0, 1, 2, 255]);
    equal(eventText(events[0]), undefined, "binary is not text");
    deepStrictEqual(events[1].body, new TextEncoder().encode("é text"));
    deepStrictEqual(events.map((e) => e.headers), [{}, {}]);
    await closeClient(c);
  } finally {
    await h.stop();
  }
});

Deno.test("websocket_server logs where it listens and serves only its path: 404 elsewhere, counted", async () => {
  const h = await startServer({ path: "/events" });
  try {
    deepStrictEqual(h.log.messages("info"), [`Listening on 127.0.0.1:${h.port}`]);
    const wrong = await rawHandshake(h.port, upgradeLines("/other"));
    equal(wrong.status, 404);
    const root = await rawHandshake(h.port, upgradeLines("/"));
    equal(root.status, 404);
    const right = await rawHandshake(h.port, upgradeLines("/events?token=x"));
    equal(right.status, 101, "the query is not part of the path");
    match(right.text, /sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/i);
    const c = await openClient(h.url("/events"));
    c.ws.send("on the path");
    await eventually(() => h.channel.size() === 1, "one event");
    await closeClient(c);
    equal(h.counters.get("ConnectionRefusedCount"), 2);
  } finally {
    await h.stop();
  }
});

Deno.test("websocket_server answers a plain HTTP request 426 and a bad handshake 400", async () => {
  const h = await startServer({});
  try {
    const plain = await rawHandshake(h.port, ["GET / HTTP/1.1", "Host: 127.0.0.1"]);
    equal(plain.status, 426);
    match(plain.text, /upgrade: websocket/i);
    const post = await rawHandshake(h.port, ["POST / HTTP/1.1", "Host: 127.0.0.1"]);
    equal(post.status, 405);
    const noKey = await rawHandshake(
      h.port,
      upgradeLines("/").filter((l) => !l.startsWith("Sec-WebSocket-Key")),
    );
    equal(noKey.status, 400);
    const garbage = await rawHandshake(h.port, ["\x16\x03\x01 not http"]);
    equal(garbage.status, 400);
    equal(h.counters.get("ConnectionRefusedCount"), 4);
    equal(h.counters.get("ConnectionCreatedCount"), 0);
  } finally {
    await h.stop();
  }
});

Deno.test("websocket_server closes its clients with 1001 when it stops", async () => {
  const h = await startServer({});
  let stopped = false;
  try {
    const clients = await Promise.all([openClient(h.url()), openClient(h.url())]);
    await eventually(() => h.counters.get("OpenConnectionCount") === 2, "both open");
    await h.stop();
    stopped = true;
    deepStrictEqual(await Promise.all(clients.map((c) => c.closed)), [1001, 1001]);
    equal(h.counters.get("ConnectionClosedCount"), 2);
  } finally {
    if (!stopped) await h.stop();
  }
});

Deno.test("websocket_server answers a client's ping with a pong carrying the same payload", async () => {
  const h = await startServer({});
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: h.port });
  try {
    await conn.write(new TextEncoder().encode(upgradeLines("/").join("\r\n") + "\r\n\r\n"));
    // ping "hi", masked with 0x01020304
    const mask = [1, 2, 3, 4];
    const payload = [..."hi"].map((c, i) => c.charCodeAt(0) ^ mask[i]);
    await conn.write(new Uint8Array([0x89, 0x82, ...mask, ...payload]));
    let seen = new Uint8Array(0);
    const buffer = new Uint8Array(4096);
    const pong = new Uint8Array([0x8a, 0x02, 0x68, 0x69]);
    while (!endsWith(seen, pong)) {
      const n = await conn.read(buffer);
      if (n === null) throw new Error("closed before the pong");
      seen = new Uint8Array([...seen, ...buffer.subarray(0, n)]);
    }
    ok(new TextDecoder().decode(seen).startsWith("HTTP/1.1 101"));
  } finally {
    conn.close();
    await h.stop();
  }
});

function endsWith(bytes: Uint8Array, tail: Uint8Array): boolean {
  if (bytes.length < tail.length) return false;
  return tail.every((b, i) => bytes[bytes.length - tail.length + i] === b);
}

Deno.test("websocket_server stops at once with a client that never sent its handshake", async () => {
  const h = await startServer({});
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: h.port });
  try {
    await withTimeout(h.stop(), 8_000, "stop before the 10 s handshake timeout");
    equal(await conn.read(new Uint8Array(16)), null, "the silent connection was closed");
    equal(h.counters.get("ConnectionCreatedCount"), 0);
  } finally {
    conn.close();
  }
});
