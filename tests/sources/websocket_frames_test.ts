/**
 * The frame codec against cases modelled on the Autobahn test suite
 * (https://github.com/crossbario/autobahn-testsuite): each row is what the
 * server sends and what the client must make of it. Every row is also
 * pushed whole, in 997-byte chunks and, when small, one byte at a time.
 *
 * @module
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import {
  encodeClientFrame,
  encodeClose,
  FrameDecoder,
  type Message,
  OPCODE,
  ProtocolError,
} from "../../src/sources/websocket/frames.ts";

const MAX = 16 * 1024 * 1024;

/** How a test frame is built. */
interface FrameOptions {
  /** @default true */
  readonly fin?: boolean;
  /** RSV1..3 as a 3-bit number (4 = RSV1). @default 0 */
  readonly rsv?: number;
  /** Mask the payload, as a server must not. @default false */
  readonly mask?: boolean;
  /** Always use the 64-bit length. @default false */
  readonly length64?: boolean;
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function hex(digits: string): Uint8Array {
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A server frame, as the server would put it on the wire. */
function frame(
  opcode: number,
  payload: Uint8Array | string = "",
  options: FrameOptions = {},
): Uint8Array {
  const body = typeof payload === "string" ? utf8(payload) : payload;
  const n = body.length;
  const size = options.length64 || n > 65535 ? 10 : n > 125 ? 4 : 2;
  const head = new Uint8Array(size + (options.mask ? 4 : 0));
  head[0] = (options.fin === false ? 0 : 0x80) | ((options.rsv ?? 0) << 4) | opcode;
  head[1] = (options.mask ? 0x80 : 0) | (size === 2 ? n : size === 4 ? 126 : 127);
  if (size === 4) new DataView(head.buffer).setUint16(2, n);
  if (size === 10) new DataView(head.buffer).setBigUint64(2, BigInt(n));
  if (!options.mask) return concat(head, body);
  const key = [0x37, 0xfa, 0x21, 0x3d];
  head.set(key, size);
  return concat(head, body.map((b, i) => b ^ key[i & 3]));
}

/** A message cut into frames of at most `size` bytes (at least one frame). */
function fragments(opcode: number, payload: Uint8Array | string, size: number): Uint8Array {
  const body = typeof payload === "string" ? utf8(payload) : payload;
  const frames: Uint8Array[] = [];
  for (let at = 0; at === 0 || at < body.length; at += size) {
    const fin = at + size >= body.length;
    frames.push(
      frame(at === 0 ? opcode : OPCODE.continuation, body.subarray(at, at + size), { fin }),
    );
  }
  return concat(...frames);
}

function closePayload(code: number, reason: Uint8Array | string = ""): Uint8Array {
  return concat(
    Uint8Array.of(code >> 8, code & 0xff),
    typeof reason === "string" ? utf8(reason) : reason,
  );
}

function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
}

const text = (t: string): Message => ({ kind: "text", text: t });
const binary = (data: Uint8Array): Message => ({ kind: "binary", data });
const ping = (payload: Uint8Array | string = ""): Message => ({
  kind: "ping",
  payload: typeof payload === "string" ? utf8(payload) : payload,
});
const pong = (payload: Uint8Array | string = ""): Message => ({
  kind: "pong",
  payload: typeof payload === "string" ? utf8(payload) : payload,
});
const close = (code?: number, reason = ""): Message =>
  code === undefined ? { kind: "close", reason } : { kind: "close", code, reason };

/** What a decoder made of some chunks: the messages, and the error code and chunk if it failed. */
interface Outcome {
  readonly messages: Message[];
  readonly code?: number;
  readonly failedAt?: number;
}

function decode(pieces: readonly Uint8Array[], maxMessageBytes = MAX): Outcome {
  const decoder = new FrameDecoder({ maxMessageBytes });
  const messages: Message[] = [];
  for (const [i, piece] of pieces.entries()) {
    try {
      messages.push(...decoder.push(piece));
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      messages.push(...error.messages);
      deepStrictEqual(decoder.push(Uint8Array.of(0x81, 0)), [], "nothing after an error");
      return { messages, code: error.code, failedAt: i };
    }
  }
  return { messages };
}

/** One Autobahn-style case: what the server sends (one array per write) and what must come of it. */
interface Case {
  readonly id: string;
  readonly sends: Uint8Array | readonly Uint8Array[];
  readonly messages: readonly Message[];
  /** The close code of the ProtocolError expected after the messages. */
  readonly code?: number;
  readonly maxMessageBytes?: number;
}

/** The ProtocolError that `fn` throws. */
function protocolError(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    ok(error instanceof ProtocolError, `expected a ProtocolError, got ${error}`);
    return error;
  }
  throw new Error("Expected a ProtocolError, got none");
}

