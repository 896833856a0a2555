import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { CounterRegistry } from "../../src/api/counters.ts";
import type { MonitoredAgent } from "../../src/api/monitor.ts";
import {
  metricFamilies,
  prometheusName,
  renderPrometheus,
} from "../../src/monitoring/prometheus_text.ts";
import { flumeMetrics, flumeValue } from "../../src/monitoring/flume_json.ts";
import { parsePrometheus } from "./_prometheus_parser.ts";

/** An agent view over `counters`, with every component of type `type`. */
function view(counters: CounterRegistry, type: string): MonitoredAgent {
  return { name: "a1", counters, componentType: () => type, health: () => new Map() };
}

Deno.test("prometheus names: flume_, snake case, _total for counters, gauges plain", () => {
  const names = [
    "EventReceivedCount",
    "AppendBatchAcceptedCount",
    "ChannelWriteFail",
    "EventWriteFail",
    "ConnectionCreatedCount",
    "ChannelSize",
    "ChannelCapacity",
    "ChannelFillPercentage",
    "OpenConnectionCount",
    "StartTime",
    "StopTime",
    "MessageTooLargeCount",
  ].map((n) => [n, prometheusName(n).name, prometheusName(n).type]);
  deepStrictEqual(names, [
    ["EventReceivedCount", "flume_event_received_total", "counter"],
    ["AppendBatchAcceptedCount", "flume_append_batch_accepted_total", "counter"],
    ["ChannelWriteFail", "flume_channel_write_fail_total", "counter"],
    ["EventWriteFail", "flume_event_write_fail_total", "counter"],
    ["ConnectionCreatedCount", "flume_connection_created_total", "counter"],
    ["ChannelSize", "flume_channel_size", "gauge"],
    ["ChannelCapacity", "flume_channel_capacity", "gauge"],
    ["ChannelFillPercentage", "flume_channel_fill_percentage", "gauge"],
    ["OpenConnectionCount", "flume_open_connections", "gauge"],
    ["StartTime", "flume_start_time_seconds", "gauge"],
    ["StopTime", "flume_stop_time_seconds", "gauge"],
    ["MessageTooLargeCount", "flume_message_too_large_total", "counter"],
  ]);
});

Deno.test("prometheus text: one HELP and TYPE per family, shared by the groups, labels escaped", () => {
  const counters = new CounterRegistry();
  const source = counters.create("SOURCE", 'w"1\\\n', ["EventReceivedCount"]);
  const sink = counters.create("SINK", "k1", ["ConnectionCreatedCount"]);
  const ws = counters.create("SOURCE", "w2", ["ConnectionCreatedCount"]);
  source.add("EventReceivedCount", 3);
  sink.add("ConnectionCreatedCount", 2);
  ws.add("ConnectionCreatedCount", 5);
  source.start(1_700_000_000_123);
  const text = renderPrometheus(metricFamilies(view(counters, "websocket")));
  const families = parsePrometheus(text);
  deepStrictEqual(families.get("flume_event_received_total")!.samples, [{
    labels: { component: "source", name: 'w"1\\\n', type: "websocket" },
    value: 3,
  }]);
  deepStrictEqual(
    families.get("flume_connection_created_total")!.samples.map((s) => [s.labels.name, s.value]),
    [["k1", 2], ["w2", 5]],
  );
  deepStrictEqual(
    families.get("flume_start_time_seconds")!.samples.map((s) => s.value),
    [1_700_000_000.123, 0, 0],
  );
  strictEqual(text.split("\n").filter((l) => l.startsWith("# TYPE ")).length, families.size);
});

Deno.test("Flume's JSON: strings, doubles with a decimal point, StartTime and StopTime", () => {
  const counters = new CounterRegistry();
  const channel = counters.create("CHANNEL", "c1", ["ChannelSize", "ChannelFillPercentage"]);
  channel.gauge("ChannelSize", () => 3);
  channel.gauge("ChannelFillPercentage", () => 3);
  channel.start(1_344_882_233_070);
  deepStrictEqual(flumeMetrics(counters), {
    "CHANNEL.c1": {
      Type: "CHANNEL",
      StartTime: "1344882233070",
      StopTime: "0",
      ChannelSize: "3",
      ChannelFillPercentage: "3.0",
    },
  });
  channel.stop(1_344_882_299_000);
  strictEqual(flumeMetrics(counters)["CHANNEL.c1"].StopTime, "1344882299000");
  strictEqual(flumeValue("ChannelFillPercentage", 12.5), "12.5");
  strictEqual(flumeValue("EventPutSuccessCount", 468085), "468085");
});
