import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { chosenSubprotocol } from "../../src/sources/websocket/subprotocols.ts";
import { eventually, sourceHarness } from "../support/websocket_harness.ts";
import { WsTestServer } from "../support/ws_test_server.ts";

const FAST = { retryDelay: "0.05", connectTimeout: "5" };

Deno.test("chosenSubprotocol accepts one offered name and refuses anything else", () => {
  deepStrictEqual(chosenSubprotocol(["v1", "v2"], "v2"), { ok: true, protocol: "v2" });
  deepStrictEqual(chosenSubprotocol([], undefined), { ok: true, protocol: "" });
  match(
    (chosenSubprotocol(["v1", "v2"], undefined) as { reason: string }).reason,
    /chose none of the subprotocols offered \(v1, v2\)/,
  );
  match(
    (chosenSubprotocol(["v1"], "V1") as { reason: string }).reason,
    /chose the subprotocol "V1", which the client did not offer/,
    "names are compared exactly",
  );
  match(
    (chosenSubprotocol(["v1", "v2"], "v1, v2") as { reason: string }).reason,
    /chose several subprotocols "v1, v2"/,
  );
  match(
    (chosenSubprotocol([], "chat") as { reason: string }).reason,
    /which the client did not ask for/,
  );
});

Deno.test("websocket source offers subprotocols and logs the one the server chose", async () => {
  const server = await WsTestServer.start();
  server.answerProtocol = (offered) => offered?.split(",").map((s) => s.trim())[1];
  server.onConnection = (c) => void c.sendText("hello");
  const h = sourceHarness({ endpoint: server.url(), ...FAST, subprotocols: "v1.json, v2.json" });
  try {
    await h.source.start();
    await eventually(() => h.counters.get("EventAcceptedCount") === 1, "a message");
    strictEqual(server.handshakes[0].headers.get("sec-websocket-protocol"), "v1.json, v2.json");
    ok(
      h.log.messages("info").some((m) => /^Connected to .*\(subprotocol "v2\.json"\)$/.test(m)),
      h.log.messages("info").join("\n"),
    );
    deepStrictEqual(await h.drainText(), ["hello"]);
  } finally {
    await h.source.stop();
    await server.close();
  }
});

Deno.test("websocket source fails and retries the attempt when the server's choice is not one offered", async (t) => {
  for (
    const [name, answer, cause] of [
      ["no subprotocol chosen", undefined, /chose none of the subprotocols offered \(v1, v2\)/],
      ["one not offered", "v3", /chose the subprotocol "v3", which the client did not offer/],
    ] as const
  ) {
    await t.step(name, async () => {
      const server = await WsTestServer.start();
      server.answerProtocol = () => answer;
      const h = sourceHarness({ endpoint: server.url(), ...FAST, subprotocols: "v1 v2" });
      try {
        await h.source.start();
        await server.until(() => server.handshakes.length >= 2, "a retried attempt");
        await eventually(() => h.counters.get("ConnectionFailedCount") >= 2, "failed attempts");
        strictEqual(h.counters.get("ConnectionCreatedCount"), 0, "never counted as connected");
        match(h.log.messages("warn").join("\n"), cause);
      } finally {
        await h.source.stop();
        await server.close();
      }
    });
  }
});

/** Every issue of a websocket source with `lines` added. */
function issues(lines: string[]): ConfigIssue[] {
  const text = [
    "a1.sources = w1",
    "a1.channels = c1",
    "a1.channels.c1.type = memory",
    "a1.sources.w1.type = websocket",
    "a1.sources.w1.channels = c1",
    "a1.sources.w1.endpoint = ws://127.0.0.1:1/",
    ...lines,
  ].join("\n");
  try {
    return [
      ...loadAgentConfig(text, {
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

Deno.test("websocket subprotocols configuration errors", async (t) => {
  for (
    const [name, value, re] of [
      [
        "a name that is no token",
        "v1/json",
        /Invalid subprotocol "v1\/json": expected an RFC 7230 token/,
      ],
      ["a name listed twice", "v1, v2, v1", /Subprotocol "v1" is listed twice/],
    ] as const
  ) {
    await t.step(name, () => {
      const errors = issues([`a1.sources.w1.subprotocols = ${value}`])
        .filter((i) => i.severity === "error");
      strictEqual(errors.length, 1, JSON.stringify(errors));
      strictEqual(errors[0].property, "subprotocols");
      match(errors[0].message, re);
    });
  }
  await t.step("the Sec-WebSocket-Protocol header cannot be set by hand", () => {
    const errors = issues(["a1.sources.w1.header.Sec-WebSocket-Protocol = v1"])
      .filter((i) => i.severity === "error");
    strictEqual(errors.length, 1);
    match(errors[0].message, /the WebSocket handshake sets it itself/);
  });
});
