import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { pongMatcher, PongWatch } from "../../src/sources/websocket/heartbeat.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { eventually, sourceHarness } from "../support/websocket_harness.ts";
import { type ServerConnection, WsTestServer } from "../support/ws_test_server.ts";

/** Waits for `n` connections opened by the source (its handshake done, its sleeps asked for). */
async function opened(h: ReturnType<typeof sourceHarness>, n: number): Promise<void> {
  await eventually(() => h.counters.get("ConnectionCreatedCount") === n, `connection #${n} open`);
}

/** Answers every "ping" text with "pong". */
function answerPings(c: ServerConnection): void {
  c.onText = (text) => {
    if (text === "ping") void c.sendText("pong");
  };
}

Deno.test("pongMatcher matches exact text, or a /regex/ anywhere in the text", () => {
  const exact = pongMatcher(`{"op":"pong"}`);
  ok(exact(`{"op":"pong"}`));
  ok(!exact(`{"op":"pong"} `), "exact text: a trailing space differs");
  ok(!exact(`{"op":"PONG"}`));
  const regex = pongMatcher(`/"op":\\s*"pong"/i`);
  ok(regex(`{"op": "PONG", "ts": 1}`), "found anywhere, case-insensitive");
  ok(!regex(`{"op": "ping"}`));
  const anchored = pongMatcher("/^pong$/");
  ok(anchored("pong") && !anchored("pong!"));
  ok(pongMatcher("/")("/"), "a lone slash is plain text");
});

Deno.test("PongWatch times out once, answers clear it, and a pause starts the deadline over", async (t) => {
  await t.step("an unanswered ping times out after the timeout, once", async () => {
    const clock = new FakeClock();
    const life = new AbortController();
    const causes: string[] = [];
    const watch = new PongWatch({
      answer: "pong frame",
      ping: "a ping frame",
      timeoutMs: 2000,
      clock,
      signal: life.signal,
      paused: () => false,
      onTimeout: (cause) => causes.push(cause),
    });
    watch.sent();
    watch.sent(); // a second ping does not move the deadline of the first
    clock.advance(1999);
    await Promise.resolve();
    deepStrictEqual(causes, []);
    clock.advance(1);
    await clock.requests[0].done;
    await Promise.resolve();
    deepStrictEqual(causes, ["no pong frame within 2 s of a ping frame (pongTimeout)"]);
    watch.sent();
    clock.advance(5000);
    await Promise.resolve();
    strictEqual(causes.length, 1, "a watch that expired stays quiet");
    life.abort();
  });
  await t.step("an answer before the deadline clears it", async () => {
    const clock = new FakeClock();
    const life = new AbortController();
    const causes: string[] = [];
    const watch = new PongWatch({
      answer: "reply",
      ping: "a pingMessage",
      timeoutMs: 2000,
      clock,
      signal: life.signal,
      paused: () => false,
      onTimeout: (cause) => causes.push(cause),
    });
    watch.sent();
    watch.answered();
    clock.advance(10_000);
    await clock.requests[0].done;
    await Promise.resolve();
    deepStrictEqual(causes, []);
    strictEqual(watch.waiting, false);
    life.abort();
  });
  await t.step("a deadline that falls while reading is paused starts over", async () => {
    const clock = new FakeClock();
    const life = new AbortController();
    const causes: string[] = [];
    let paused = false;
    const watch = new PongWatch({
      answer: "reply",
      ping: "a pingMessage",
      timeoutMs: 2000,
      clock,
      signal: life.signal,
      paused: () => paused,
      onTimeout: (cause) => causes.push(cause),
    });
    watch.sent();
    paused = true;
    watch.pausing();
    clock.advance(2000);
    await clock.nextSleep(); // the first wait
    await clock.nextSleep(); // asked again: the pause held the answer back
    deepStrictEqual(causes, []);
    strictEqual(clock.requests[1].ms, 2000, "a full timeout again");
    paused = false; // reading resumes, and the answer still does not come
    clock.advance(2000);
    await clock.requests[1].done;
    await Promise.resolve();
    strictEqual(causes.length, 1);
    strictEqual(clock.requests.length, 2);
    life.abort();
  });
});

