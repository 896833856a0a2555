import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import { type Clock, SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import type { RunningSource } from "../../src/core/components.ts";
import { BLOB_HANDLER, type HttpSource } from "../../src/sources/http/mod.ts";
import { group, sourceFrom } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { RecordingLog } from "../support/recording_log.ts";
import { drainChannel } from "../support/websocket_harness.ts";

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/** A started http source `w1` on 127.0.0.1 (a free port) writing to one memory channel. */
export interface HttpHarness {
  readonly source: RunningSource;
  readonly channel: MemoryChannel;
  readonly counters: CounterGroup<string>;
  readonly log: RecordingLog;
  /** `http://127.0.0.1:PORT` (or https). */
  readonly origin: string;
  close(): Promise<void>;
}

async function startHttp(
  props: Record<string, string> = {},
  channelSize = { capacity: 1000, transactionCapacity: 100 },
  clock: Clock = SYSTEM_CLOCK,
): Promise<HttpHarness> {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    ...channelSize,
    keepAlive: 0,
  }, SYSTEM_CLOCK);
  const log = new RecordingLog();
  const registry = new CounterRegistry();
  const source = sourceFrom("http", { bind: "127.0.0.1", port: "0", ...props }, [channel], {
    log,
    counters: registry,
    clock,
  });
  await source.start();
  const port = (source.source as HttpSource).boundPort();
  const scheme = props.ssl === "true" ? "https" : "http";
  return {
    source,
    channel,
    counters: group(registry, "SOURCE.w1"),
    log,
    origin: `${scheme}://127.0.0.1:${port}`,
    close: async () => void await source.stop(),
  };
}

/** POSTs `body` and returns the status and the response text. */
async function post(
  url: string,
  body: string | Uint8Array<ArrayBuffer>,
  contentType = "application/json",
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": contentType },
  });
  return { status: response.status, text: await response.text() };
}

function events(n: number, from = 0): string {
  return JSON.stringify(
    Array.from(
      { length: n },
      (_, i) => ({ headers: { n: String(from + i) }, body: `e${from + i}` }),
    ),
  );
}

Deno.test("http source puts a JSON array's events with their headers and bodies, answering 200", async () => {
  const h = await startHttp();
  try {
    const body = JSON.stringify([
      { headers: { timestamp: "434324343", host: "random_host.example.com" }, body: "random_body" },
      { headers: { namenode: "nn", number: 7, flag: true }, body: "really_random_body" },
      { body: "no headers" },
      { headers: { h: "no body" } },
    ]);
    const { status } = await post(`${h.origin}/`, body);
    equal(status, 200);
    const got = await drainChannel(h.channel);
    deepStrictEqual(got.map((e) => e.headers), [
      { timestamp: "434324343", host: "random_host.example.com" },
      { namenode: "nn", number: "7", flag: "true" },
      {},
      { h: "no body" },
    ]);
    deepStrictEqual(got.map((e) => DECODER.decode(e.body)), [
      "random_body",
      "really_random_body",
      "no headers",
      "",
    ]);
    equal(h.counters.get("AppendBatchReceivedCount"), 1);
    equal(h.counters.get("AppendBatchAcceptedCount"), 1);
    equal(h.counters.get("EventReceivedCount"), 4);
    equal(h.counters.get("EventAcceptedCount"), 4);
    ok(h.log.messages("info").includes(`Listening on ${h.origin.slice("http://".length)}`));
  } finally {
    await h.close();
  }
});

Deno.test("http source puts a request in one transaction: a batch the channel has no room for gets 503 and none of it lands", async () => {
  const h = await startHttp({}, { capacity: 5, transactionCapacity: 5 });
  try {
    equal((await post(h.origin, events(3))).status, 200);
    const refused = await post(h.origin, events(3, 3));
    equal(refused.status, 503, "3 events, room for 2");
    match(refused.text, /Channel might be full/);
    equal(h.channel.size(), 3, "nothing of the refused request landed");
    equal((await post(h.origin, events(6, 10))).status, 503, "more than transactionCapacity");
    equal(h.counters.get("ChannelWriteFail"), 2);
    deepStrictEqual((await drainChannel(h.channel)).map((e) => e.headers.n), ["0", "1", "2"]);
    equal((await post(h.origin, events(3, 3))).status, 200, "the client's retry, once drained");
    deepStrictEqual((await drainChannel(h.channel)).map((e) => e.headers.n), ["3", "4", "5"]);
    equal(h.counters.get("EventAcceptedCount"), 6);
    equal(h.counters.get("EventDroppedCount"), 0, "refused, not dropped: the client has them");
  } finally {
    await h.close();
  }
});

