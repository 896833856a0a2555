import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import https from "node:https";
import zlib from "node:zlib";
import { type WebSocket as WsSocket, WebSocketServer } from "ws";
import { FrameDecoder, type Message, ProtocolError } from "../../src/sources/websocket/frames.ts";
import { deflateAnswer, MessageInflater } from "../../src/sources/websocket/permessage_deflate.ts";
import { eventually, sourceHarness } from "../support/websocket_harness.ts";

const FAST = { retryDelay: "0.05", connectTimeout: "5" };

/** The npm `ws` server (an independent permessage-deflate implementation) on loopback. */
interface DeflateServer {
  readonly url: string;
  /** Sec-WebSocket-Extensions of each handshake (undefined when not offered). */
  readonly offers: (string | undefined)[];
  /** The Sec-WebSocket-Extensions of each handshake response ("" for none). */
  readonly agreed: string[];
  /** Close codes the server received, per connection. */
  readonly closeCodes: number[];
  readonly sockets: WsSocket[];
  close(): Promise<void>;
}

/** Options of {@linkcode deflateServer} beyond permessage-deflate. */
interface ServerExtras {
  /** Serve wss:// with this certificate and key (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Choose a subprotocol among those offered. */
  readonly handleProtocols?: (offered: Set<string>) => string | false;
}

async function deflateServer(
  perMessageDeflate: boolean | Record<string, unknown>,
  onConnection: (socket: WsSocket) => void,
  extras: ServerExtras = {},
): Promise<DeflateServer> {
  const httpsServer = extras.tls ? https.createServer(extras.tls) : undefined;
  const wss = httpsServer
    ? new WebSocketServer({
      server: httpsServer,
      perMessageDeflate,
      handleProtocols: extras.handleProtocols,
    })
    : new WebSocketServer({
      host: "127.0.0.1",
      port: 0,
      perMessageDeflate,
      handleProtocols: extras.handleProtocols,
    });
  if (httpsServer) {
    await new Promise<void>((resolve) => httpsServer.listen(0, "127.0.0.1", () => resolve()));
  } else {
    await new Promise<void>((resolve) => wss.once("listening", () => resolve()));
  }
  const { port } = (httpsServer ?? wss).address() as { port: number };
  const offers: (string | undefined)[] = [];
  const agreed: string[] = [];
  const closeCodes: number[] = [];
  const sockets: WsSocket[] = [];
  wss.on("headers", (headers: string[]) => {
    const line = headers.find((h) => /^sec-websocket-extensions:/i.test(h));
    agreed.push(line === undefined ? "" : line.slice(line.indexOf(":") + 1).trim());
  });
  wss.on("connection", (socket: WsSocket, req: { headers: Record<string, string | undefined> }) => {
    offers.push(req.headers["sec-websocket-extensions"]);
    sockets.push(socket);
    socket.on("close", (code: number) => closeCodes.push(code));
    onConnection(socket);
  });
  return {
    url: `${httpsServer ? "wss" : "ws"}://127.0.0.1:${port}/`,
    offers,
    agreed,
    closeCodes,
    sockets,
    async close(): Promise<void> {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      if (httpsServer) await new Promise<void>((resolve) => httpsServer.close(() => resolve()));
    },
  };
}

/** Sends, waiting for each message to go out. */
function send(socket: WsSocket, data: string | Uint8Array, options: object): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.send(data, options, (err?: Error) => err ? reject(err) : resolve())
  );
}

/** Ticker-like texts: each repeats most of the one before, so context takeover pays. */
const TEXTS = Array.from(
  { length: 50 },
  (_, i) => JSON.stringify({ type: "ticker", product: "BTC-USD", seq: i, price: 60000 + i }),
);

Deno.test("deflateAnswer reads the server's permessage-deflate parameters and refuses bad ones", () => {
  deepStrictEqual(deflateAnswer([]), { accepted: undefined });
  deepStrictEqual(
    deflateAnswer([
      "permessage-deflate; server_no_context_takeover; client_max_window_bits=10; " +
      'server_max_window_bits="12"',
    ]),
    {
      accepted: {
        serverNoContextTakeover: true,
        clientNoContextTakeover: false,
        serverMaxWindowBits: 12,
        clientMaxWindowBits: 10,
      },
    },
  );
  const reason = (elements: string[]): string =>
    (deflateAnswer(elements) as { reason: string }).reason;
  match(reason(["permessage-deflate; x_extra"]), /"x_extra" is unknown/);
  match(
    reason(["permessage-deflate; client_no_context_takeover; client_no_context_takeover"]),
    /is repeated/,
  );
  match(reason(["permessage-deflate; server_max_window_bits=16"]), /8 to 15 bits/);
  match(reason(["permessage-deflate; client_max_window_bits"]), /8 to 15 bits/);
  match(reason(["permessage-deflate; server_no_context_takeover=1"]), /takes no value/);
  match(reason(["x-webkit-deflate-frame"]), /did not ask for/);
  match(reason(["permessage-deflate", "permessage-deflate"]), /several extensions/);
});