async function runCases(t: Deno.TestContext, cases: readonly Case[]): Promise<void> {
  for (const c of cases) {
    await t.step(c.id, () => {
      const writes = c.sends instanceof Uint8Array ? [c.sends] : [...c.sends];
      const whole = concat(...writes);
      const expected = { messages: c.messages, code: c.code };
      const splits: [string, Uint8Array[]][] = [
        ["as written", writes],
        ["whole", [whole]],
        ["in 997-byte chunks", chunks(whole, 997)],
      ];
      if (whole.length <= 4096) splits.push(["one byte at a time", chunks(whole, 1)]);
      for (const [how, pieces] of splits) {
        const { messages, code } = decode(pieces, c.maxMessageBytes);
        deepStrictEqual({ messages, code }, expected, how);
      }
    });
  }
}

const star = (n: number): string => "*".repeat(n);
const bytes = (n: number, value = 0xfe): Uint8Array => new Uint8Array(n).fill(value);

Deno.test("decoder frames text and binary messages (Autobahn 1)", async (t) => {
  const lengths = [0, 125, 126, 127, 128, 65535, 65536];
  await runCases(t, [
    ...lengths.map((n, i) => ({
      id: `1.1.${i + 1} text of ${n} bytes`,
      sends: frame(OPCODE.text, star(n)),
      messages: [text(star(n))],
    })),
    ...lengths.map((n, i) => ({
      id: `1.2.${i + 1} binary of ${n} bytes`,
      sends: frame(OPCODE.binary, bytes(n)),
      messages: [binary(bytes(n))],
    })),
    {
      id: "1.1.8 text of 65536 bytes in 997-byte writes",
      sends: chunks(frame(OPCODE.text, star(65536)), 997),
      messages: [text(star(65536))],
    },
    {
      id: "a 64-bit length for a small payload",
      sends: frame(OPCODE.text, "abc", { length64: true }),
      messages: [text("abc")],
    },
    {
      id: "a 64-bit length with the most significant bit set",
      sends: concat(Uint8Array.of(0x82, 127, 0x80), new Uint8Array(7)),
      messages: [],
      code: 1002,
    },
    {
      id: "a masked server frame",
      sends: [frame(OPCODE.text, "Hello"), frame(OPCODE.text, "Hello", { mask: true })],
      messages: [text("Hello")],
      code: 1002,
    },
    {
      id: "many frames in one write",
      sends: concat(...Array.from({ length: 100 }, (_, i) => frame(OPCODE.text, `#${i}`))),
      messages: Array.from({ length: 100 }, (_, i) => text(`#${i}`)),
    },
  ]);
});

Deno.test("decoder returns pings and pongs (Autobahn 2)", async (t) => {
  const tenPings = Array.from({ length: 10 }, (_, i) => frame(OPCODE.ping, `payload-${i}`));
  await runCases(t, [
    { id: "2.1 ping without payload", sends: frame(OPCODE.ping), messages: [ping()] },
    {
      id: "2.2 ping with a text payload",
      sends: frame(OPCODE.ping, "Hello, world!"),
      messages: [ping("Hello, world!")],
    },
    {
      id: "2.3 ping with a binary payload",
      sends: frame(OPCODE.ping, hex("0000fefeffff")),
      messages: [ping(hex("0000fefeffff"))],
    },
    {
      id: "2.4 ping with 125 bytes",
      sends: frame(OPCODE.ping, bytes(125)),
      messages: [ping(bytes(125))],
    },
    {
      id: "2.5 ping with 126 bytes",
      sends: frame(OPCODE.ping, bytes(126)),
      messages: [],
      code: 1002,
    },
    {
      id: "2.6 ping with 125 bytes in 1-byte writes",
      sends: chunks(frame(OPCODE.ping, bytes(125)), 1),
      messages: [ping(bytes(125))],
    },
    { id: "2.7 unsolicited pong without payload", sends: frame(OPCODE.pong), messages: [pong()] },
    {
      id: "2.8 unsolicited pong with payload",
      sends: frame(OPCODE.pong, "unsolicited pong payload"),
      messages: [pong("unsolicited pong payload")],
    },
    {
      id: "2.9 unsolicited pong, then ping",
      sends: [frame(OPCODE.pong, "unsolicited"), frame(OPCODE.ping, "ping")],
      messages: [pong("unsolicited"), ping("ping")],
    },
    {
      id: "2.10 ten pings",
      sends: concat(...tenPings),
      messages: tenPings.map((_, i) => ping(`payload-${i}`)),
    },
    {
      id: "2.11 ten pings in 1-byte writes",
      sends: chunks(concat(...tenPings), 1),
      messages: tenPings.map((_, i) => ping(`payload-${i}`)),
    },
  ]);
});

