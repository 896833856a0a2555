import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { defineSink, type SinkDefinition } from "../../src/api/component.ts";
import type { Delivery } from "../../src/api/sink.ts";
import { assessHealth, DOWN_AFTER_FAILURES } from "../../src/monitoring/health.ts";
import { NULL_SINK } from "../../src/sinks/null_sink.ts";
import { WsTestServer } from "../support/ws_test_server.ts";
import { request, until, withMonitoredAgent } from "./_monitored_agent.ts";

Deno.test("health rules: up while connected or retrying on schedule, down after 3 failures", async (t) => {
  strictEqual(DOWN_AFTER_FAILURES, 3);

  await t.step("a connected source is up, whatever came before", () => {
    const report = assessHealth(
      new Map([["SOURCE.w1", { connected: true, consecutiveFailures: 7, lastError: "x" }]]),
    );
    deepStrictEqual(report, {
      status: "ok",
      components: { "SOURCE.w1": { status: "ok", connected: true, consecutiveFailures: 7 } },
    });
  });

  await t.step("fewer failures than 3 are retries: up, with the reason", () => {
    const report = assessHealth(
      new Map([["SOURCE.w1", {
        connected: false,
        consecutiveFailures: 2,
        lastError: "connection refused by 127.0.0.1:9",
      }]]),
      { typeOf: () => "websocket" },
    );
    deepStrictEqual(report.components["SOURCE.w1"], {
      status: "ok",
      reason: "retrying: 2 attempts failed in a row (connection refused by 127.0.0.1:9)",
      type: "websocket",
      connected: false,
      consecutiveFailures: 2,
    });
    strictEqual(report.status, "ok");
  });

  await t.step("3 failed attempts in a row: down, naming the cause", () => {
    const report = assessHealth(
      new Map([
        ["SOURCE.w1", {
          connected: false,
          consecutiveFailures: 3,
          lastError: "connection refused by 127.0.0.1:9",
        }],
        ["SINK.k1", { consecutiveFailures: 0 }],
      ]),
    );
    strictEqual(report.status, "down");
    strictEqual(
      report.components["SOURCE.w1"].reason,
      "not connected: 3 attempts failed in a row (connection refused by 127.0.0.1:9)",
    );
    strictEqual(report.components["SINK.k1"].status, "ok");
  });

  await t.step("a sink is down after 3 failed batches in a row", () => {
    const report = assessHealth(
      new Map([["SINK.k1", { consecutiveFailures: 4, lastError: "HTTP 503" }]]),
    );
    strictEqual(report.status, "down");
    strictEqual(
      report.components["SINK.k1"].reason,
      "not draining: 4 batches failed in a row (HTTP 503)",
    );
    strictEqual(
      assessHealth(new Map([["SINK.k1", { consecutiveFailures: 1 }]])).components["SINK.k1"]
        .reason,
      "retrying: 1 batch failed in a row",
    );
  });

  await t.step("an agent without sources and sinks is up", () => {
    deepStrictEqual(assessHealth(new Map()), { status: "ok", components: {} });
  });
});

const WS_TO_NULL = (endpoint: string): string => `
a1.sources = w1
a1.channels = c1
a1.sinks = k1
a1.sources.w1.type = websocket
a1.sources.w1.endpoint = ${endpoint}
a1.sources.w1.retryDelay = 0.05
a1.sources.w1.connectTimeout = 2
a1.sources.w1.header.Authorization = Bearer hunter2
a1.sources.w1.channels = c1
a1.channels.c1.type = memory
a1.sinks.k1.type = null
a1.sinks.k1.channel = c1
`;

Deno.test("/health turns 503 while the WebSocket server is down and 200 once it is back", async () => {
  const server = await WsTestServer.start();
  server.onConnection = (c) => void c.sendText("tick");
  try {
    const conf = WS_TO_NULL(server.url("/feed?token=s3cret"));
    await withMonitoredAgent(conf, { type: "http" }, async (_agent, url) => {
      const up = await until(
        `${url}health`,
        (a) => a.status === 200 && JSON.parse(a.text).components["SOURCE.w1"].connected === true,
        "the source to connect",
      );
      deepStrictEqual(JSON.parse(up.text).components["SOURCE.w1"], {
        status: "ok",
        type: "websocket",
        connected: true,
        consecutiveFailures: 0,
      });

      await server.kill();
      const down = await until(`${url}health`, (a) => a.status === 503, "/health to say down");
      strictEqual(down.headers.get("content-type"), "application/json; charset=utf-8");
      const body = JSON.parse(down.text);
      strictEqual(body.status, "down");
      const source = body.components["SOURCE.w1"];
      strictEqual(source.status, "down");
      strictEqual(source.connected, false);
      ok(source.consecutiveFailures >= 3);
      match(
        source.reason,
        new RegExp(
          `^not connected: \\d+ attempts failed in a row \\(connection refused by 127\\.0\\.0\\.1:${server.port}\\)$`,
        ),
      );
      strictEqual(body.components["SINK.k1"].status, "ok", "the sink is not to blame");
      for (const secret of ["s3cret", "hunter2"]) {
        ok(!down.text.includes(secret), `no ${secret} in /health`);
        ok(!(await request(`${url}metrics`)).text.includes(secret), `no ${secret} in /metrics`);
      }

      await server.restart();
      const back = await until(`${url}health`, (a) => a.status === 200, "/health to say ok");
      const recovered = JSON.parse(back.text).components["SOURCE.w1"];
      strictEqual(recovered.connected, true);
      strictEqual(recovered.status, "ok");
    });
  } finally {
    await server.close();
  }
});

/** A sink whose deliveries fail while `state.failing` is set. */
function flakySink(state: { failing: boolean }): SinkDefinition {
  return defineSink({
    type: "flaky",
    summary: "Fails while told to",
    properties: NULL_SINK.properties,
    create: () => ({
      batchSize: 10,
      deliver: (): Promise<Delivery> =>
        state.failing
          ? Promise.reject(new Error("Downstream unavailable"))
          : Promise.resolve({ outcome: "commit" }),
    }),
  });
}

Deno.test("/health says a sink that fails 3 batches in a row is not draining, until it delivers", async () => {
  const state = { failing: true };
  const conf = `
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.totalEvents = 5
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.sinks.k1.type = flaky
a1.sinks.k1.channel = c1
`;
  await withMonitoredAgent(
    conf,
    { type: "prometheus", extra: { sink: [flakySink(state)] } },
    async (_agent, url) => {
      const down = await until(`${url}health`, (a) => a.status === 503, "the sink to be down");
      const sink = JSON.parse(down.text).components["SINK.k1"];
      strictEqual(sink.status, "down");
      strictEqual(sink.type, "flaky");
      match(
        sink.reason,
        /^not draining: 3 batches failed in a row \(Downstream unavailable; the 5 event\(s\) stay in channel "c1"\)$/,
      );
      const metrics = await request(`${url}metrics`);
      match(metrics.text, /^flume_component_up\{component="sink",name="k1",type="flaky"\} 0$/m);
      state.failing = false;
      const back = await until(`${url}health`, (a) => a.status === 200, "the sink to deliver");
      deepStrictEqual(JSON.parse(back.text).components["SINK.k1"], {
        status: "ok",
        type: "flaky",
        consecutiveFailures: 0,
      });
    },
  );
});
