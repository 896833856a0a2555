/**
 * flume-ws's avro sink on loopback, against flume-ws's avro source and
 * against servers that misbehave: what commits, what rolls back, what is
 * counted, and when the connection is made again.
 *
 * @module
 */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { type Clock, SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import type { Event } from "../../src/api/event.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import type { BatchSink } from "../../src/core/batch_sink.ts";
import type { AvroSource } from "../../src/sources/avro/mod.ts";
import { REPO_ROOT } from "../support/cli.ts";
import { group, sinkFrom, sourceFrom } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { freePorts } from "../support/flume_agent.ts";
import { RecordingLog } from "../support/recording_log.ts";
import { drainChannel } from "../support/websocket_harness.ts";

const TLS = `${REPO_ROOT}tests/fixtures/tls`;
const SERVER_JKS = `${REPO_ROOT}tests/peers/flume/server.jks`;

function memoryChannel(name: string, capacity = 10_000, transactionCapacity = 1000): MemoryChannel {
  return new MemoryChannel(name, new CounterGroup("CHANNEL", name, CHANNEL_COUNTERS), {
    capacity,
    transactionCapacity,
    keepAlive: 0,
  }, SYSTEM_CLOCK);
}

async function put(channel: MemoryChannel, events: readonly Event[]): Promise<void> {
  const tx = channel.getTransaction();
  tx.begin();
  tx.putAll(events);
  await tx.commit();
  tx.close();
}

const events = (n: number, from = 0): Event[] =>
  Array.from({ length: n }, (_, i) => ({
    headers: { n: String(from + i), "x-ü": "✓" },
    body: Uint8Array.from([from + i, 0, 255]),
  }));

/** A flume-ws avro source `w1` on a free port, into its own channel. */
async function collector(
  props: Record<string, string>,
  channel = memoryChannel("in"),
): Promise<{ port: number; channel: MemoryChannel; close(): Promise<void> }> {
  await channel.start();
  const source = sourceFrom("avro", { bind: "127.0.0.1", port: "0", ...props }, [channel]);
  await source.start();
  return {
    port: (source.source as AvroSource).boundPort(),
    channel,
    close: async (): Promise<void> => {
      await source.stop();
      await channel.stop();
    },
  };
}

interface SinkHarness {
  readonly sink: BatchSink;
  readonly channel: MemoryChannel;
  readonly counters: CounterGroup<string>;
  readonly log: RecordingLog;
  close(): Promise<void>;
}

async function avroSink(
  props: Record<string, string>,
  clock: Clock = SYSTEM_CLOCK,
): Promise<SinkHarness> {
  const channel = memoryChannel("c1");
  await channel.start();
  const registry = new CounterRegistry();
  const log = new RecordingLog();
  const sink = sinkFrom("avro", { hostname: "127.0.0.1", ...props }, channel, {
    counters: registry,
    log,
    clock,
  });
  await sink.start();
  return {
    sink,
    channel,
    counters: group(registry, "SINK.k1"),
    log,
    close: async (): Promise<void> => {
      await sink.stop();
      await channel.stop();
    },
  };
}

Deno.test("avro sink to flume-ws's avro source: one appendBatch per batch, deflate and TLS too", async (t) => {
  const variants: [string, Record<string, string>, Record<string, string>][] = [
    ["plain", {}, {}],
    ["deflate", { "compression-type": "deflate" }, {
      "compression-type": "deflate",
      "compression-level": "1",
    }],
    [
      "TLS (JKS keystore, JKS truststore)",
      { ssl: "true", keystore: SERVER_JKS, "keystore-password": "changeit" },
      { ssl: "true", truststore: `${TLS}/truststore.jks`, "truststore-password": "changeit" },
    ],
  ];
  for (const [name, sourceProps, sinkProps] of variants) {
    await t.step(name, async () => {
      const server = await collector(sourceProps);
      const s = await avroSink({ port: String(server.port), "batch-size": "40", ...sinkProps });
      try {
        const sent = events(100);
        await put(s.channel, sent);
        for (let round = 0; round < 3; round++) {
          ok((await s.sink.process()) !== "BACKOFF");
        }
        deepStrictEqual(await drainChannel(server.channel), sent);
        equal(s.counters.get("EventDrainSuccessCount"), 100);
        equal(s.counters.get("BatchCompleteCount"), 2, "40 + 40 + 20");
        equal(s.counters.get("ConnectionCreatedCount"), 1);
      } finally {
        await s.close();
        await server.close();
      }
    });
  }
});

Deno.test("avro sink rolls back and backs off when the peer answers FAILED, and connects again", async () => {
  const server = await collector({}, memoryChannel("in", 1000, 10));
  const s = await avroSink({ port: String(server.port), "batch-size": "20" });
  try {
    await put(s.channel, events(20));
    equal(await s.sink.process(), "BACKOFF");
    equal(s.channel.size(), 20, "the batch went back to the channel");
    equal(server.channel.size(), 0);
    equal(s.counters.get("EventDrainSuccessCount"), 0);
    equal(s.counters.get("ConnectionClosedCount"), 1);
    ok(s.log.messages("warn").some((m) => /answered FAILED: 20 event\(s\) rolled back/.test(m)));
    equal(await s.sink.process(), "BACKOFF");
    equal(s.counters.get("ConnectionCreatedCount"), 2, "a new connection for the retry");
  } finally {
    await s.close();
    await server.close();
  }
});

Deno.test("avro sink rolls back when the peer never answers (connect-timeout bounds the first call)", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted: Deno.Conn[] = [];
  const serving = (async (): Promise<void> => {
    for await (const conn of listener) {
      accepted.push(conn);
      void conn.readable.pipeTo(new WritableStream()).catch(() => {});
    }
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  const s = await avroSink({
    port: String(port),
    "connect-timeout": "1000",
    "request-timeout": "1000",
  });
  try {
    await put(s.channel, events(5));
    equal(await s.sink.process(), "BACKOFF");
    equal(s.channel.size(), 5);
    equal(s.counters.get("ConnectionCreatedCount"), 1);
    equal(s.counters.get("ConnectionClosedCount"), 1);
    ok(s.log.messages("warn").some((m) => /No answer to appendBatch within 1000 ms/.test(m)));
  } finally {
    await s.close();
    listener.close();
    await serving;
  }
});

Deno.test("avro sink counts a refused connection and keeps the batch", async () => {
  const [port] = freePorts(1);
  const s = await avroSink({ port: String(port) });
  try {
    await put(s.channel, events(3));
    equal(await s.sink.process(), "BACKOFF");
    equal(s.channel.size(), 3);
    equal(s.counters.get("ConnectionFailedCount"), 1);
    ok(
      s.log.messages("warn").some((m) =>
        new RegExp(`Cannot connect to 127\\.0\\.0\\.1:${port}`).test(m)
      ),
    );
  } finally {
    await s.close();
  }
});

Deno.test("avro sink makes a new connection once reset-connection-interval has passed", async () => {
  const clock = new FakeClock({ start: 1_000_000 });
  const server = await collector({});
  const s = await avroSink({ port: String(server.port), "reset-connection-interval": "60" }, clock);
  try {
    await put(s.channel, events(1));
    equal(await s.sink.process(), "IDLE");
    clock.advance(59_000);
    await put(s.channel, events(1, 1));
    equal(await s.sink.process(), "IDLE");
    equal(s.counters.get("ConnectionCreatedCount"), 1, "within the interval: the same connection");
    clock.advance(1_000);
    await put(s.channel, events(1, 2));
    equal(await s.sink.process(), "IDLE");
    equal(s.counters.get("ConnectionCreatedCount"), 2);
    equal(s.counters.get("ConnectionClosedCount"), 1);
    equal((await drainChannel(server.channel)).length, 3);
  } finally {
    await s.close();
    await server.close();
  }
});
