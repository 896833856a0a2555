/**
 * The WebSocket source against a hostile or broken server: nothing it
 * sends can forge a log line, and a message past `maxMessageSize` is
 * refused, counted and logged, and the source reconnects.
 *
 * @module
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { peerLine, peerText } from "../../src/util/peer_text.ts";
import { eventually, sourceHarness } from "../support/websocket_harness.ts";
import { WsTestServer } from "../support/ws_test_server.ts";

const FAST = { retryDelay: "0.05", connectTimeout: "2" };

/** A close reason that tries to start a forged log line and colour the terminal. */
const FORGED = "bye\n2026-12-02T00:00:00Z [INFO] Connected to evil\x1b[31m red\r";

Deno.test("a server's close reason cannot forge a log line", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness({ endpoint: server.url(), ...FAST });
  try {
    await h.source.start();
    await (await server.connection(1)).close(4000, FORGED);
    await server.connection(2);
    await eventually(() => h.log.messages("warn").some((m) => m.includes("code 4000")), "warn");
    const line = h.log.messages("warn").find((m) => m.includes("code 4000"))!;
    ok(![..."\n\r\x1b"].some((c) => line.includes(c)), JSON.stringify(line));
    match(
      line,
      /code 4000 "bye\\x0a2026-12-02T00:00:00Z \[INFO\] Connected to evil\\x1b\[31m red\\x0d"/,
    );
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("peer text is escaped and cut to length", async (t) => {
  await t.step("peerText: quotes, backslashes, controls and non-ASCII escaped", () => {
    strictEqual(peerText('a"b\\c\nd\u00e9\u2028'), 'a\\"b\\\\c\\x0ad\\xe9\\u2028');
  });
  await t.step("peerLine: only controls escaped; quotes and accents kept", () => {
    strictEqual(peerLine('say "héllo"\n\x1b[2J\u202e'), 'say "héllo"\\x0a\\x1b[2J\\u202e');
  });
  await t.step("both cut long text, never inside an escape", () => {
    const long = "\n".repeat(500);
    const cut = peerText(long, 50);
    ok(cut.length <= 50 && cut.endsWith("..."), cut);
    match(cut, /^(\\x0a)+\.\.\.$/);
    strictEqual(peerLine("x".repeat(1000), 100), "x".repeat(97) + "...");
  });
});

Deno.test("a message larger than maxMessageSize is refused, counted, logged; the source reconnects", async () => {
  const server = await WsTestServer.start();
  const h = sourceHarness({ endpoint: server.url(), ...FAST, maxMessageSize: "200" });
  let connections = 0;
  server.onConnection = async (c) => {
    connections++;
    await c.sendText(connections === 1 ? "x".repeat(201) : "small");
  };
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventAcceptedCount") === 1, "the small message");
    deepStrictEqual(await h.drainText(), ["small"]);
    strictEqual(h.counters.get("MessageTooLargeCount"), 1);
    const warning = h.log.messages("warn").find((m) => m.includes("maxMessageSize"));
    ok(warning, h.log.messages("warn").join("\n"));
    match(warning, /code 1009: The server sent a 201-byte message, more than maxMessageSize 200/);
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("a refused connection is logged in plain words, naming the host and port", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close(); // nothing listens there now: every connect is refused
  const h = sourceHarness({ endpoint: `ws://127.0.0.1:${port}/`, ...FAST });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("ConnectionFailedCount") >= 1, "a failed connect");
    const warning = h.log.messages("warn").find((m) => m.startsWith("Cannot connect"));
    strictEqual(
      warning,
      `Cannot connect to ws://127.0.0.1:${port}/: connection refused by 127.0.0.1:${port}`,
    );
  } finally {
    await h.source.stop();
  }
});
