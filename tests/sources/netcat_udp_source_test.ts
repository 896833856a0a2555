import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { Buffer } from "node:buffer";
import dgram from "node:dgram";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import type { Event } from "../../src/api/event.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import type { NetcatUdpSource } from "../../src/sources/netcat/mod.ts";
import { group, sourceFrom } from "../support/components.ts";
import { RecordingLog } from "../support/recording_log.ts";
import { drainChannel, eventually } from "../support/websocket_harness.ts";

const DECODER = new TextDecoder();

/** Sends each datagram from one client socket; resolves with the client's port. */
async function sendDatagrams(port: number, datagrams: readonly Uint8Array[]): Promise<number> {
  const client = dgram.createSocket("udp4");
  try {
    await new Promise<void>((resolve) => client.bind(0, "127.0.0.1", resolve));
    for (const datagram of datagrams) {
      await new Promise<void>((resolve, reject) =>
        client.send(
          Buffer.from(datagram),
          port,
          "127.0.0.1",
          (err) => err ? reject(err) : resolve(),
        )
      );
    }
    return client.address().port;
  } finally {
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }
}

async function receive(
  props: Record<string, string>,
  datagrams: readonly string[],
): Promise<{ events: Event[]; clientPort: number; log: RecordingLog }> {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    capacity: 100,
    transactionCapacity: 100,
    keepAlive: 0,
  }, SYSTEM_CLOCK);
  const log = new RecordingLog();
  const counters = new CounterRegistry();
  const source = sourceFrom("netcatudp", { bind: "127.0.0.1", port: "0", ...props }, [channel], {
    log,
    counters,
  });
  await source.start();
  try {
    const port = (source.source as NetcatUdpSource).boundPort();
    ok(port > 0, "a port was picked");
    const encoder = new TextEncoder();
    const clientPort = await sendDatagrams(port, datagrams.map((d) => encoder.encode(d)));
    const accepted = group(counters, "SOURCE.w1");
    await eventually(
      () => accepted.get("EventAcceptedCount") === datagrams.length,
      "every datagram accepted",
    );
    ok(log.messages("info").includes(`Listening on 127.0.0.1:${port} (udp)`));
    return { events: await drainChannel(channel), clientPort, log };
  } finally {
    await source.stop();
  }
}

Deno.test("netcatudp source makes each datagram one event: its bytes up to the first newline", async () => {
  const { events } = await receive({}, ["hello", "two\nlines\n", "crlf\r\n", ""]);
  deepStrictEqual(events.map((e) => DECODER.decode(e.body)), ["hello", "two", "crlf\r", ""]);
  deepStrictEqual(events.map((e) => e.headers), [{}, {}, {}, {}], "no header unless configured");
});

Deno.test("netcatudp source puts the sender's address in remoteAddressHeader as Java writes it", async () => {
  const { events, clientPort } = await receive({ remoteAddressHeader: "remote" }, ["x"]);
  deepStrictEqual(events.map((e) => e.headers), [{ remote: `/127.0.0.1:${clientPort}` }]);
});

Deno.test("netcatudp source also reads remoteAddress, the name Flume's code reads", async () => {
  const { events, clientPort } = await receive({ remoteAddress: "from" }, ["y"]);
  equal(events[0].headers.from, `/127.0.0.1:${clientPort}`);
});