Deno.test("http source answers 400 to a body the JSON handler cannot read, and puts nothing", async (t) => {
  const h = await startHttp();
  const cases: [string, string | Uint8Array<ArrayBuffer>, string?][] = [
    ["not JSON", "[{"],
    ["an empty body", ""],
    ["not an array", `{"headers": {}, "body": "x"}`],
    ["an element that is not an object", `[{"body": "ok"}, "text"]`],
    ["headers that are not an object", `[{"headers": ["a"], "body": "x"}]`],
    ["a header value that is an object", `[{"headers": {"a": {}}, "body": "x"}]`],
    ["a body that is an object", `[{"body": {"nested": 1}}]`],
    ["an unsupported charset", `[]`, "application/json; charset=ISO-8859-1"],
    ["bytes that are not UTF-8", new Uint8Array([0x5b, 0x22, 0xff, 0x22, 0x5d])],
  ];
  try {
    for (const [name, body, type] of cases) {
      await t.step(name, async () => {
        const { status, text } = await post(h.origin, body, type);
        equal(status, 400);
        match(text, /^Bad request from client\. /);
      });
    }
    equal(h.channel.size(), 0);
    equal(h.counters.get("EventReadFail"), cases.length);
  } finally {
    await h.close();
  }
});

Deno.test("http source reads UTF-16 and UTF-32 requests and encodes bodies in the request's charset, as Flume", async () => {
  const h = await startHttp();
  try {
    const json = `[{"headers": {"k": "vé"}, "body": "hé"}]`;
    const utf16 = new Uint8Array(2 + json.length * 2);
    utf16.set([0xfe, 0xff]);
    for (let i = 0; i < json.length; i++) {
      utf16[2 + 2 * i] = json.charCodeAt(i) >> 8;
      utf16[3 + 2 * i] = json.charCodeAt(i) & 0xff;
    }
    equal((await post(h.origin, utf16, "application/json; charset=UTF-16")).status, 200);
    const utf32 = new Uint8Array(json.length * 4);
    for (let i = 0; i < json.length; i++) {
      new DataView(utf32.buffer).setUint32(i * 4, json.codePointAt(i) ?? 0);
    }
    equal((await post(h.origin, utf32, "application/json; charset=utf-32")).status, 200);
    const [a, b] = await drainChannel(h.channel);
    deepStrictEqual(a.headers, { k: "vé" });
    deepStrictEqual([...a.body], [0xfe, 0xff, 0x00, 0x68, 0x00, 0xe9], "Java's UTF-16: BOM, BE");
    deepStrictEqual(b.headers, { k: "vé" });
    deepStrictEqual([...b.body], [0, 0, 0, 0x68, 0, 0, 0, 0xe9], "Java's UTF-32: BE, no BOM");
  } finally {
    await h.close();
  }
});

Deno.test("http source with the BlobHandler: the body as it came, the query parameters as headers", async () => {
  const h = await startHttp({ handler: BLOB_HANDLER });
  try {
    const blob = new Uint8Array([0, 1, 2, 0xff, 0x0a, 0x0d]);
    const { status } = await post(`${h.origin}/any/path?name=a&k=v&name=b`, blob, "image/png");
    equal(status, 200);
    const response = await fetch(`${h.origin}/?via=get`);
    await response.body?.cancel();
    equal(response.status, 200, "GET works as POST does (Flume's doGet), for experiments");
    const [posted, got] = await drainChannel(h.channel);
    deepStrictEqual(posted.headers, { name: "b", k: "v" }, "the last value of a repeated one");
    deepStrictEqual([...posted.body], [...blob]);
    deepStrictEqual(got.headers, { via: "get" });
    equal(got.body.length, 0);
  } finally {
    await h.close();
  }
});

