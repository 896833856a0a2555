/**
 * The Avro IPC pieces flume-ws's avro source and sink share (src/avro/):
 * the protocol's MD5 as Flume's Java computes it, Netty's framing, the
 * call encoding, the handshake answers, and the ipFilter rules.
 *
 * @module
 */
import { deepStrictEqual, equal, match, ok, throws } from "node:assert/strict";
import {
  AvroReader,
  encodeEvents,
  encodeRequest,
  encodeResponse,
  readCallHeader,
  readEvents,
  readHandshakeRequest,
  readHandshakeResponse,
  readResult,
} from "../../src/avro/call.ts";
import { encodeFrame, FrameDecoder, FrameError } from "../../src/avro/netty_frame.ts";
import { type AvroFlumeEvent, PROTOCOL_MD5, PROTOCOL_TEXT } from "../../src/avro/protocol.ts";
import {
  type ClientIdentity,
  ipAllowed,
  parseIpFilterRules,
} from "../../src/sources/avro/ip_filter.ts";
import { answerHandshake } from "../../src/sources/avro/responder.ts";

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

Deno.test("the protocol's MD5 is the one Flume 1.11's AvroSourceProtocol.PROTOCOL.getMD5() answers", () => {
  // Printed by Java: org.apache.flume.source.avro.AvroSourceProtocol.PROTOCOL.getMD5().
  equal(hex(PROTOCOL_MD5), "86aadae2c45474c0fe93ffd0f2350a65");
  match(
    PROTOCOL_TEXT,
    /^\{"protocol":"AvroSourceProtocol","namespace":"org\.apache\.flume\.source\.avro"/,
  );
});

Deno.test("Netty frames: serial, buffer count, then length-prefixed buffers, read across any split", () => {
  const frame = encodeFrame(7, new Uint8Array([1, 2, 3]));
  deepStrictEqual([...frame], [0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 3, 1, 2, 3]);
  // Two buffers in one frame (as Java writes 8 KiB chunks), then a second frame, byte by byte.
  const two = new Uint8Array([0, 0, 0, 9, 0, 0, 0, 2, 0, 0, 0, 1, 10, 0, 0, 0, 2, 11, 12]);
  const bytes = new Uint8Array([...two, ...frame]);
  const decoder = new FrameDecoder();
  const frames = [];
  for (const byte of bytes) frames.push(...decoder.push(new Uint8Array([byte])));
  deepStrictEqual(frames.map((f) => [f.serial, [...f.payload]]), [[9, [10, 11, 12]], [7, [
    1,
    2,
    3,
  ]]]);
  equal(decoder.pending, 0);
});

Deno.test("Netty frames: a negative length or a frame beyond the limit is refused", () => {
  throws(
    () => new FrameDecoder().push(new Uint8Array([0, 0, 0, 1, 255, 255, 255, 255])),
    FrameError,
  );
  const big = new Uint8Array([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 4, 0]);
  throws(() => new FrameDecoder({ maxFrameBytes: 1000 }).push(big), /more than 1000 bytes/);
});

Deno.test("a call round-trips: handshake, message name, events; and a response's status", () => {
  const events: AvroFlumeEvent[] = [
    { headers: { a: "1", "ü": "✓" }, body: new Uint8Array([0, 255]) },
    { headers: {}, body: new Uint8Array(0) },
  ];
  const payload = encodeRequest({
    handshake: {
      clientHash: PROTOCOL_MD5,
      clientProtocol: null,
      serverHash: PROTOCOL_MD5,
      meta: null,
    },
    message: "appendBatch",
    params: encodeEvents(events),
  });
  const reader = new AvroReader(payload);
  const handshake = readHandshakeRequest(reader);
  equal(hex(handshake.clientHash), hex(PROTOCOL_MD5));
  equal(handshake.clientProtocol, null);
  equal(readCallHeader(reader), "appendBatch");
  deepStrictEqual(readEvents(reader, true), events);
  ok(reader.done);

  const response = new AvroReader(encodeResponse(answerHandshake(handshake), { status: "FAILED" }));
  equal(readHandshakeResponse(response).match, "BOTH");
  deepStrictEqual(readResult(response), { status: "FAILED" });
  deepStrictEqual(
    readResult(new AvroReader(encodeResponse(undefined, { error: "No message named x" }))),
    { error: "No message named x" },
  );
});

Deno.test("the handshake: NONE for an unknown hash without protocol, CLIENT when our hash was not guessed", () => {
  const other = new Uint8Array(16).fill(1);
  const none = answerHandshake({
    clientHash: other,
    clientProtocol: null,
    serverHash: other,
    meta: null,
  });
  equal(none.match, "NONE");
  equal(none.serverProtocol, PROTOCOL_TEXT);
  deepStrictEqual(none.serverHash, PROTOCOL_MD5);
  // Another Flume version's text of the protocol (another doc) is accepted.
  const otherText = JSON.stringify({ ...JSON.parse(PROTOCOL_TEXT), doc: "older" });
  const client = answerHandshake({
    clientHash: other,
    clientProtocol: otherText,
    serverHash: other,
    meta: null,
  });
  equal(client.match, "CLIENT");
  equal(client.serverProtocol, PROTOCOL_TEXT);
  equal(
    answerHandshake({
      clientHash: other,
      clientProtocol: "{}",
      serverHash: PROTOCOL_MD5,
      meta: null,
    })
      .match,
    "NONE",
  );
});

Deno.test("ipFilterRules: the first matching rule decides, no match accepts", async () => {
  const client = (address: string, name = address): ClientIdentity => ({
    address,
    localAddresses: ["10.1.2.3"],
    hostName: () => Promise.resolve(name),
  });
  const rules = parseIpFilterRules("allow:ip:127.*, deny:ip:10.0.?.1,allow:name:*.example.com");
  equal(await ipAllowed(rules, client("127.0.0.1")), true);
  equal(await ipAllowed(rules, client("10.0.5.1")), false);
  equal(await ipAllowed(rules, client("10.0.55.1")), true, "? is one character");
  equal(await ipAllowed(rules, client("192.168.1.1", "db.example.com")), true);
  equal(await ipAllowed(rules, client("::ffff:127.0.0.1")), true, "IPv4-mapped IPv6");
  // The guide's examples.
  const local = parseIpFilterRules("allow:name:localhost,deny:ip:*");
  equal(await ipAllowed(local, client("127.0.0.1")), true);
  equal(await ipAllowed(local, client("10.1.2.3")), true, "this machine's own address");
  equal(await ipAllowed(local, client("192.168.1.1")), false);
  const notLocal = parseIpFilterRules("deny:name:localhost,allow:ip:*");
  equal(await ipAllowed(notLocal, client("127.0.0.1")), false);
  equal(await ipAllowed(notLocal, client("192.168.1.1")), true);
});

Deno.test("ipFilterRules: a rule not shaped allow|deny:ip|name:PATTERN is refused", () => {
  for (const bad of ["allow:127.*", "permit:ip:127.*", "allow:host:x", "deny:ip:"]) {
    throws(() => parseIpFilterRules(bad), /Invalid ipFilter rule/, bad);
  }
});

Deno.test("a frame of many buffers, empty ones among them, decodes from reads of any size", () => {
  // Java's NettyTransceiver splits a frame into 8 KiB buffers; a peer may send empty ones.
  const lengths = Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? 0 : 1 + (i % 300)));
  const size = 8 + lengths.reduce((n, l) => n + 4 + l, 0);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, 42);
  view.setInt32(4, lengths.length);
  const expected: number[] = [];
  let at = 8;
  for (const [i, length] of lengths.entries()) {
    view.setInt32(at, length);
    for (let j = 0; j < length; j++) {
      bytes[at + 4 + j] = (i + j) & 0xff;
      expected.push((i + j) & 0xff);
    }
    at += 4 + length;
  }
  for (const step of [1, 3, 4096, 65536]) {
    const decoder = new FrameDecoder();
    const frames = [];
    for (let from = 0; from < bytes.length; from += step) {
      frames.push(...decoder.push(bytes.subarray(from, from + step)));
    }
    equal(frames.length, 1, `step ${step}`);
    equal(frames[0].serial, 42);
    deepStrictEqual([...frames[0].payload], expected, `step ${step}`);
    equal(decoder.pending, 0);
  }
});