Deno.test("decoder fails on reserved bits (Autobahn 3)", async (t) => {
  const then = (
    bad: Uint8Array,
  ): Uint8Array[] => [frame(OPCODE.text, "Hello, world!"), bad, frame(OPCODE.ping)];
  await runCases(t, [
    {
      id: "3.1 text with RSV = 1",
      sends: frame(OPCODE.text, "Hello, world!", { rsv: 1 }),
      messages: [],
      code: 1002,
    },
    {
      id: "3.2 text, text with RSV = 2, ping",
      sends: concat(...then(frame(OPCODE.text, "x", { rsv: 2 }))),
      messages: [text("Hello, world!")],
      code: 1002,
    },
    {
      id: "3.3 same with RSV = 3, frame-wise",
      sends: then(frame(OPCODE.text, "x", { rsv: 3 })),
      messages: [text("Hello, world!")],
      code: 1002,
    },
    {
      id: "3.4 same with RSV = 4, 1-byte writes",
      sends: chunks(concat(...then(frame(OPCODE.text, "x", { rsv: 4 }))), 1),
      messages: [text("Hello, world!")],
      code: 1002,
    },
    {
      id: "3.5 binary with RSV = 5",
      sends: frame(OPCODE.binary, bytes(8), { rsv: 5 }),
      messages: [],
      code: 1002,
    },
    {
      id: "3.6 ping with RSV = 6",
      sends: frame(OPCODE.ping, "ping", { rsv: 6 }),
      messages: [],
      code: 1002,
    },
    {
      id: "3.7 close with RSV = 7",
      sends: frame(OPCODE.close, closePayload(1000), { rsv: 7 }),
      messages: [],
      code: 1002,
    },
  ]);
});

Deno.test("decoder fails on reserved opcodes (Autobahn 4)", async (t) => {
  const cases: Case[] = [];
  for (
    const [section, opcodes] of [["4.1", [3, 4, 5, 6, 7]], ["4.2", [11, 12, 13, 14, 15]]] as const
  ) {
    for (const [i, opcode] of opcodes.entries()) {
      const alone = i < 2;
      cases.push({
        id: `${section}.${i + 1} opcode ${opcode}${alone ? "" : " after a text, before a ping"}`,
        sends: alone ? [frame(opcode, i === 0 ? "" : "reserved")] : [
          frame(OPCODE.text, "Hello, world!"),
          frame(opcode, i === 2 ? "" : "reserved"),
          frame(OPCODE.ping),
        ],
        messages: alone ? [] : [text("Hello, world!")],
        code: 1002,
      });
    }
  }
  await runCases(t, cases);
});

Deno.test("decoder joins fragments and interleaves control frames (Autobahn 5)", async (t) => {
  const f1 = frame(OPCODE.text, "fragment1", { fin: false });
  const f2 = frame(OPCODE.continuation, "fragment2");
  const cont = (fin: boolean): Uint8Array => frame(OPCODE.continuation, "fragment1", { fin });
  const fiveWithPings = [
    frame(OPCODE.text, "fragment1", { fin: false }),
    frame(OPCODE.continuation, "fragment2", { fin: false }),
    frame(OPCODE.ping, "pongme 1!"),
    frame(OPCODE.continuation, "fragment3", { fin: false }),
    frame(OPCODE.ping, "pongme 2!"),
    frame(OPCODE.continuation, "fragment4", { fin: false }),
    frame(OPCODE.continuation, "fragment5"),
  ];
  const thousand = Array.from({ length: 1000 }, (_, i) => `<${i}>`);
  await runCases(t, [
    {
      id: "5.1 fragmented ping",
      sends: [frame(OPCODE.ping, "fragment1", { fin: false }), cont(true)],
      messages: [],
      code: 1002,
    },
    {
      id: "5.2 fragmented pong",
      sends: [frame(OPCODE.pong, "fragment1", { fin: false }), cont(true)],
      messages: [],
      code: 1002,
    },
    { id: "5.3 text in 2 fragments", sends: [f1, f2], messages: [text("fragment1fragment2")] },
    {
      id: "5.6 text in 2 fragments, ping between",
      sends: [f1, frame(OPCODE.ping, "pongme!"), f2],
      messages: [ping("pongme!"), text("fragment1fragment2")],
    },
    {
      id: "5.9 continuation (FIN) with nothing to continue, then text",
      sends: [cont(true), frame(OPCODE.text, "ok")],
      messages: [],
      code: 1002,
    },
    {
      id: "5.12 continuation (no FIN) with nothing to continue",
      sends: [cont(false), frame(OPCODE.text, "ok")],
      messages: [],
      code: 1002,
    },
    {
      id: "5.15 text in 2 fragments, continuation with nothing to continue",
      sends: [f1, f2, cont(false), frame(OPCODE.text, "ok")],
      messages: [text("fragment1fragment2")],
      code: 1002,
    },
    {
      id: "5.16 continuation first, then a fragmented text",
      sends: [cont(false), f1, f2],
      messages: [],
      code: 1002,
    },
    {
      id: "5.17 continuation (FIN) first, then a fragmented text",
      sends: [cont(true), f1, f2],
      messages: [],
      code: 1002,
    },
    {
      id: "5.18 both fragments with opcode text",
      sends: [f1, frame(OPCODE.text, "fragment2")],
      messages: [],
      code: 1002,
    },
    {
      id: "5.19 text in 5 fragments with 2 pings between",
      sends: fiveWithPings,
      messages: [
        ping("pongme 1!"),
        ping("pongme 2!"),
        text("fragment1fragment2fragment3fragment4fragment5"),
      ],
    },
    {
      id: "binary in 3 fragments, pong between",
      sends: [
        frame(OPCODE.binary, hex("0102"), { fin: false }),
        frame(OPCODE.pong, "p"),
        frame(OPCODE.continuation, hex("03"), { fin: false }),
        frame(OPCODE.continuation, hex("0405")),
      ],
      messages: [pong("p"), binary(hex("0102030405"))],
    },
    {
      id: "binary with a new binary frame in progress",
      sends: [frame(OPCODE.binary, hex("01"), { fin: false }), frame(OPCODE.binary, hex("02"))],
      messages: [],
      code: 1002,
    },
    {
      id: "text of 1000 fragments",
      sends: fragments(OPCODE.text, thousand.join(""), 3),
      messages: [text(thousand.join(""))],
    },
    {
      id: "text of 1000 fragments, a ping after each",
      sends: thousand.map((part, i) =>
        concat(
          frame(i === 0 ? OPCODE.text : OPCODE.continuation, part, { fin: i === 999 }),
          frame(OPCODE.ping, `${i}`),
        )
      ),
      messages: [
        ...thousand.slice(0, 999).map((_, i) => ping(`${i}`)),
        text(thousand.join("")),
        ping("999"),
      ],
    },
  ]);
});

