import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import type { RunningSource } from "../../src/core/components.ts";
import { LineReader, type NetcatSource } from "../../src/sources/netcat/mod.ts";
import { group, sourceFrom } from "../support/components.ts";
import { RecordingLog } from "../support/recording_log.ts";
import { drainChannel, eventually } from "../support/websocket_harness.ts";

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/** A started netcat source `w1` on 127.0.0.1 (a free port) writing to one memory channel. */
interface Netcat {
  readonly source: RunningSource;
  readonly channel: MemoryChannel;
  readonly counters: CounterGroup<string>;
  readonly log: RecordingLog;
  readonly port: number;
  connect(): Promise<Deno.TcpConn>;
  close(): Promise<void>;
}

async function startNetcat(
  props: Record<string, string> = {},
  channelSize = { capacity: 1000, transactionCapacity: 100 },
): Promise<Netcat> {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    ...channelSize,
    keepAlive: 0,
  }, SYSTEM_CLOCK);
  const log = new RecordingLog();
  const registry = new CounterRegistry();
  const source = sourceFrom("netcat", { bind: "127.0.0.1", port: "0", ...props }, [channel], {
    log,
    counters: registry,
  });
  await source.start();
  const port = (source.source as NetcatSource).boundPort();
  return {
    source,
    channel,
    counters: group(registry, "SOURCE.w1"),
    log,
    port,
    connect: () => Deno.connect({ hostname: "127.0.0.1", port }),
    close: async () => void await source.stop(),
  };
}

/** Reads from `conn` until `want` bytes arrived or the peer closed; returns them as text. */
async function readText(conn: Deno.Conn, want = Infinity): Promise<string> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const buffer = new Uint8Array(4096);
  while (length < want) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) break;
    chunks.push(buffer.slice(0, n));
    length += n;
  }
  return chunks.map((c) => DECODER.decode(c)).join("");
}