Deno.test("http source's BlobHandler truncates a body longer than handler.maxBlobLength, with a warning", async () => {
  const h = await startHttp({ handler: "blob", "handler.maxBlobLength": "4" });
  try {
    equal((await post(h.origin, "0123456789", "text/plain")).status, 200);
    equal((await post(h.origin, "abcd", "text/plain")).status, 200);
    deepStrictEqual((await drainChannel(h.channel)).map((e) => DECODER.decode(e.body)), [
      "0123",
      "abcd",
    ]);
    equal(
      h.log.messages("warn").filter((m) => /exceeds handler\.maxBlobLength \(4 bytes\)/.test(m))
        .length,
      1,
      "only the longer body is warned about",
    );
  } finally {
    await h.close();
  }
});

Deno.test("http source answers 405 to PUT and DELETE, 403 to OPTIONS and TRACE, and puts nothing", async () => {
  const h = await startHttp({ handler: "blob" });
  try {
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const response = await fetch(h.origin, { method, body: "x" });
      await response.body?.cancel();
      equal(response.status, 405, method);
      equal(response.headers.get("allow"), "GET, POST");
    }
    const options = await fetch(h.origin, { method: "OPTIONS" });
    await options.body?.cancel();
    equal(options.status, 403);
    // fetch refuses TRACE: a raw request.
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: Number(new URL(h.origin).port),
    });
    try {
      await conn.write(ENCODER.encode("TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
      const buffer = new Uint8Array(1024);
      const n = await conn.read(buffer);
      match(DECODER.decode(buffer.subarray(0, n ?? 0)), /^HTTP\/1\.1 403 /);
    } finally {
      conn.close();
    }
    equal(h.channel.size(), 0);
  } finally {
    await h.close();
  }
});

Deno.test("http source's concurrent requests that fit only one at a time: one lands whole, the other gets 503", async () => {
  const h = await startHttp({}, { capacity: 5, transactionCapacity: 5 });
  try {
    const answers = await Promise.all([
      post(h.origin, events(3, 0)),
      post(h.origin, events(3, 10)),
    ]);
    deepStrictEqual(answers.map((a) => a.status).sort(), [200, 503]);
    const landed = (await drainChannel(h.channel)).map((e) => Number(e.headers.n));
    const first = answers[0].status === 200 ? 0 : 10;
    deepStrictEqual(landed, [first, first + 1, first + 2], "exactly the accepted request, whole");
  } finally {
    await h.close();
  }
});

Deno.test("http source says plainly that its port is in use", async () => {
  const holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const { port } = holder.addr as Deno.NetAddr;
    const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
      capacity: 10,
      transactionCapacity: 10,
    }, SYSTEM_CLOCK);
    const source = sourceFrom("http", { bind: "127.0.0.1", port: String(port) }, [channel]);
    await rejects(source.start(), {
      message: `Cannot listen on 127.0.0.1:${port}: the port is already in use ` +
        `(pick another, or 0 for any free one)`,
    });
    await source.stop();
  } finally {
    holder.close();
  }
});

Deno.test("http source warns about 503 answers at once, then at most once per 10 seconds", async () => {
  const clock = new FakeClock();
  const h = await startHttp({}, { capacity: 1, transactionCapacity: 1 }, clock);
  const warnings = (): string[] => h.log.messages("warn").filter((m) => /answered 503/.test(m));
  const advice = "Consider increasing the channel capacity or make sure the sinks perform faster";
  try {
    for (let i = 0; i < 5; i++) equal((await post(h.origin, events(2))).status, 503);
    deepStrictEqual(warnings(), [
      `Channel could not take a request's 2 event(s) now: answered 503. ${advice}`,
    ]);
    clock.advance(10_000);
    equal((await post(h.origin, events(2))).status, 503);
    deepStrictEqual(warnings().slice(1), [
      `Channel could not take 5 requests now: answered 503. ${advice}`,
    ]);
    equal(h.counters.get("ChannelWriteFail"), 6, "every refusal is counted");
  } finally {
    await h.close();
  }
});
