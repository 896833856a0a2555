import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { EndpointRotation, splitEndpoints } from "../../src/sources/websocket/endpoints.ts";
import { redactUrl } from "../../src/util/redact.ts";
import { runCli, withTempDir } from "../support/cli.ts";
import { eventually, sourceHarness } from "../support/websocket_harness.ts";
import { WsTestServer } from "../support/ws_test_server.ts";

const FAST = { retryDelay: "0.05", connectTimeout: "5" };

/** A loopback port that nothing listens on (taken from port 0, then released). */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("websocket source fails over across endpoints and comes back to the first", async () => {
  const down1 = closedPort();
  const down2 = closedPort();
  const third = await WsTestServer.start();
  let first: WsTestServer | undefined;
  const h = sourceHarness({
    endpoint: `ws://127.0.0.1:${down1}/a ws://127.0.0.1:${down2}/b ${third.url("/c")}`,
    ...FAST,
  });
  try {
    await h.source.start();
    const onThird = await third.connection(1);
    await eventually(() => h.counters.get("OpenConnectionCount") === 1, "the open connection");
    strictEqual(h.counters.get("EndpointIndex"), 3);
    ok(h.counters.get("ConnectionFailedCount") >= 2);
    ok(h.counters.get("EndpointSwitchCount") >= 2);
    const info = h.log.messages("info").join("\n");
    match(
      info,
      new RegExp(`Connected to ws://127\\.0\\.0\\.1:${third.port}/c \\(endpoint 3 of 3\\)`),
    );
    match(
      h.log.messages("warn").join("\n"),
      new RegExp(`Cannot connect to ws://127\\.0\\.0\\.1:${down1}/a`),
    );

    // The first endpoint comes up; the third delivers (a healthy connection), then closes.
    first = await WsTestServer.start(down1);
    await onThird.sendText("from the third");
    await eventually(() => h.counters.get("EventAcceptedCount") === 1, "the third's message");
    await onThird.close(1001, "restarting");
    const onFirst = await first.connection(1);
    strictEqual(first.handshakes[0].path, "/a");
    await eventually(() => h.counters.get("EndpointIndex") === 1, "EndpointIndex 1");
    await onFirst.sendText("from the first");
    await eventually(() => h.counters.get("EventAcceptedCount") === 2, "the first's message");
    deepStrictEqual(await h.drainText(), ["from the third", "from the first"]);
    match(
      h.log.messages("info").join("\n"),
      /Switching to endpoint 1 of 3: ws:\/\/127\.0\.0\.1:\d+\/a/,
    );
    strictEqual(third.connections.length, 1, "no attempt went to the third meanwhile");
  } finally {
    await h.source.stop();
    await third.close();
    await first?.close();
  }
});

Deno.test("websocket source moves on from an endpoint whose connection ends before a message", async () => {
  const one = await WsTestServer.start();
  const two = await WsTestServer.start();
  one.onConnection = (c) => void c.close(1011, "not today");
  two.onConnection = (c) => void c.sendText("two");
  const h = sourceHarness({ endpoint: `${one.url()} ${two.url()}`, ...FAST });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventAcceptedCount") === 1, "the second's message");
    strictEqual(one.connections.length, 1);
    strictEqual(h.counters.get("EndpointIndex"), 2);
    strictEqual(h.counters.get("EndpointSwitchCount"), 1);
  } finally {
    await h.source.stop();
    await one.close();
    await two.close();
  }
});

Deno.test("EndpointRotation: next after a failure, first after a healthy connection", () => {
  const rotation = new EndpointRotation(["a", "b", "c"]);
  strictEqual(rotation.current, "a");
  strictEqual(rotation.settle(false), true);
  strictEqual(rotation.current, "b");
  strictEqual(rotation.settle(true), true);
  strictEqual(rotation.current, "a");
  strictEqual(rotation.settle(true), false, "a healthy first endpoint stays");
  rotation.settle(false);
  rotation.settle(false);
  strictEqual(rotation.index, 2);
  rotation.settle(false);
  strictEqual(rotation.current, "a", "wraps around");
  const single = new EndpointRotation(["only"]);
  strictEqual(single.settle(false), false);
  strictEqual(single.current, "only");
  deepStrictEqual(splitEndpoints("  ws://a/ \n\t ws://b/  "), ["ws://a/", "ws://b/"]);
});