async function send(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = ENCODER.encode(text);
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

Deno.test("netcat source answers OK per line once accepted and keeps each line's bytes, \\r included", async () => {
  const nc = await startNetcat();
  const conn = await nc.connect();
  try {
    await send(conn, "Hello world!\r\nsecond");
    await send(conn, " half\n\nnon-ascii é\n");
    equal(await readText(conn, 12), "OK\nOK\nOK\nOK\n");
    const events = await drainChannel(nc.channel);
    deepStrictEqual(events.map((e) => e.headers), [{}, {}, {}, {}]);
    deepStrictEqual(events.map((e) => [...e.body]), [
      [...ENCODER.encode("Hello world!\r")],
      [...ENCODER.encode("second half")],
      [],
      [...ENCODER.encode("non-ascii é")],
    ]);
    equal(nc.counters.get("EventReceivedCount"), 4);
    equal(nc.counters.get("EventAcceptedCount"), 4);
    ok(nc.log.messages("info").includes(`Listening on 127.0.0.1:${nc.port}`));
  } finally {
    conn.close();
    await nc.close();
  }
});

Deno.test("netcat source with ack-every-event = false answers nothing and still delivers", async () => {
  const nc = await startNetcat({ "ack-every-event": "false" });
  const conn = await nc.connect();
  try {
    await send(conn, "a\nb\n");
    await eventually(() => nc.counters.get("EventAcceptedCount") === 2, "two lines accepted");
    await conn.closeWrite();
    equal(await readText(conn), "", "no answer before the source closed the connection");
    deepStrictEqual((await drainChannel(nc.channel)).map((e) => DECODER.decode(e.body)), [
      "a",
      "b",
    ]);
  } finally {
    conn.close();
    await nc.close();
  }
});

Deno.test("netcat source refuses a line longer than max-line-length (newline included) and closes", async () => {
  const nc = await startNetcat({ "max-line-length": "8" });
  const conn = await nc.connect();
  try {
    await send(conn, "1234567\n12345678\nnever\n");
    equal(
      await readText(conn),
      "OK\nFAILED: Event exceeds the maximum length (8 chars, including newline)\n",
      "the 7-byte line fits with its newline; the 8-byte one does not; then EOF",
    );
    deepStrictEqual((await drainChannel(nc.channel)).map((e) => DECODER.decode(e.body)), [
      "1234567",
    ]);
    equal(nc.counters.get("EventReadFail"), 1);
  } finally {
    conn.close();
    await nc.close();
  }
});

Deno.test("netcat source refuses a line that grows past max-line-length over several writes", async () => {
  const nc = await startNetcat({ "max-line-length": "4" });
  const conn = await nc.connect();
  try {
    await send(conn, "ab");
    await send(conn, "cd");
    equal(
      await readText(conn),
      "FAILED: Event exceeds the maximum length (4 chars, including newline)\n",
    );
    equal(nc.channel.size(), 0);
  } finally {
    conn.close();
    await nc.close();
  }
});

Deno.test("netcat source under a full channel holds the OKs back until lines are accepted and loses none", async () => {
  const total = 200;
  const nc = await startNetcat({}, { capacity: 5, transactionCapacity: 5 });
  const conn = await nc.connect();
  let oks = 0;
  const reading = (async (): Promise<void> => {
    const buffer = new Uint8Array(1024);
    while (oks < total) {
      const n = await conn.read(buffer);
      if (n === null) return;
      for (let i = 0; i < n; i++) if (buffer[i] === 0x0a) oks++;
    }
  })();
  try {
    const lines = Array.from({ length: total }, (_, i) => `line ${i}\n`).join("");
    const writing = send(conn, lines);
    await eventually(() => nc.channel.size() === 5, "the channel filled up");
    await eventually(() => nc.counters.get("ChannelWriteFail") > 0, "a put refused for room");
    ok(oks <= 5, `no OK before its line was accepted (${oks} OKs, 5 events in the channel)`);
    const seen: string[] = [];
    while (seen.length < total) {
      seen.push(...(await drainChannel(nc.channel)).map((e) => DECODER.decode(e.body)));
      ok(oks <= seen.length + nc.channel.size(), "an OK only for an accepted line");
      await new Promise((resolve) => setTimeout(resolve, 10)); // the sink's pace
    }
    await writing;
    await reading;
    deepStrictEqual(seen, Array.from({ length: total }, (_, i) => `line ${i}`), "all, in order");
    equal(oks, total);
    equal(nc.counters.get("EventDroppedCount"), 0);
    equal(nc.counters.get("EventAcceptedCount"), total);
  } finally {
    conn.close();
    await reading.catch(() => {});
    await nc.close();
  }
});

Deno.test("netcat source counts open connections and closes them at stop", async () => {
  const nc = await startNetcat();
  const a = await nc.connect();
  const b = await nc.connect();
  try {
    await eventually(() => nc.counters.get("OpenConnectionCount") === 2, "two connections");
    a.close();
    await eventually(() => nc.counters.get("OpenConnectionCount") === 1, "one left");
    await nc.close();
    equal(await readText(b), "", "the client sees the connection end");
    equal(nc.counters.get("OpenConnectionCount"), 0);
  } finally {
    b.close();
  }
});

Deno.test("LineReader splits on \\n, keeps \\r and holds a partial line for the next chunk", () => {
  const reader = new LineReader(6);
  const text = (lines: Uint8Array[]): string[] => lines.map((l) => DECODER.decode(l));
  deepStrictEqual(text(reader.push(ENCODER.encode("ab\r\ncd")).lines), ["ab\r"]);
  equal(reader.pending, 2);
  deepStrictEqual(text(reader.push(ENCODER.encode("e\n\n")).lines), ["cde", ""]);
  const long = reader.push(ENCODER.encode("ok\n123456\n"));
  deepStrictEqual(text(long.lines), ["ok"], "the lines before the long one still count");
  equal(long.overflow, true);
  deepStrictEqual(reader.push(ENCODER.encode("12345\n")).overflow, false, "5 bytes + newline fit");
});

Deno.test("netcat source stopped while its channel is full counts what it could not deliver", async () => {
  const nc = await startNetcat({}, { capacity: 1, transactionCapacity: 1 });
  const conn = await nc.connect();
  try {
    await send(conn, "a\nb\nc\n");
    equal(await readText(conn, 3), "OK\n", "the line that fit");
    await eventually(() => nc.counters.get("ChannelWriteFail") > 0, "a put refused for room");
    await nc.close();
    await eventually(() => nc.counters.get("EventReceivedCount") === 3, "every line read counted");
    equal(nc.counters.get("EventAcceptedCount"), 1);
    equal(nc.counters.get("EventDroppedCount"), 2, "the two lines never accepted are counted");
    deepStrictEqual((await drainChannel(nc.channel)).map((e) => DECODER.decode(e.body)), ["a"]);
  } finally {
    conn.close();
  }
});

Deno.test("netcat source says plainly that its port is in use", async () => {
  const holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const { port } = holder.addr as Deno.NetAddr;
    const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
      capacity: 10,
      transactionCapacity: 10,
    }, SYSTEM_CLOCK);
    const source = sourceFrom("netcat", { bind: "127.0.0.1", port: String(port) }, [channel]);
    await rejects(source.start(), {
      message: `Cannot listen on 127.0.0.1:${port}: the port is already in use ` +
        `(pick another, or 0 for any free one)`,
    });
    await source.stop();
  } finally {
    holder.close();
  }
});
