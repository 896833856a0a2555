import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { eventText } from "../../src/api/event.ts";
import { isSettled } from "../support/async.ts";
import { drainChannel, eventually } from "../support/websocket_harness.ts";
import { startServer, upgradeLines } from "./websocket_server_support.ts";

/** Each message: 64 KiB of text. */
const MESSAGE = 64 * 1024;
/** Per client: 48 MiB, more than the kernel can buffer for one connection here. */
const MESSAGES = 768;
const ENCODER = new TextEncoder();

/** Resolves after `ms` of real time: the time in which nothing may happen, not a wait for a state. */
function pace(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A masked (all-zero key) text frame of MESSAGE bytes starting with `label`. */
function frame(label: string): Uint8Array {
  const payload = ENCODER.encode(label.padEnd(MESSAGE, "x"));
  const out = new Uint8Array(14 + MESSAGE);
  out.set([0x81, 0xff, 0, 0, 0, 0, 0, MESSAGE >>> 16, (MESSAGE >>> 8) & 0xff, 0, 0, 0, 0, 0]);
  out.set(payload, 14);
  return out;
}

/** A raw client that writes MESSAGES frames as fast as TCP lets it, counting bytes written. */
async function floodingClient(port: number, name: string): Promise<{
  done: Promise<void>;
  written: () => number;
  conn: Deno.Conn;
}> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(ENCODER.encode(upgradeLines("/").join("\r\n") + "\r\n\r\n"));
  const head = new Uint8Array(1024);
  await conn.read(head); // the 101 (the server sends nothing else)
  let written = 0;
  const done = (async (): Promise<void> => {
    for (let i = 0; i < MESSAGES; i++) {
      const bytes = frame(`${name}:${i}:`);
      for (let at = 0; at < bytes.length;) {
        const n = await conn.write(bytes.subarray(at));
        at += n;
        written += n;
      }
    }
  })();
  return { done, written: () => written, conn };
}

Deno.test("websocket_server with full channels stops reading every client: their sends stall, nothing is dropped, all arrives in order once drained", async () => {
  const h = await startServer({ backlogCapacity: "5" }, { capacity: 10, transactionCapacity: 10 });
  const clients = [await floodingClient(h.port, "a"), await floodingClient(h.port, "b")];
  try {
    await eventually(() => h.channel.size() === 10 && h.source.sender.paused, "channel full");
    // The kernel's buffers fill first (they grow to several MiB); then the writes stop.
    await eventually(
      async () => {
        const before = clients.map((c) => c.written());
        await pace(1000);
        return clients.every((c, i) => c.written() === before[i]);
      },
      "the clients' writes to stall",
      60_000,
    );
    for (const c of clients) {
      ok(!(await isSettled(c.done)), "a client is still held back");
      ok(c.written() < MESSAGES * (MESSAGE + 14), "TCP held back most of the flood");
    }
    equal(h.counters.get("EventReceivedCount"), 15, "only what the channel and backlog hold");
    equal(h.counters.get("EventDroppedCount"), 0);
    const seen = new Map<string, number[]>([["a", []], ["b", []]]);
    let total = 0;
    while (total < 2 * MESSAGES) {
      for (const e of await drainChannel(h.channel)) {
        const [name, seq] = eventText(e)!.split(":");
        seen.get(name)!.push(Number(seq));
        equal(e.body.length, MESSAGE);
        total++;
      }
      if (total < 2 * MESSAGES) {
        await eventually(() => h.channel.size() > 0, "more events", 60_000);
      }
    }
    await Promise.all(clients.map((c) => c.done));
    const order = Array.from({ length: MESSAGES }, (_, i) => i);
    deepStrictEqual(seen.get("a"), order, "client a in order");
    deepStrictEqual(seen.get("b"), order, "client b in order");
    equal(h.counters.get("EventDroppedCount"), 0, "nothing dropped");
    equal(h.counters.get("EventAcceptedCount"), 2 * MESSAGES);
  } finally {
    for (const c of clients) c.conn.close();
    await Promise.allSettled(clients.map((c) => c.done));
    await h.stop();
  }
});