/** Autobahn 6.5-6.23: UTF-8 sequences in hex and whether they are valid. */
const UTF8_CASES: readonly (readonly [string, string, boolean])[] = [
  ["6.5.1 κόσμε", "cebae1bdb9cf83cebcceb5", true],
  ["6.6.1 κόσμε prefix of 1 byte", "ce", false],
  ["6.6.2 κόσμε prefix of 2 bytes", "ceba", true],
  ["6.6.3 κόσμε prefix of 3 bytes", "cebae1", false],
  ["6.6.4 κόσμε prefix of 4 bytes", "cebae1bd", false],
  ["6.6.6 κόσμε prefix of 6 bytes", "cebae1bdb9cf", false],
  ["6.6.8 κόσμε prefix of 8 bytes", "cebae1bdb9cf83ce", false],
  ["6.6.10 κόσμε prefix of 10 bytes", "cebae1bdb9cf83cebcce", false],
  ["6.7.1 U+0000", "00", true],
  ["6.7.2 U+0080", "c280", true],
  ["6.7.3 U+0800", "e0a080", true],
  ["6.7.4 U+10000", "f0908080", true],
  ["6.8.1 five-byte sequence", "f888808080", false],
  ["6.8.2 six-byte sequence", "fc8480808080", false],
  ["6.9.1 U+007F", "7f", true],
  ["6.9.2 U+07FF", "dfbf", true],
  ["6.9.3 U+FFFF", "efbfbf", true],
  ["6.9.4 U+10FFFF", "f48fbfbf", true],
  ["6.10.1 past U+10FFFF", "f7bfbfbf", false],
  ["6.10.2 five-byte last", "fbbfbfbfbf", false],
  ["6.10.3 six-byte last", "fdbfbfbfbfbf", false],
  ["6.11.1 U+D7FF", "ed9fbf", true],
  ["6.11.2 U+E000", "ee8080", true],
  ["6.11.3 U+FFFD", "efbfbd", true],
  ["6.11.5 U+110000", "f4908080", false],
  ["6.12.1 lone continuation 80", "80", false],
  ["6.12.2 lone continuation bf", "bf", false],
  ["6.12.3 two continuations", "80bf", false],
  [
    "6.12.8 continuations 80..bf",
    Array.from({ length: 64 }, (_, i) => (0x80 + i).toString(16)).join(""),
    false,
  ],
  ["6.13.1 lonely 2-byte start", "c020", false],
  ["6.13.2 lonely 3-byte start", "e020", false],
  ["6.13.3 lonely 4-byte start", "f020", false],
  ["6.14.1 2-byte sequence missing its last byte", "c0", false],
  ["6.14.3 3-byte sequence missing its last byte", "e080", false],
  ["6.14.5 4-byte sequence missing its last byte", "f08080", false],
  ["6.14.6 df alone", "df", false],
  ["6.14.8 efbf", "efbf", false],
  ["6.15.1 concatenated incomplete sequences", "c0e080f08080dfefbf", false],
  ["6.16.1 fe", "fe", false],
  ["6.16.2 ff", "ff", false],
  ["6.16.3 fefeffff", "fefeffff", false],
  ["6.17.1 overlong /", "c0af", false],
  ["6.17.2 overlong / in 3", "e080af", false],
  ["6.17.3 overlong / in 4", "f08080af", false],
  ["6.18.1 maximal overlong 2", "c1bf", false],
  ["6.18.2 maximal overlong 3", "e09fbf", false],
  ["6.18.3 maximal overlong 4", "f08fbfbf", false],
  ["6.19.1 overlong NUL", "c080", false],
  ["6.19.2 overlong NUL in 3", "e08080", false],
  ["6.20.1 U+D800", "eda080", false],
  ["6.20.4 U+DB7F", "edafbf", false],
  ["6.20.7 U+DFFF", "edbfbf", false],
  ["6.21.1 U+D800 U+DC00", "eda080edb080", false],
  ["6.21.8 U+DBFF U+DFFF", "edafbfedbfbf", false],
  ["6.22.1 U+FFFE", "efbfbe", true],
  ["6.22.3 U+1FFFE", "f09fbfbe", true],
  ["6.22.34 U+10FFFE", "f48fbfbe", true],
  ["6.23.1 U+FFFD", "efbfbd", true],
  ["6.23.7 U+FFFD inside text", "61efbfbd62", true],
  ["a leading byte order mark is kept", "efbbbf616263", true],
];