Deno.test("MessageInflater stops a zip bomb at the limit without inflating it whole", async () => {
  // 256 MiB of zeros deflate to about 250 KiB.
  const bomb = zlib.deflateRawSync(new Uint8Array(256 * 1024 * 1024), {
    finishFlush: zlib.constants.Z_SYNC_FLUSH,
  });
  const compressed = bomb.subarray(0, bomb.length - 4);
  const inflater = new MessageInflater({ maxMessageBytes: 1024 * 1024, noContextTakeover: false });
  const before = Deno.memoryUsage().rss;
  try {
    await inflater.inflate(compressed, true);
    ok(false, "the bomb inflated");
  } catch (err) {
    ok(err instanceof ProtocolError);
    strictEqual(err.code, 1009);
    match(err.message, /inflating to more than maxMessageSize 1048576/);
  } finally {
    inflater.close();
  }
  const grown = (Deno.memoryUsage().rss - before) / (1024 * 1024);
  ok(grown < 128, `memory grew by ${grown.toFixed(0)} MiB: the message was inflated whole`);
});

Deno.test("MessageInflater reads on after a message that ends with a final deflate block", async () => {
  // RFC 7692 section 7.2.3.3 lets a server end a message with BFINAL = 1, as
  // deflateRawSync does: that ends the zlib stream, and the next message must
  // not come out empty.
  const inflater = new MessageInflater({ maxMessageBytes: 1024, noContextTakeover: false });
  try {
    for (const text of ["hello hello hello", "second message", "third"]) {
      const compressed = new Uint8Array(zlib.deflateRawSync(new TextEncoder().encode(text)));
      deepStrictEqual(await inflater.inflate(compressed, false), { kind: "text", text });
    }
  } finally {
    inflater.close();
  }
});

Deno.test("MessageInflater refuses data that does not inflate with 1007", async () => {
  const inflater = new MessageInflater({ maxMessageBytes: 1024, noContextTakeover: false });
  try {
    await inflater.inflate(new Uint8Array([0xff, 0xff, 0xff]), false);
    ok(false, "garbage inflated");
  } catch (err) {
    ok(err instanceof ProtocolError);
    strictEqual(err.code, 1007);
  } finally {
    inflater.close();
  }
});

Deno.test("compression = deflate inflates a permessage-deflate server's messages", async (t) => {
  for (
    const [name, options, agreed] of [
      ["with context takeover", { threshold: 0 }, /^permessage-deflate(?!.*no_context_takeover)/],
      [
        "without context takeover",
        { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true },
        /^permessage-deflate; server_no_context_takeover; client_no_context_takeover/,
      ],
    ] as const
  ) {
    await t.step(name, async () => {
      const server = await deflateServer(options, async (socket) => {
        for (const text of TEXTS) await send(socket, text, { compress: true });
        await send(socket, new Uint8Array([0, 1, 2, 3, 250, 251]), {
          compress: true,
          binary: true,
        });
        // One message in two compressed fragments: RSV1 on the first only.
        await send(socket, "fragmented ", { compress: true, fin: false });
        await send(socket, "message", { compress: true, fin: true });
      });
      const h = sourceHarness({ endpoint: server.url, ...FAST, compression: "deflate" });
      try {
        await h.source.start();
        await eventually(
          () => h.counters.get("EventAcceptedCount") === TEXTS.length + 2,
          "every message",
        );
        match(server.offers[0] ?? "", /^permessage-deflate; client_max_window_bits$/);
        match(server.agreed[0], agreed);
        const events = await h.drain();
        const decoder = new TextDecoder();
        deepStrictEqual(events.slice(0, TEXTS.length).map((e) => decoder.decode(e.body)), TEXTS);
        deepStrictEqual(events[TEXTS.length].body, new Uint8Array([0, 1, 2, 3, 250, 251]));
        strictEqual(decoder.decode(events[TEXTS.length + 1].body), "fragmented message");
        strictEqual(h.counters.get("ConnectionCreatedCount"), 1, "one connection throughout");
        strictEqual(h.counters.get("ConnectionClosedCount"), 0);
        ok(
          h.log.messages("info").some((m) => /^Connected to .*\(permessage-deflate\)$/.test(m)),
          h.log.messages("info").join("\n"),
        );
      } finally {
        await h.source.stop();
        await server.close();
      }
    });
  }
});

