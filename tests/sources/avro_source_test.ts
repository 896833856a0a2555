/**
 * flume-ws's avro source on loopback, driven by flume-ws's own Avro RPC
 * client and by raw frames: transactions and answers, counters, the
 * handshake fallback, errors, and ipFilter rules.
 *
 * @module
 */
import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import {
  AvroReader,
  encodeEvent,
  encodeEvents,
  encodeRequest,
  readHandshakeResponse,
  readResult,
} from "../../src/avro/call.ts";
import { connStream } from "../../src/avro/byte_stream.ts";
import { FramedConnection } from "../../src/avro/framed_connection.ts";
import { PROTOCOL_MD5, PROTOCOL_TEXT } from "../../src/avro/protocol.ts";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import type { RunningSource } from "../../src/core/components.ts";
import { AvroRpcClient } from "../../src/sinks/avro/mod.ts";
import { openStream } from "../../src/sinks/avro/connect.ts";
import type { AvroSource } from "../../src/sources/avro/mod.ts";
import { group, sourceFrom } from "../support/components.ts";
import { RecordingLog } from "../support/recording_log.ts";
import { drainChannel, eventually } from "../support/websocket_harness.ts";

interface Harness {
  readonly source: RunningSource;
  readonly channel: MemoryChannel;
  readonly counters: CounterGroup<string>;
  readonly log: RecordingLog;
  readonly port: number;
  close(): Promise<void>;
}

async function startSource(
  props: Record<string, string> = {},
  size = { capacity: 1000, transactionCapacity: 100 },
): Promise<Harness> {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    ...size,
    keepAlive: 0,
  }, SYSTEM_CLOCK);
  await channel.start();
  const log = new RecordingLog();
  const registry = new CounterRegistry();
  const source = sourceFrom("avro", { bind: "127.0.0.1", port: "0", ...props }, [channel], {
    log,
    counters: registry,
  });
  await source.start();
  return {
    source,
    channel,
    counters: group(registry, "SOURCE.w1"),
    log,
    port: (source.source as AvroSource).boundPort(),
    close: async (): Promise<void> => {
      await source.stop();
      await channel.stop();
    },
  };
}

async function client(port: number): Promise<AvroRpcClient> {
  const stream = await openStream({ hostname: "127.0.0.1", port, timeoutMs: 10_000 });
  return new AvroRpcClient(stream, { handshakeTimeoutMs: 10_000, requestTimeoutMs: 10_000 });
}

const event = (i: number): { headers: Record<string, string>; body: Uint8Array } => ({
  headers: { n: String(i) },
  body: new TextEncoder().encode(`body ${i}`),
});

Deno.test("avro source answers OK after the commit and FAILED when the channel cannot take the batch", async () => {
  const h = await startSource({}, { capacity: 10, transactionCapacity: 8 });
  const rpc = await client(h.port);
  try {
    equal(await rpc.appendBatch([0, 1, 2, 3, 4].map(event)), "OK");
    equal(h.channel.size(), 5, "committed before the answer");
    equal(await rpc.appendBatch(Array.from({ length: 9 }, (_, i) => event(10 + i))), "FAILED");
    equal(await rpc.appendBatch([20, 21, 22, 23, 24, 25].map(event)), "FAILED", "room for 5 only");
    equal(h.channel.size(), 5, "nothing of a refused batch landed");
    deepStrictEqual((await drainChannel(h.channel)).map((e) => e.headers.n), [
      "0",
      "1",
      "2",
      "3",
      "4",
    ]);
    equal(await rpc.appendBatch([5].map(event)), "OK", "the connection stays usable");
    equal(h.counters.get("AppendBatchReceivedCount"), 4);
    equal(h.counters.get("AppendBatchAcceptedCount"), 2);
    equal(h.counters.get("EventAcceptedCount"), 6);
    equal(h.counters.get("ChannelWriteFail"), 2);
    ok(
      h.log.messages("warn").some((m) =>
        /could not take a batch of 9 event\(s\) now: answered FAILED/.test(m)
      ),
      h.log.messages("warn").join("\n"),
    );
  } finally {
    rpc.close();
    await h.close();
  }
});