Deno.test("decoder checks UTF-8 across frames and fragments (Autobahn 6)", async (t) => {
  const hello = "Hello-µ@ßöäüàá-UTF-8!!";
  const kosme = hex("cebae1bdb9cf83cebcceb5");
  const invalid = hex("cebae1bdb9cf83cebcceb5eda080656469746564");
  const cases: Case[] = [
    { id: "6.1.1 empty text", sends: frame(OPCODE.text), messages: [text("")] },
    {
      id: "6.1.2 three empty fragments",
      sends: [
        frame(OPCODE.text, "", { fin: false }),
        frame(OPCODE.continuation, "", { fin: false }),
        frame(OPCODE.continuation),
      ],
      messages: [text("")],
    },
    {
      id: "6.1.3 empty, middle, empty fragments",
      sends: [
        frame(OPCODE.text, "", { fin: false }),
        frame(OPCODE.continuation, "middle frame payload", { fin: false }),
        frame(OPCODE.continuation),
      ],
      messages: [text("middle frame payload")],
    },
    {
      id: "6.2.1 valid UTF-8 in one frame",
      sends: frame(OPCODE.text, hello),
      messages: [text(hello)],
    },
    {
      id: "6.2.2 valid UTF-8 in 2 fragments on a code point boundary",
      sends: [
        frame(OPCODE.text, "Hello-µ@ßöä", { fin: false }),
        frame(OPCODE.continuation, "üàá-UTF-8!!"),
      ],
      messages: [text(hello)],
    },
    {
      id: "6.2.4 κόσμε in 1-byte fragments",
      sends: fragments(OPCODE.text, kosme, 1),
      messages: [text(new TextDecoder().decode(kosme))],
    },
    {
      id: "6.3.1 invalid UTF-8 in one frame",
      sends: frame(OPCODE.text, invalid),
      messages: [],
      code: 1007,
    },
    {
      id: "6.3.2 invalid UTF-8 in 1-byte fragments",
      sends: fragments(OPCODE.text, invalid, 1),
      messages: [],
      code: 1007,
    },
    {
      id: "a ping before invalid UTF-8 is kept",
      sends: [frame(OPCODE.ping, "p"), frame(OPCODE.text, hex("ff"))],
      messages: [ping("p")],
      code: 1007,
    },
  ];
  for (const [id, digits, valid] of UTF8_CASES) {
    const payload = hex(digits);
    const expected = valid
      ? { messages: [text(new TextDecoder("utf-8", { ignoreBOM: true }).decode(payload))] }
      : { messages: [], code: 1007 };
    cases.push({ id, sends: frame(OPCODE.text, payload), ...expected });
    cases.push({
      id: `${id}, 1-byte fragments`,
      sends: fragments(OPCODE.text, payload, 1),
      ...expected,
    });
  }
  await runCases(t, cases);
});