/** The issues of loading w1 with this endpoint value. */
function issues(endpoint: string, extra: string[] = []): ConfigIssue[] {
  const text = [
    "a1.sources = w1",
    "a1.channels = c1",
    "a1.channels.c1.type = memory",
    "a1.sources.w1.type = websocket",
    "a1.sources.w1.channels = c1",
    `a1.sources.w1.endpoint = ${endpoint}`,
    ...extra.map((line) => `a1.sources.w1.${line}`),
  ].join("\n");
  try {
    const config = loadAgentConfig(text, {
      file: "w.conf",
      agent: "a1",
      lookup: builtinRegistry(),
      variables: { env: () => undefined, sys: {} },
    });
    return config.warnings.filter((i) => i.component === "sources.w1");
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.filter((i) => i.component === "sources.w1");
    throw err;
  }
}

Deno.test("loadAgentConfig checks every endpoint of a list", async (t) => {
  await t.step("several ws:// and wss:// URLs are valid", () => {
    deepStrictEqual(issues("wss://a.example/feed  ws://b.example:8080/feed"), []);
  });
  await t.step("an invalid one is an error quoting it, redacted", () => {
    const found = issues("wss://a.example/ http://u:pw@b.example/?token=abc");
    strictEqual(found.length, 1);
    strictEqual(found[0].property, "endpoint");
    match(
      found[0].message,
      /Invalid endpoint "http:\/\/b\.example\/\?token=\*\*\*": expected a ws:\/\//,
    );
    ok(!found[0].message.includes("pw") && !found[0].message.includes("abc"));
  });
  await t.step("sslEnabled = true with a ws:// among them is an error", () => {
    const found = issues("wss://a.example/ ws://b.example/", ["sslEnabled = true"]);
    strictEqual(found[0]?.property, "sslEnabled");
    match(found[0].message, /sslEnabled=true with a ws:\/\/ endpoint/);
  });
  await t.step("the same URL twice is a warning", () => {
    const found = issues("ws://a.example/ ws://a.example/");
    strictEqual(found[0]?.severity, "warning");
    match(found[0].message, /endpoint lists "ws:\/\/a\.example\/" twice/);
  });
  await t.step("redactUrl redacts each URL of a list", () => {
    strictEqual(
      redactUrl("ws://u:p@a.example/?k=secret  wss://b.example/x"),
      "ws://a.example/?k=*** wss://b.example/x",
    );
  });
});

Deno.test("check shows every endpoint redacted; check --connect gives one verdict each", async () => {
  const live = await WsTestServer.start();
  const down = closedPort();
  try {
    await withTempDir(async (dir) => {
      const file = `${dir}/f.conf`;
      await Deno.writeTextFile(
        file,
        [
          "a1.sources = w1",
          "a1.channels = c1",
          "a1.channels.c1.type = memory",
          "a1.sources.w1.type = websocket",
          "a1.sources.w1.channels = c1",
          `a1.sources.w1.endpoint = ws://user:hunter2@127.0.0.1:${down}/?token=abc123 ${live.url()}`,
        ].join("\n"),
      );
      const { code, stdout, stderr } = await runCli(["check", "-n", "a1", "-f", file, "--connect"]);
      strictEqual(code, 1, stdout + stderr);
      ok(!stdout.includes("hunter2") && !stdout.includes("abc123"), stdout);
      match(
        stdout,
        new RegExp(
          `endpoint = ws://127\\.0\\.0\\.1:${down}/\\?token=\\*\\*\\* ws://127\\.0\\.0\\.1:${live.port}/`,
        ),
      );
      match(stdout, /w1 .*: 1 of 2 endpoints answered/);
      match(
        stdout,
        new RegExp(`\\[1\\] ws://127\\.0\\.0\\.1:${down}/\\?token=\\*\\*\\*: FAILED: .*refused`),
      );
      match(stdout, new RegExp(`\\[2\\] ws://127\\.0\\.0\\.1:${live.port}/: OK`));
    });
  } finally {
    await live.close();
  }
});
