import { deepStrictEqual, equal, throws } from "node:assert/strict";
import {
  ClientFrameDecoder,
  closeFrame,
  FrameError,
  MAX_FRAGMENTS,
  OPCODE,
  serverFrame,
} from "../../src/sources/websocket_server/client_frames.ts";

const ENCODER = new TextEncoder();
const MASK = [0x37, 0xfa, 0x21, 0x3d];

/** A masked client frame; `fin` false for a fragment. */
function clientFrame(opcode: number, payload: Uint8Array | string, fin = true): Uint8Array {
  const bytes = typeof payload === "string" ? ENCODER.encode(payload) : payload;
  const n = bytes.length;
  const size = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const out = new Uint8Array(size + 4 + n);
  out[0] = (fin ? 0x80 : 0) | opcode;
  if (size === 2) out[1] = 0x80 | n;
  else if (size === 4) [out[1], out[2], out[3]] = [0x80 | 126, n >>> 8, n & 0xff];
  else {
    out[1] = 0x80 | 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(MASK, size);
  for (let i = 0; i < n; i++) out[size + 4 + i] = bytes[i] ^ MASK[i & 3];
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

Deno.test("client frame decoder reads messages split anywhere across chunks, byte by byte too", () => {
  const big = "x".repeat(70_000); // a 64-bit length
  const stream = concat(
    clientFrame(OPCODE.text, "hello"),
    clientFrame(OPCODE.binary, new Uint8Array([1, 2, 3])),
    clientFrame(OPCODE.text, "a".repeat(300)), // a 16-bit length
    clientFrame(OPCODE.text, big),
  );
  for (const step of [1, 7, 4096, stream.length]) {
    const decoder = new ClientFrameDecoder(100_000);
    const out = [];
    for (let at = 0; at < stream.length; at += step) {
      out.push(...decoder.push(stream.slice(at, at + step)));
    }
    deepStrictEqual(out.map((m) => m.kind), ["text", "binary", "text", "text"], `step ${step}`);
    deepStrictEqual(out[0], { kind: "text", text: "hello", bytes: 5 });
    deepStrictEqual(out[1], { kind: "binary", data: new Uint8Array([1, 2, 3]) });
    equal(out[3].kind === "text" && out[3].text, big);
  }
});

Deno.test("client frame decoder joins fragments, with a ping between them", () => {
  const decoder = new ClientFrameDecoder(100);
  const out = decoder.push(concat(
    clientFrame(OPCODE.text, "é", false).slice(0, 7), // "é" is 2 bytes: split inside the character
  ));
  deepStrictEqual(out, []);
  const rest = concat(
    clientFrame(OPCODE.text, "é", false).slice(7),
    clientFrame(OPCODE.ping, "p"),
    clientFrame(OPCODE.continuation, " ok"),
  );
  deepStrictEqual(decoder.push(rest), [
    { kind: "ping", payload: ENCODER.encode("p") },
    { kind: "text", text: "é ok", bytes: 5 },
  ]);
});

Deno.test("client frame decoder enforces the message limit over all fragments", () => {
  const decoder = new ClientFrameDecoder(10);
  deepStrictEqual(decoder.push(clientFrame(OPCODE.binary, new Uint8Array(6), false)), []);
  throws(
    () => decoder.push(clientFrame(OPCODE.continuation, new Uint8Array(6))),
    (e: unknown) => e instanceof FrameError && e.code === 1009,
  );
  deepStrictEqual(decoder.push(clientFrame(OPCODE.text, "after")), [], "nothing after an error");
});

Deno.test("client frame decoder holds nothing for empty fragments and caps a message's fragments", () => {
  const decoder = new ClientFrameDecoder(1_000_000);
  const empty = clientFrame(OPCODE.continuation, new Uint8Array(0), false);
  deepStrictEqual(decoder.push(clientFrame(OPCODE.text, "a", false)), []);
  for (let i = 0; i < 20_000; i++) deepStrictEqual(decoder.push(empty), []);
  equal(decoder.buffered, 1, "20,000 empty fragments hold no memory");
  deepStrictEqual(decoder.push(clientFrame(OPCODE.continuation, "b")), [
    { kind: "text", text: "ab", bytes: 2 },
  ]);
  const tiny = clientFrame(OPCODE.continuation, "x", false);
  decoder.push(clientFrame(OPCODE.text, "x", false));
  throws(
    () => {
      for (let i = 0; i < MAX_FRAGMENTS; i++) decoder.push(tiny);
    },
    (e: unknown) => e instanceof FrameError && e.code === 1009 && /fragments/.test(e.message),
  );
});

Deno.test("client frame decoder refuses what RFC 6455 forbids a client", async (t) => {
  const cases: [string, Uint8Array, number][] = [
    ["an unmasked frame", new Uint8Array([0x81, 0x01, 0x61]), 1002],
    ["RSV1 set", new Uint8Array([0xc1, 0x80, 0, 0, 0, 0]), 1002],
    ["a reserved opcode", new Uint8Array([0x83, 0x80, 0, 0, 0, 0]), 1002],
    ["a fragmented ping", clientFrame(OPCODE.ping, "p", false), 1002],
    ["a continuation first", clientFrame(OPCODE.continuation, "x"), 1002],
    ["invalid UTF-8", clientFrame(OPCODE.text, new Uint8Array([0xc3, 0x28])), 1007],
    ["close code 1005", clientFrame(OPCODE.close, new Uint8Array([0x03, 0xed])), 1002],
  ];
  for (const [what, bytes, code] of cases) {
    await t.step(what, () => {
      const hello = clientFrame(OPCODE.text, "first");
      try {
        new ClientFrameDecoder(1000).push(concat(hello, bytes));
        throw new Error("no error");
      } catch (err) {
        if (!(err instanceof FrameError)) throw err;
        equal(err.code, code);
        deepStrictEqual(err.messages, [{ kind: "text", text: "first", bytes: 5 }]);
      }
    });
  }
});

Deno.test("client frame decoder reads a close with its code and reason", () => {
  const payload = concat(new Uint8Array([0x03, 0xe8]), ENCODER.encode("bye"));
  deepStrictEqual(new ClientFrameDecoder(10).push(clientFrame(OPCODE.close, payload)), [
    { kind: "close", code: 1000, reason: "bye" },
  ]);
});

Deno.test("server frames are unmasked, with the right length encoding", () => {
  deepStrictEqual([...serverFrame(OPCODE.pong, ENCODER.encode("hi"))], [0x8a, 2, 0x68, 0x69]);
  deepStrictEqual([...serverFrame(OPCODE.text, new Uint8Array(300)).slice(0, 4)], [
    0x81,
    126,
    1,
    44,
  ]);
  deepStrictEqual([...closeFrame(1009, "big")], [0x88, 5, 0x03, 0xf1, 0x62, 0x69, 0x67]);
});