Deno.test("decoder fails fast on invalid UTF-8 (Autobahn 6.4)", async (t) => {
  const rows: [string, string, string, string][] = [
    ["6.4.1", "cebae1bdb9cf83cebcceb5", "f4908080", "656469746564"],
    ["6.4.2", "cebae1bdb9cf83cebcceb5f4", "90", "8080656469746564"],
  ];
  for (const [id, p1, p2, p3] of rows) {
    await t.step(`${id} in 3 fragments fails on the second`, () => {
      const sends = [
        frame(OPCODE.text, hex(p1), { fin: false }),
        frame(OPCODE.continuation, hex(p2), { fin: false }),
        frame(OPCODE.continuation, hex(p3)),
      ];
      deepStrictEqual(decode(sends), { messages: [], code: 1007, failedAt: 1 });
    });
    await t.step(
      `${id.replace(/.$/, (d) => `${Number(d) + 2}`)} in 1 frame of 3 chunks fails on the second`,
      () => {
        const whole = frame(OPCODE.text, hex(p1 + p2 + p3));
        const cut1 = 2 + p1.length / 2;
        const cut2 = cut1 + p2.length / 2;
        const sends = [whole.subarray(0, cut1), whole.subarray(cut1, cut2), whole.subarray(cut2)];
        deepStrictEqual(decode(sends), { messages: [], code: 1007, failedAt: 1 });
      },
    );
  }
});

Deno.test("decoder handles close frames (Autobahn 7)", async (t) => {
  const normal = frame(OPCODE.close, closePayload(1000));
  const validCodes = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999];
  const invalidCodes = [0, 999, 1004, 1005, 1006, 1012, 1013, 1014, 1015, 1016, 1100, 2000, 2999];
  await runCases(t, [
    {
      id: "7.1.1 text, then close",
      sends: [frame(OPCODE.text, "Hello World!"), normal],
      messages: [text("Hello World!"), close(1000)],
    },
    { id: "7.1.2 close twice", sends: [normal, normal], messages: [close(1000)] },
    { id: "7.1.3 close, then ping", sends: [normal, frame(OPCODE.ping)], messages: [close(1000)] },
    {
      id: "7.1.4 close, then text",
      sends: [normal, frame(OPCODE.text, "Hello")],
      messages: [close(1000)],
    },
    {
      id: "7.1.5 fragment, close, continuation",
      sends: [
        frame(OPCODE.text, "fragment1", { fin: false }),
        normal,
        frame(OPCODE.continuation, "fragment2"),
      ],
      messages: [close(1000)],
    },
    {
      id: "7.1.6 256 KiB text, close, ping",
      sends: [frame(OPCODE.text, star(256 * 1024)), normal, frame(OPCODE.ping)],
      messages: [text(star(256 * 1024)), close(1000)],
    },
    {
      id: "7.1 garbage after close is ignored",
      sends: [normal, hex("ffffffff")],
      messages: [close(1000)],
    },
    { id: "7.3.1 close without payload", sends: frame(OPCODE.close), messages: [close()] },
    {
      id: "7.3.2 close with a 1-byte payload",
      sends: frame(OPCODE.close, hex("03")),
      messages: [],
      code: 1002,
    },
    { id: "7.3.3 close with code 1000", sends: normal, messages: [close(1000)] },
    {
      id: "7.3.4 close with code and reason",
      sends: frame(OPCODE.close, closePayload(1000, "Hello World!")),
      messages: [close(1000, "Hello World!")],
    },
    {
      id: "7.3.5 close with a 123-byte reason",
      sends: frame(OPCODE.close, closePayload(1000, star(123))),
      messages: [close(1000, star(123))],
    },
    {
      id: "7.3.6 close with a 124-byte reason",
      sends: frame(OPCODE.close, closePayload(1000, star(124))),
      messages: [],
      code: 1002,
    },
    {
      id: "7.5.1 close reason that is not UTF-8",
      sends: frame(
        OPCODE.close,
        closePayload(1000, hex("cebae1bdb9cf83cebcceb5eda080656469746564")),
      ),
      messages: [],
      code: 1007,
    },
    {
      id: "fragmented close",
      sends: frame(OPCODE.close, closePayload(1000), { fin: false }),
      messages: [],
      code: 1002,
    },
    ...validCodes.map((code, i) => ({
      id: `7.7.${i + 1} close code ${code}`,
      sends: frame(OPCODE.close, closePayload(code)),
      messages: [close(code)],
    })),
    ...invalidCodes.map((code, i) => ({
      id: `7.9.${i + 1} close code ${code}`,
      sends: frame(OPCODE.close, closePayload(code)),
      messages: [],
      code: 1002,
    })),
    ...[5000, 65535].map((code, i) => ({
      id: `7.13.${i + 1} close code ${code}`,
      sends: frame(OPCODE.close, closePayload(code)),
      messages: [],
      code: 1002,
    })),
  ]);
});