Deno.test("websocket source: pongMessage replies are no events; an unanswered pingMessage recycles the connection", async () => {
  const clock = new FakeClock();
  const server = await WsTestServer.start();
  const h = sourceHarness({
    endpoint: server.url(),
    retryDelay: "1",
    connectTimeout: "10",
    pingMessage: "ping",
    pingInterval: "5",
    pongMessage: "pong",
    pongTimeout: "2",
  }, { clock });
  server.onConnection = answerPings;
  try {
    await h.source.start();
    const first = await server.connection(1);
    await opened(h, 1);
    clock.advance(5000); // the first pingMessage
    await eventually(() => h.counters.get("PongReceivedCount") === 1, "the reply counted");
    await first.sendText("tick");
    await eventually(() => h.counters.get("EventAcceptedCount") === 1, "the data message");
    clock.advance(2000); // past the reply's deadline: it was answered
    await first.sendText("tock");
    await eventually(
      () => h.counters.get("EventAcceptedCount") === 2,
      "more data, same connection",
    );
    strictEqual(h.counters.get("PongTimeoutCount"), 0);
    strictEqual(h.counters.get("ConnectionClosedCount"), 0);
    deepStrictEqual(await h.drainText(), ["tick", "tock"], "the reply is not an event");
    strictEqual(h.counters.get("EventReceivedCount"), 2);

    first.onText = null; // the server stops answering
    clock.advance(3000); // t = 10 s: the second pingMessage
    await server.until(() => first.received.filter((m) => m === "ping").length === 2, "ping #2");
    clock.advance(2000); // its deadline
    await eventually(() => h.counters.get("PongTimeoutCount") === 1, "the timeout counted");
    await eventually(() => h.counters.get("ConnectionClosedCount") === 1, "the connection closed");
    match(
      h.log.messages("warn").join("\n"),
      /lost: code 4000 .*no reply matching pongMessage within 2 s of a pingMessage \(pongTimeout\)/,
    );
    await eventually(
      () => h.log.messages("info").some((m) => /Reconnecting/.test(m)),
      "a retry scheduled",
    );
    clock.advance(2000); // the retry delay (1 s ± 20 %)
    await server.connection(2);
    await opened(h, 2);
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("websocket source: protocol pings reach the server; missing pongs recycle the connection", async () => {
  const clock = new FakeClock();
  const server = await WsTestServer.start();
  const h = sourceHarness({
    endpoint: server.url(),
    retryDelay: "1",
    connectTimeout: "10",
    protocolPingInterval: "5",
    pongTimeout: "2",
  }, { clock });
  try {
    await h.source.start();
    const first = await server.connection(1);
    await opened(h, 1);
    clock.advance(5000);
    await server.until(() => first.pings.length === 1, "a ping frame");
    await eventually(() => h.counters.get("PongReceivedCount") === 1, "its pong counted");
    clock.advance(2000);
    await first.sendText("still here");
    await eventually(
      () => h.counters.get("EventAcceptedCount") === 1,
      "a message, same connection",
    );
    strictEqual(h.counters.get("ConnectionClosedCount"), 0);

    first.answerPings = false;
    clock.advance(3000); // t = 10 s: the second ping frame
    await server.until(() => first.pings.length === 2, "ping frame #2");
    clock.advance(2000);
    await eventually(() => h.counters.get("PongTimeoutCount") === 1, "the timeout counted");
    await eventually(() => h.counters.get("ConnectionClosedCount") === 1, "the connection closed");
    match(
      h.log.messages("warn").join("\n"),
      /no pong frame within 2 s of a ping frame \(pongTimeout\)/,
    );
    await eventually(
      () => h.log.messages("info").some((m) => /Reconnecting/.test(m)),
      "a retry scheduled",
    );
    clock.advance(2000);
    await server.connection(2);
    await opened(h, 2);
    strictEqual(h.counters.get("EventReceivedCount"), 1, "pong frames are no events");
  } finally {
    await h.source.stop();
    await server.close();
  }
});

const HEAD = [
  "a1.sources = w1",
  "a1.channels = c1",
  "a1.channels.c1.type = memory",
  "a1.sources.w1.type = websocket",
  "a1.sources.w1.channels = c1",
  "a1.sources.w1.endpoint = ws://127.0.0.1:1/",
];

/** Every issue of a configuration with `lines` after HEAD. */
function issues(lines: string[]): ConfigIssue[] {
  try {
    return [
      ...loadAgentConfig([...HEAD, ...lines].join("\n"), {
        file: "w.conf",
        agent: "a1",
        lookup: builtinRegistry(),
        variables: { env: () => undefined, sys: {} },
      }).warnings,
    ];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.issues];
    throw err;
  }
}

Deno.test("websocket heartbeat configuration errors and warnings", async (t) => {
  const rows: { name: string; lines: string[]; severity: string; property: string; re: RegExp }[] =
    [
      {
        name: "pongMessage without pingMessage",
        lines: ["a1.sources.w1.pongMessage = pong"],
        severity: "error",
        property: "pongMessage",
        re: /pongMessage without pingMessage/,
      },
      {
        name: "an invalid pongMessage regular expression",
        lines: [
          "a1.sources.w1.pingMessage = ping",
          "a1.sources.w1.pingInterval = 5",
          "a1.sources.w1.pongMessage = /pong(/",
        ],
        severity: "error",
        property: "pongMessage",
        re: /Invalid pongMessage regular expression/,
      },
      {
        name: "a stateful regular expression flag",
        lines: [
          "a1.sources.w1.pingMessage = ping",
          "a1.sources.w1.pingInterval = 5",
          "a1.sources.w1.pongMessage = /pong/g",
        ],
        severity: "error",
        property: "pongMessage",
        re: /flags "g": expected i, m, s or u/,
      },
      {
        name: "a zero pongTimeout",
        lines: ["a1.sources.w1.protocolPingInterval = 5", "a1.sources.w1.pongTimeout = 0"],
        severity: "error",
        property: "pongTimeout",
        re: /pongTimeout/,
      },
      {
        name: "a negative protocolPingInterval",
        lines: ["a1.sources.w1.protocolPingInterval = -1"],
        severity: "error",
        property: "protocolPingInterval",
        re: /protocolPingInterval/,
      },
      {
        name: "pongTimeout with nothing to time",
        lines: ["a1.sources.w1.pongTimeout = 5"],
        severity: "warning",
        property: "pongTimeout",
        re: /pongTimeout without pongMessage or protocolPingInterval: ignored/,
      },
    ];
  for (const row of rows) {
    await t.step(row.name, () => {
      const found = issues(row.lines).filter((i) =>
        i.severity === row.severity && i.component === "sources.w1"
      );
      strictEqual(found.length, 1, JSON.stringify(found));
      strictEqual(found[0].property, row.property);
      match(found[0].message, row.re);
    });
  }
  await t.step("a complete heartbeat is valid, with pongTimeout 10 s by default", () => {
    const found = issues([
      "a1.sources.w1.pingMessage = ping",
      "a1.sources.w1.pingInterval = 5",
      "a1.sources.w1.pongMessage = /^pong$/i",
      "a1.sources.w1.protocolPingInterval = 30",
    ]).filter((i) => i.component === "sources.w1");
    deepStrictEqual(found, []);
  });
});