Deno.test("compression = deflate: a message inflating past maxMessageSize closes with 1009, counted, and reconnects", async () => {
  const server = await deflateServer({ threshold: 0 }, (socket) => {
    if (server.sockets.length === 1) {
      void send(socket, new Uint8Array(64 * 1024 * 1024), { compress: true, binary: true });
    } else {
      void send(socket, "after", { compress: true });
    }
  });
  const h = sourceHarness({
    endpoint: server.url,
    ...FAST,
    compression: "deflate",
    maxMessageSize: String(1024 * 1024),
  });
  try {
    await h.source.start();
    await eventually(
      () => h.counters.get("EventAcceptedCount") === 1,
      "the next connection's message",
    );
    strictEqual(h.counters.get("MessageTooLargeCount"), 1);
    deepStrictEqual(await h.drainText(), ["after"]);
    await eventually(() => server.closeCodes.length >= 1, "the server saw the close");
    strictEqual(server.closeCodes[0], 1009);
    match(
      h.log.messages("warn").join("\n"),
      /lost: code 1009.*compressed message inflating to more than maxMessageSize 1048576/,
    );
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("compression = deflate with a server that declines it: uncompressed, logged at INFO", async () => {
  const server = await deflateServer(false, (socket) => void send(socket, "plain", {}));
  const h = sourceHarness({ endpoint: server.url, ...FAST, compression: "deflate" });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventAcceptedCount") === 1, "a message");
    strictEqual(server.agreed[0], "");
    deepStrictEqual(await h.drainText(), ["plain"]);
    ok(
      h.log.messages("info").some((m) =>
        /\(the server declined permessage-deflate: uncompressed\)$/.test(m)
      ),
      h.log.messages("info").join("\n"),
    );
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("compression = none (the default) offers no extension", async () => {
  const server = await deflateServer({ threshold: 0 }, (socket) => void send(socket, "x", {}));
  const h = sourceHarness({ endpoint: server.url, ...FAST });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventAcceptedCount") === 1, "a message");
    strictEqual(server.offers[0], undefined);
    strictEqual(server.agreed[0], "");
  } finally {
    await h.source.stop();
    await server.close();
  }
});

const TLS_FIXTURES = new URL("../fixtures/tls/", import.meta.url).pathname;

Deno.test("trustAllCerts (the npm ws client): deflate, subprotocols and protocol pings too", async () => {
  const pings: number[] = [];
  const server = await deflateServer({ threshold: 0 }, (socket) => {
    socket.on("ping", () => pings.push(Date.now()));
    void (async () => {
      for (const text of TEXTS) await send(socket, text, { compress: true });
    })();
  }, {
    tls: {
      cert: Deno.readTextFileSync(`${TLS_FIXTURES}server-self-signed.pem`),
      key: Deno.readTextFileSync(`${TLS_FIXTURES}server-self-signed-key.pem`),
    },
    handleProtocols: (offered) => offered.has("v2") ? "v2" : false,
  });
  const h = sourceHarness({
    endpoint: server.url,
    ...FAST,
    trustAllCerts: "true",
    compression: "deflate",
    subprotocols: "v1, v2",
    protocolPingInterval: "0.2",
    pongTimeout: "30",
  });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventAcceptedCount") === TEXTS.length, "every message");
    deepStrictEqual(await h.drainText(), TEXTS);
    match(server.offers[0] ?? "", /^permessage-deflate; client_max_window_bits$/);
    match(server.agreed[0], /^permessage-deflate/);
    await eventually(() => pings.length >= 1 && h.counters.get("PongReceivedCount") >= 1, "a pong");
    ok(
      h.log.messages("info").some((m) =>
        /^Connected to .*\(subprotocol "v2", permessage-deflate\)$/.test(m)
      ),
      h.log.messages("info").join("\n"),
    );
    strictEqual(h.counters.get("PongTimeoutCount"), 0);
  } finally {
    await h.source.stop();
    await server.close();
  }
});

/** One unmasked server frame: FIN, RSV bits, opcode, a short payload. */
function frame(first: number, payload: number[]): Uint8Array {
  return new Uint8Array([first, payload.length, ...payload]);
}

Deno.test("FrameDecoder with permessage-deflate: RSV1 marks a compressed message, nowhere else", async (t) => {
  const decoder = (): FrameDecoder => new FrameDecoder({ maxMessageBytes: 1000, compressed: true });
  await t.step("RSV1 on a text frame gives the compressed bytes, whole", () => {
    deepStrictEqual(
      decoder().push(frame(0xc1, [1, 2, 3])),
      [
        { kind: "deflated", binary: false, data: new Uint8Array([1, 2, 3]) },
      ] satisfies Message[],
    );
  });
  await t.step("RSV1 on the first of two binary fragments joins them", () => {
    deepStrictEqual(
      decoder().push(new Uint8Array([...frame(0x42, [1, 2]), ...frame(0x80, [3])])),
      [
        { kind: "deflated", binary: true, data: new Uint8Array([1, 2, 3]) },
      ] satisfies Message[],
    );
  });
  await t.step("a frame without RSV1 stays uncompressed", () => {
    deepStrictEqual(decoder().push(frame(0x81, [0x68, 0x69])), [{ kind: "text", text: "hi" }]);
  });
  for (
    const [name, bytes, re] of [
      [
        "RSV1 on a continuation frame",
        [...frame(0x41, [1]), ...frame(0xc0, [2])],
        /continuation frame with RSV1/,
      ],
      ["RSV1 on a ping frame", frame(0xc9, []), /ping frame with RSV1/],
      ["RSV2 on a text frame", frame(0xa1, [1]), /RSV2 set/],
    ] as const
  ) {
    await t.step(`${name} is a protocol error (1002)`, () => {
      try {
        decoder().push(new Uint8Array(bytes));
        ok(false, "accepted");
      } catch (err) {
        ok(err instanceof ProtocolError);
        strictEqual(err.code, 1002);
        match(err.message, re);
      }
    });
  }
});