Deno.test("decoder takes big messages up to maxMessageBytes (Autobahn 9)", async (t) => {
  const mib = 1024 * 1024;
  const big = Uint8Array.from({ length: mib }, (_, i) => i % 251);
  await runCases(t, [
    {
      id: "9.1.1 text of 64 KiB",
      sends: frame(OPCODE.text, star(64 * 1024)),
      messages: [text(star(64 * 1024))],
    },
    {
      id: "9.1.3 text of 1 MiB",
      sends: frame(OPCODE.text, star(mib)),
      messages: [text(star(mib))],
    },
    {
      id: "9.1.3 text of 1 MiB in 64 KiB writes",
      sends: chunks(frame(OPCODE.text, star(mib)), 64 * 1024),
      messages: [text(star(mib))],
    },
    {
      id: "9.2.1 binary of 64 KiB",
      sends: frame(OPCODE.binary, big.subarray(0, 64 * 1024)),
      messages: [binary(big.subarray(0, 64 * 1024))],
    },
    {
      id: "9.2.3 binary of 1 MiB in 1000-byte writes",
      sends: chunks(frame(OPCODE.binary, big), 1000),
      messages: [binary(big)],
    },
    {
      id: "9.3.x text of 1 MiB in 256-byte fragments",
      sends: fragments(OPCODE.text, star(mib), 256),
      messages: [text(star(mib))],
    },
    {
      id: "9.4.x binary of 1 MiB in 4 KiB fragments",
      sends: fragments(OPCODE.binary, big, 4096),
      messages: [binary(big)],
    },
    {
      id: "a message of exactly maxMessageBytes",
      sends: frame(OPCODE.binary, bytes(1000)),
      messages: [binary(bytes(1000))],
      maxMessageBytes: 1000,
    },
    {
      id: "a frame over maxMessageBytes",
      sends: [frame(OPCODE.ping, "p"), frame(OPCODE.binary, bytes(1001))],
      messages: [ping("p")],
      code: 1009,
      maxMessageBytes: 1000,
    },
    {
      id: "fragments over maxMessageBytes",
      sends: [frame(OPCODE.text, star(600), { fin: false }), frame(OPCODE.continuation, star(401))],
      messages: [],
      code: 1009,
      maxMessageBytes: 1000,
    },
    {
      id: "control frames do not count toward maxMessageBytes",
      sends: [
        frame(OPCODE.text, star(60), { fin: false }),
        frame(OPCODE.ping, bytes(125)),
        frame(OPCODE.continuation, star(40)),
      ],
      messages: [ping(bytes(125)), text(star(100))],
      maxMessageBytes: 100,
    },
  ]);

  await t.step("fails from the header alone, before the payload", () => {
    const header = Uint8Array.of(0x81, 127, 0, 0, 0, 0, 0x04, 0x2c, 0x1d, 0x80);
    const error = protocolError(() => new FrameDecoder({ maxMessageBytes: 64 * mib }).push(header));
    strictEqual(error.code, 1009);
    strictEqual(
      error.message,
      "The server sent a 70000000-byte message, more than maxMessageSize 67108864",
    );
  });
});

Deno.test("decoder gives the same messages however the bytes are split", async (t) => {
  const stream = concat(
    frame(OPCODE.text, "Hello-µ@ßöäüàá", { fin: false }),
    frame(OPCODE.ping, "between"),
    frame(OPCODE.continuation, "-UTF-8!!"),
    frame(OPCODE.binary, bytes(300, 7)),
    frame(OPCODE.text, "κόσμε", { length64: true }),
    frame(OPCODE.pong),
    frame(OPCODE.close, closePayload(1001, "going away")),
  );
  const expected = decode([stream]);
  strictEqual(expected.messages.length, 6);
  await t.step("at every split point in two", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      deepStrictEqual(
        decode([stream.subarray(0, cut), stream.subarray(cut)]),
        expected,
        `cut at ${cut}`,
      );
    }
  });
  await t.step("one byte at a time", () => {
    deepStrictEqual(decode(chunks(stream, 1)), expected);
  });
  await t.step("with empty chunks between", () => {
    deepStrictEqual(decode(chunks(stream, 5).flatMap((c) => [new Uint8Array(0), c])), expected);
  });
});

Deno.test("decoder API", async (t) => {
  await t.step("returns a whole binary frame as a view of the chunk, without copying", () => {
    const chunk = frame(OPCODE.binary, bytes(10));
    const [message] = new FrameDecoder({ maxMessageBytes: MAX }).push(chunk);
    ok(message.kind === "binary");
    strictEqual(message.data.buffer, chunk.buffer);
  });

  await t.step("returns nothing after a close message", () => {
    const decoder = new FrameDecoder({ maxMessageBytes: MAX });
    deepStrictEqual(decoder.push(frame(OPCODE.close, closePayload(1000, "bye"))), [
      close(1000, "bye"),
    ]);
    deepStrictEqual(decoder.push(frame(OPCODE.text, "late")), []);
  });

  await t.step("throws a ProtocolError that names what the server did wrong", () => {
    const cases: [Uint8Array, number, string][] = [
      [
        frame(OPCODE.text, "x", { mask: true }),
        1002,
        "The server sent a masked frame (servers must not mask frames, RFC 6455 section 5.1)",
      ],
      [
        frame(OPCODE.text, hex("ff")),
        1007,
        "The server sent a text message that is not valid UTF-8",
      ],
      [
        frame(OPCODE.text, "x", { rsv: 5 }),
        1002,
        "The server sent a frame with RSV1, RSV3 set (no extension was negotiated, RFC 6455 section 5.2)",
      ],
      [frame(3), 1002, "The server sent a frame with reserved opcode 3 (RFC 6455 section 5.2)"],
      [
        frame(OPCODE.close, closePayload(1005)),
        1002,
        "The server sent close code 1005, which is reserved or invalid (RFC 6455 section 7.4)",
      ],
    ];
    for (const [sends, code, message] of cases) {
      const error = protocolError(() => new FrameDecoder({ maxMessageBytes: MAX }).push(sends));
      strictEqual(error.name, "ProtocolError");
      strictEqual(error.code, code);
      strictEqual(error.message, message);
      deepStrictEqual(error.messages, []);
    }
  });

  await t.step("refuses a maxMessageBytes that is not a positive whole number", () => {
    for (const maxMessageBytes of [0, -1, 1.5, NaN]) {
      throws(() => new FrameDecoder({ maxMessageBytes }), RangeError);
    }
  });
});

