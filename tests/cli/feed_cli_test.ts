import { match, ok, strictEqual } from "node:assert/strict";
import { SILENT_LOG } from "../../src/api/log.ts";
import { startFeed } from "../../src/feed/feed_server.ts";
import { isSubscription } from "../../src/feed/subscription.ts";
import { runCli } from "../support/cli.ts";

const SUBSCRIBE = '{"type": "subscribe", "product_ids": ["BTC-USD"], "channels": ["ticker"]}';

/** Connects, sends `say` in order, and collects messages until `until` holds or `n` arrived. */
async function exchange(url: string, say: readonly string[], n: number): Promise<string[]> {
  const ws = new WebSocket(url);
  const got: string[] = [];
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  ws.onopen = (): void => say.forEach((text) => ws.send(text));
  ws.onerror = (e): void => reject(new Error((e as ErrorEvent).message));
  ws.onmessage = (e): void => {
    if (got.length === n) return;
    got.push(String(e.data));
    if (got.length === n) ws.close();
  };
  ws.onclose = (): void => resolve();
  await promise;
  return got;
}

Deno.test("feed fails at once, naming the port, when the port is taken", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  try {
    const { code, stdout, stderr } = await runCli(["feed", "--port", String(port)]);
    strictEqual(code, 1);
    strictEqual(stdout, "");
    const lines = stderr.trimEnd().split("\n");
    strictEqual(lines.length, 1, stderr);
    strictEqual(
      lines[0],
      `error: Cannot listen on 127.0.0.1:${port}: port ${port} is already in use; ` +
        "stop the program that holds it, or choose another port with --port PORT " +
        "(--port 0 picks a free one)",
    );
  } finally {
    listener.close();
  }
});

Deno.test("feed rejects out-of-range and malformed numbers with exit 2, naming the option", async (t) => {
  const cases: [string[], string][] = [
    [
      ["--port", "99999"],
      'Invalid --port "99999": expected a whole number from 0 to 65535 (0 picks a free port)',
    ],
    [
      ["-p", "-1"],
      'Invalid --port "-1": expected a whole number from 0 to 65535 (0 picks a free port)',
    ],
    [["--port", "80x"], 'Invalid --port "80x": expected a whole number from 0 to 65535'],
    [["--rate", "-5"], 'Invalid --rate "-5": expected a whole number from 0 to 1000000'],
    [["--rate=-5"], 'Invalid --rate "-5": expected a whole number from 0 to 1000000'],
    [["--rate", "2.5"], 'Invalid --rate "2.5": expected a whole number'],
    [["--count", "-1"], 'Invalid --count "-1": expected a whole number of 0 or more'],
    [["--size", "99999999999"], 'Invalid --size "99999999999": expected a whole number from 0'],
    [["--rate"], "Missing value for --rate"],
    [["--host", ""], 'Invalid --host "": expected a host name or address'],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      const { code, stderr } = await runCli(["feed", ...args]);
      strictEqual(code, 2, stderr);
      ok(stderr.startsWith(`error: ${message}`), stderr);
      ok(!stderr.includes("ambiguous"), stderr);
      match(stderr, /^Run "flume-ws feed --help" for usage$/m);
    });
  }
});

Deno.test("other commands take a value starting with '-' and report it as a bad value", async (t) => {
  await t.step("agent --drain-timeout -1", async () => {
    const { code, stderr } = await runCli([
      "agent",
      "-n",
      "a1",
      "-f",
      "conf/flume.conf",
      "--drain-timeout",
      "-1",
    ]);
    strictEqual(code, 2);
    match(stderr, /^error: Invalid --drain-timeout "-1": expected seconds$/m);
  });
  await t.step("a value that is one of the options is a missing value", async () => {
    const { code, stderr } = await runCli(["check", "-n", "-f", "conf/flume.conf"]);
    strictEqual(code, 2);
    match(stderr, /^error: Missing value for --name$/m);
  });
  await t.step("keystore --pass -x reads -x as the password", async () => {
    const { code, stderr } = await runCli([
      "keystore",
      "-f",
      "tests/fixtures/tls/client.p12",
      "--pass",
      "-not-the-password",
    ]);
    strictEqual(code, 2);
    match(stderr, /wrong password or corrupt/);
    ok(!stderr.includes("-not-the-password"), "the password is not echoed");
  });
});

Deno.test("feed takes a subscription instead of echoing it back", async (t) => {
  const feed = await startFeed({ port: 0, rate: 100, log: SILENT_LOG });
  try {
    const url = `ws://127.0.0.1:${feed.port}/`;
    await t.step("a subscribing client gets ticks only", async () => {
      const got = await exchange(url, [SUBSCRIBE], 5);
      ok(got.every((text) => JSON.parse(text).type === "ticker"), got.join("\n"));
    });
    await t.step("other text is still echoed (the seed's echo example)", async () => {
      const got = await exchange(url, [SUBSCRIBE, "hello world"], 20);
      ok(got.includes("hello world"), got.join("\n"));
      ok(!got.includes(SUBSCRIBE), "the subscription must not come back");
    });
  } finally {
    await feed.close();
  }
});

Deno.test("isSubscription knows the usual subscription requests", () => {
  for (
    const text of [
      SUBSCRIBE,
      '{"type":"unsubscribe","channels":["ticker"]}',
      '{"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}',
      '{"event":"subscribe","pair":["XBT/USD"],"subscription":{"name":"ticker"}}',
      '{"op":"subscribe","args":["tickers.BTCUSDT"]}',
      ' {"action":"subscribe"}',
    ]
  ) ok(isSubscription(text), text);
  for (
    const text of [
      "hello world",
      "subscribe",
      '{"type":"ticker"}',
      '["subscribe"]',
      '{"type": "subscribe"',
      "null",
      '{"type":{"subscribe":true}}',
    ]
  ) ok(!isSubscription(text), text);
});