Deno.test("avro source logs the port it listens on and counts open connections", async () => {
  const h = await startSource();
  const a = await client(h.port);
  const b = await client(h.port);
  try {
    ok(h.port > 0);
    ok(
      h.log.messages("info").includes(`Listening on 127.0.0.1:${h.port}`),
      h.log.messages("info").join("\n"),
    );
    await a.appendBatch([event(1)]);
    await b.appendBatch([event(2)]);
    equal(h.counters.get("OpenConnectionCount"), 2);
    a.close();
    await eventually(() => h.counters.get("OpenConnectionCount") === 1, "one connection closed");
  } finally {
    a.close();
    b.close();
    await h.close();
  }
});

/** One raw request on `conn`; the response's reader. */
async function rawCall(
  conn: FramedConnection,
  serial: number,
  payload: Uint8Array,
): Promise<AvroReader> {
  await conn.send(serial, payload);
  const frame = await conn.receive();
  ok(frame !== null);
  equal(frame.serial, serial, "the answer carries the request's serial");
  return new AvroReader(frame.payload);
}

Deno.test("avro source answers NONE to an unknown protocol hash, then serves the client that sends its protocol", async () => {
  const h = await startSource();
  const conn = new FramedConnection(
    connStream(await Deno.connect({ hostname: "127.0.0.1", port: h.port })),
  );
  try {
    const unknown = new Uint8Array(16).fill(7);
    const params = encodeEvents([event(1)]);
    const first = await rawCall(
      conn,
      1,
      encodeRequest({
        handshake: { clientHash: unknown, clientProtocol: null, serverHash: unknown, meta: null },
        message: "appendBatch",
        params,
      }),
    );
    const none = readHandshakeResponse(first);
    equal(none.match, "NONE");
    equal(none.serverProtocol, PROTOCOL_TEXT);
    ok(first.done, "no call response after NONE");
    equal(h.channel.size(), 0);
    const second = await rawCall(
      conn,
      2,
      encodeRequest({
        handshake: {
          clientHash: unknown,
          clientProtocol: JSON.stringify({ ...JSON.parse(PROTOCOL_TEXT), doc: "another version" }),
          serverHash: PROTOCOL_MD5,
          meta: null,
        },
        message: "appendBatch",
        params,
      }),
    );
    equal(readHandshakeResponse(second).match, "BOTH");
    deepStrictEqual(readResult(second), { status: "OK" });
    equal(h.channel.size(), 1);
    // Later calls carry no handshake; an unknown message is a system error, not the end.
    const third = await rawCall(
      conn,
      3,
      encodeRequest({ message: "ping", params: new Uint8Array(0) }),
    );
    const error = readResult(third);
    ok("error" in error);
    match(error.error, /No message named ping/);
    const fourth = await rawCall(conn, 4, encodeRequest({ message: "appendBatch", params }));
    deepStrictEqual(readResult(fourth), { status: "OK" });
    // append: one event per call, as Flume's single-event RPC client sends.
    const fifth = await rawCall(
      conn,
      5,
      encodeRequest({ message: "append", params: encodeEvent(event(9)) }),
    );
    deepStrictEqual(readResult(fifth), { status: "OK" });
    deepStrictEqual((await drainChannel(h.channel)).map((e) => e.headers.n), ["1", "1", "9"]);
  } finally {
    conn.close();
    await h.close();
  }
});

Deno.test("avro source ipFilter: deny rules refuse a loopback client, allow rules let it in", async (t) => {
  const cases: [string, boolean][] = [
    ["deny:ip:127.*", false],
    ["allow:ip:127.0.0.1,deny:ip:*", true],
    ["allow:name:localhost,deny:ip:*", true],
    ["deny:name:localhost,allow:ip:*", false],
    ["deny:ip:10.*", true],
  ];
  for (const [rules, allowed] of cases) {
    await t.step(`${rules} ${allowed ? "accepts" : "refuses"} 127.0.0.1`, async () => {
      const h = await startSource({ ipFilter: "true", ipFilterRules: rules });
      const rpc = await client(h.port);
      try {
        if (allowed) {
          equal(await rpc.appendBatch([event(1)]), "OK");
          equal(h.channel.size(), 1);
        } else {
          await rejects(rpc.appendBatch([event(1)]), /closed|reset|broken/i);
          equal(h.channel.size(), 0);
          ok(
            h.log.messages("warn").some((m) =>
              /Refused connection from 127\.0\.0\.1:\d+: ipFilterRules/.test(m)
            ),
            h.log.messages("warn").join("\n"),
          );
        }
      } finally {
        rpc.close();
        await h.close();
      }
    });
  }
});
