import {
  deepStrictEqual,
  equal,
  match,
  notEqual,
  ok,
  rejects,
  strictEqual,
} from "node:assert/strict";
import { defineSink } from "../../src/api/component.ts";
import { DASHBOARD_HTML } from "../../src/monitoring/dashboard_page.ts";
import { flumeMetrics } from "../../src/monitoring/flume_json.ts";
import { prometheusName } from "../../src/monitoring/prometheus_text.ts";
import { NULL_SINK } from "../../src/sinks/null_sink.ts";
import { parsePrometheus } from "./_prometheus_parser.ts";
import { request, until, withMonitoredAgent } from "./_monitored_agent.ts";

const SEQ_TO_NULL = `
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.channels.c1.capacity = 1000
a1.channels.c1.transactionCapacity = 100
a1.sinks.k1.type = null
a1.sinks.k1.channel = c1
a1.sinks.k1.batchSize = 100
`;

/** Every key of a JSON object and of the objects in it, with each value's type. */
function shape(json: Record<string, Record<string, unknown>>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(json).map(([id, group]) => [id, Object.keys(group).sort()]),
  );
}

/** Sends `METHOD path` over a plain TCP connection (fetch refuses TRACE) and returns the status line. */
async function rawStatusLine(url: string, method: string): Promise<string> {
  const { hostname, port, pathname } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    const ask = `${method} ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(ask));
    const answer = await new Response(conn.readable).text();
    return answer.split("\r\n")[0];
  } catch (err) {
    conn.close();
    throw err;
  }
}

Deno.test("http monitoring serves Flume's JSON on /metrics", async (t) => {
  await withMonitoredAgent(SEQ_TO_NULL, { type: "http" }, async (_agent, url) => {
    const first = await request(`${url}metrics`);
    const second = await until(
      `${url}metrics`,
      (a) => {
        const json = JSON.parse(a.text);
        return Number(json["SOURCE.r1"].EventAcceptedCount) >
          Number(JSON.parse(first.text)["SOURCE.r1"].EventAcceptedCount);
      },
      "the counters to move",
    );

    await t.step("one flat object keyed TYPE.name, every value a string", () => {
      strictEqual(first.status, 200);
      strictEqual(first.headers.get("content-type"), "application/json;charset=utf-8");
      const json = JSON.parse(first.text) as Record<string, Record<string, unknown>>;
      deepStrictEqual(Object.keys(json).sort(), ["CHANNEL.c1", "SINK.k1", "SOURCE.r1"]);
      for (const [id, group] of Object.entries(json)) {
        for (const [name, value] of Object.entries(group)) {
          strictEqual(typeof value, "string", `${id} ${name} is a string`);
        }
      }
    });

    await t.step(
      "Type, StartTime and StopTime as Flume shows them, with Flume's counter names",
      () => {
        const json = JSON.parse(second.text) as Record<string, Record<string, string>>;
        for (
          const [id, type] of [["SOURCE.r1", "SOURCE"], ["CHANNEL.c1", "CHANNEL"], [
            "SINK.k1",
            "SINK",
          ]]
        ) {
          strictEqual(json[id].Type, type);
          match(json[id].StartTime, /^\d{13}$/, `${id} StartTime in epoch millis`);
          ok(Math.abs(Number(json[id].StartTime) - Date.now()) < 60_000);
          strictEqual(json[id].StopTime, "0", `${id} runs`);
        }
        const keys = shape(json);
        for (
          const name of ["EventReceivedCount", "EventAcceptedCount", "AppendBatchAcceptedCount"]
        ) ok(keys["SOURCE.r1"].includes(name), name);
        for (
          const name of [
            "ChannelCapacity",
            "ChannelSize",
            "ChannelFillPercentage",
            "EventPutSuccessCount",
            "EventTakeSuccessCount",
          ]
        ) ok(keys["CHANNEL.c1"].includes(name), name);
        for (const name of ["EventDrainSuccessCount", "BatchCompleteCount", "EventWriteFail"]) {
          ok(keys["SINK.k1"].includes(name), name);
        }
        strictEqual(json["CHANNEL.c1"].ChannelCapacity, "1000");
        match(json["CHANNEL.c1"].ChannelFillPercentage, /^\d+(\.\d+)?$/);
        ok(json["CHANNEL.c1"].ChannelFillPercentage.includes("."), "a double, as Java shows it");
      },
    );

    await t.step("the counters move between two reads", () => {
      const [a, b] = [JSON.parse(first.text), JSON.parse(second.text)];
      ok(Number(b["SOURCE.r1"].EventAcceptedCount) > Number(a["SOURCE.r1"].EventAcceptedCount));
      ok(
        Number(b["SINK.k1"].EventDrainSuccessCount) >= Number(a["SINK.k1"].EventDrainSuccessCount),
      );
    });
  });
});

Deno.test("monitoring answers only GET and HEAD on its paths", async (t) => {
  const conf = SEQ_TO_NULL.replace("type = seq", "type = seq\na1.sources.r1.totalEvents = 10");
  await withMonitoredAgent(conf, { type: "http" }, async (_agent, url) => {
    await t.step("other paths are 404", async () => {
      for (const path of ["nope", "metrics.json", "metricsx", "favicon.ico"]) {
        const answer = await request(`${url}${path}`);
        strictEqual(answer.status, 404, path);
      }
    });

    await t.step("methods other than GET and HEAD are 405 with Allow", async () => {
      for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
        const answer = await request(`${url}metrics`, { method });
        strictEqual(answer.status, 405, method);
        strictEqual(answer.headers.get("allow"), "GET, HEAD");
      }
      strictEqual(await rawStatusLine(`${url}metrics`, "TRACE"), "HTTP/1.1 405 Method Not Allowed");
      strictEqual(
        await rawStatusLine(`${url}health`, "OPTIONS"),
        "HTTP/1.1 405 Method Not Allowed",
      );
    });

    await t.step("HEAD answers with the headers and no body", async () => {
      const head = await request(`${url}metrics`, { method: "HEAD" });
      strictEqual(head.status, 200);
      strictEqual(head.text, "");
      strictEqual(head.headers.get("content-type"), "application/json;charset=utf-8");
      const page = await request(url, { method: "HEAD" });
      strictEqual(page.status, 200);
      strictEqual(page.text, "");
      strictEqual(
        page.headers.get("content-length"),
        String(new TextEncoder().encode(DASHBOARD_HTML).byteLength),
      );
    });

    await t.step("GET / is the dashboard page", async () => {
      const page = await request(url);
      strictEqual(page.status, 200);
      strictEqual(page.headers.get("content-type"), "text/html; charset=utf-8");
      strictEqual(page.text, DASHBOARD_HTML);
    });

    await t.step("GET /health is JSON", async () => {
      const health = await request(`${url}health`);
      strictEqual(health.status, 200);
      strictEqual(health.headers.get("content-type"), "application/json; charset=utf-8");
      deepStrictEqual(JSON.parse(health.text), {
        status: "ok",
        components: {
          "SOURCE.r1": { status: "ok", type: "seq", consecutiveFailures: 0 },
          "SINK.k1": { status: "ok", type: "null", consecutiveFailures: 0 },
        },
      });
    });
  });
});

Deno.test("prometheus monitoring serves the same counters in the text format", async (t) => {
  const conf = SEQ_TO_NULL.replace("type = seq", "type = seq\na1.sources.r1.totalEvents = 40")
    .replace("a1.sinks.k1.batchSize = 100", "a1.sinks.k1.batchSize = 7");
  await withMonitoredAgent(conf, { type: "prometheus" }, async (agent, url) => {
    const sink = agent.counters.get("SINK.k1")!;
    await until(`${url}health`, () => sink.get("EventDrainSuccessCount") === 40, "the drain");
    // The idle sink still counts empty batches now and then: read until none came between.
    let json = flumeMetrics(agent.counters);
    let answer = await request(`${url}metrics`);
    for (let i = 0; i < 5; i++) {
      const after = flumeMetrics(agent.counters);
      if (JSON.stringify(after) === JSON.stringify(json)) break;
      json = after;
      answer = await request(`${url}metrics`);
    }
    const families = parsePrometheus(answer.text);

    await t.step("answers in the text format 0.0.4", () => {
      strictEqual(answer.status, 200);
      match(answer.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4\b/);
    });

    await t.step("names: flume_ and snake case, counters _total, gauges without a suffix", () => {
      const types = Object.fromEntries([...families.values()].map((f) => [f.name, f.type]));
      strictEqual(types.flume_event_received_total, "counter");
      strictEqual(types.flume_event_accepted_total, "counter");
      strictEqual(types.flume_channel_write_fail_total, "counter");
      strictEqual(types.flume_event_drain_success_total, "counter");
      strictEqual(types.flume_channel_size, "gauge");
      strictEqual(types.flume_channel_capacity, "gauge");
      strictEqual(types.flume_channel_fill_percentage, "gauge");
      strictEqual(types.flume_open_connections, "gauge");
      strictEqual(types.flume_start_time_seconds, "gauge");
      strictEqual(types.flume_stop_time_seconds, "gauge");
      strictEqual(types.flume_component_up, "gauge");
      for (const family of families.values()) {
        ok(family.name.startsWith("flume_"), family.name);
        strictEqual(family.name.endsWith("_total"), family.type === "counter", family.name);
        ok(family.help.length > 0, `${family.name} has a HELP text`);
      }
    });

    await t.step("labels component, name and type on every sample", () => {
      const received = families.get("flume_event_received_total")!.samples;
      deepStrictEqual(received, [{
        labels: { component: "source", name: "r1", type: "seq" },
        value: 40,
      }]);
      const size = families.get("flume_channel_size")!.samples;
      deepStrictEqual(size.map((s) => s.labels), [{
        component: "channel",
        name: "c1",
        type: "memory",
      }]);
      const up = families.get("flume_component_up")!.samples;
      deepStrictEqual(up.map((s) => [s.labels.name, s.value]), [["r1", 1], ["k1", 1]]);
    });

    await t.step("every JSON value is a sample with the same value", () => {
      let compared = 0;
      for (const [id, group] of Object.entries(json)) {
        const [kind, name] = id.split(".");
        for (const [counter, text] of Object.entries(group)) {
          if (counter === "Type") continue;
          const metric = prometheusName(counter).name;
          const sample = families.get(metric)?.samples.find((s) =>
            s.labels.component === kind.toLowerCase() && s.labels.name === name
          );
          ok(sample, `${id} ${counter} as ${metric}`);
          const seconds = counter === "StartTime" || counter === "StopTime";
          const value = seconds ? Math.round(sample.value * 1000) : sample.value;
          strictEqual(value, Number(text), `${id} ${counter}`);
          compared++;
        }
      }
      ok(compared > 25, `${compared} values compared`);
    });
  });
});

/** A sink type whose every delivery fails, so its channel never drains. */
const FAILING_SINK = defineSink({
  type: "failing",
  summary: "Fails every delivery",
  properties: NULL_SINK.properties,
  create: () => ({
    batchSize: 100,
    deliver: () => Promise.reject(new Error("Downstream unavailable")),
  }),
});

Deno.test("monitoring answers while the agent drains, and stops after everything else", async () => {
  const conf = SEQ_TO_NULL.replace("type = seq", "type = seq\na1.sources.r1.totalEvents = 10")
    .replace("type = null", "type = failing");
  await withMonitoredAgent(
    conf,
    { type: "http", extra: { sink: [FAILING_SINK] } },
    async (agent, url, stop) => {
      await until(
        `${url}metrics`,
        (a) => JSON.parse(a.text)["CHANNEL.c1"].ChannelSize === "10",
        "the channel to fill",
      );
      const stopping = stop(1500);
      const draining = await until(
        `${url}metrics`,
        (a) => JSON.parse(a.text)["SOURCE.r1"].StopTime !== "0",
        "the source to stop while the sink drains",
      );
      const json = JSON.parse(draining.text);
      match(json["SOURCE.r1"].StopTime, /^\d{13}$/);
      strictEqual(json["CHANNEL.c1"].StopTime, "0", "the channel still runs");
      strictEqual(json["SINK.k1"].StopTime, "0", "the sink still drains");
      await stopping;
      notEqual(agent.counters.get("CHANNEL.c1")!.stopTime, 0);
      equal(agent.counters.get("SINK.k1")!.stopTime > 0, true);
      await rejects(fetch(`${url}metrics`), "nothing listens once the agent stopped");
    },
  );
});