/** A client frame read back: header fields and the unmasked payload. */
function readClientFrame(
  bytes: Uint8Array,
): { b0: number; headerBytes: number; mask: Uint8Array; payload: Uint8Array } {
  ok((bytes[1] & 0x80) !== 0, "masked");
  const code = bytes[1] & 0x7f;
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const size = code === 126 ? 4 : code === 127 ? 10 : 2;
  const length = code === 126
    ? view.getUint16(2)
    : code === 127
    ? Number(view.getBigUint64(2))
    : code;
  const mask = bytes.slice(size, size + 4);
  const payload = bytes.slice(size + 4).map((b, i) => b ^ mask[i & 3]);
  strictEqual(payload.length, length);
  return { b0: bytes[0], headerBytes: size, mask, payload };
}

Deno.test("encodeClientFrame masks one FIN frame", async (t) => {
  const mask = Uint8Array.of(0x12, 0x34, 0x56, 0x78);
  for (const [length, headerBytes] of [[0, 2], [125, 2], [126, 4], [65535, 4], [65536, 10]]) {
    await t.step(`round-trips ${length} bytes with a ${headerBytes}-byte header`, () => {
      const payload = Uint8Array.from({ length }, (_, i) => i % 256);
      const encoded = encodeClientFrame(OPCODE.binary, payload, mask);
      strictEqual(encoded.length, headerBytes + 4 + length);
      const read = readClientFrame(encoded);
      deepStrictEqual(read, { b0: 0x80 | OPCODE.binary, headerBytes, mask, payload });
      deepStrictEqual(readClientFrame(encodeClientFrame(OPCODE.text, payload)).payload, payload);
    });
  }

  await t.step("picks a random mask by default", () => {
    const payload = bytes(16, 0);
    const masks = new Set(
      Array.from(
        { length: 8 },
        () => readClientFrame(encodeClientFrame(OPCODE.ping, payload)).mask.join(),
      ),
    );
    ok(masks.size > 1);
  });

  await t.step("refuses an unknown opcode, a long control payload and a bad mask", () => {
    throws(() => encodeClientFrame(3, bytes(1)), RangeError);
    throws(() => encodeClientFrame(OPCODE.ping, bytes(126)), RangeError);
    throws(() => encodeClientFrame(OPCODE.text, bytes(1), bytes(3)), RangeError);
  });
});

Deno.test("encodeClose builds a close payload", async (t) => {
  await t.step("puts the code big-endian before the reason", () => {
    deepStrictEqual(encodeClose(1000, ""), Uint8Array.of(0x03, 0xe8));
    deepStrictEqual(encodeClose(4001, "bye"), concat(Uint8Array.of(0x0f, 0xa1), utf8("bye")));
  });

  await t.step("cuts the reason to 123 bytes without splitting a character", () => {
    deepStrictEqual(encodeClose(1000, star(200)), closePayload(1000, star(123)));
    deepStrictEqual(encodeClose(1002, "é".repeat(70)), closePayload(1002, "é".repeat(61)));
    deepStrictEqual(encodeClose(1002, "€".repeat(50)), closePayload(1002, "€".repeat(41)));
    deepStrictEqual(
      encodeClose(1009, "a" + "😀".repeat(40)),
      closePayload(1009, "a" + "😀".repeat(30)),
    );
  });

  await t.step("decodes back to the same code and reason", () => {
    const decoder = new FrameDecoder({ maxMessageBytes: MAX });
    deepStrictEqual(decoder.push(frame(OPCODE.close, encodeClose(1007, "κόσμε"))), [
      close(1007, "κόσμε"),
    ]);
  });

  await t.step("refuses a code an endpoint must not send", () => {
    for (const code of [999, 1005, 1006, 1015, 2000, 5000, 1000.5]) {
      throws(() => encodeClose(code, ""), RangeError);
    }
  });
});
