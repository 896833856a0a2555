import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  CHANNEL_COUNTERS,
  CounterRegistry,
  SINK_COUNTERS,
  SOURCE_COUNTERS,
} from "../../src/api/counters.ts";
import { sourcesNeverConnected } from "../../src/core/never_connected.ts";
import {
  describeStatus,
  formatPercent,
  formatRate,
  type StatusFields,
  StatusReporter,
} from "../../src/core/status_line.ts";
import { FakeClock } from "../support/fake_clock.ts";

/** An agent's counters as the agent registers them: channels, sinks, then sources. */
function agentCounters(): CounterRegistry {
  const counters = new CounterRegistry();
  const c1 = counters.create("CHANNEL", "c1", CHANNEL_COUNTERS);
  c1.gauge("ChannelFillPercentage", () => 12.7);
  counters.create("SINK", "k1", SINK_COUNTERS);
  counters.create("SOURCE", "w1", [...SOURCE_COUNTERS, "ConnectionAttemptCount"]);
  counters.create("SOURCE", "r1", SOURCE_COUNTERS);
  return counters;
}

Deno.test("describeStatus reports rates from counter deltas, sources first", async (t) => {
  const counters = agentCounters();
  const before = counters.snapshot();
  const w1 = counters.get("SOURCE.w1")!;
  w1.add("EventAcceptedCount", 12_340);
  w1.set("OpenConnectionCount", 1);
  counters.get("SOURCE.r1")!.add("EventAcceptedCount", 4);
  const k1 = counters.get("SINK.k1")!;
  k1.add("EventDrainSuccessCount", 12_300);
  k1.add("EventWriteFail", 2);
  k1.add("ConnectionFailedCount", 1);
  const status = describeStatus(before, counters.snapshot(), 10_000);

  await t.step("the line", () => {
    strictEqual(
      status.line,
      "status: source w1 connected 1,234 ev/s | source r1 0.4 ev/s | channel c1 12% full | " +
        "sink k1 1,230 ev/s, 3 failed",
    );
  });
  await t.step("the fields", () => {
    deepStrictEqual(status.fields, {
      intervalSeconds: 10,
      sources: { w1: { connected: true, eventsPerSecond: 1234 }, r1: { eventsPerSecond: 0.4 } },
      channels: { c1: { fillPercentage: 12.7 } },
      sinks: { k1: { eventsPerSecond: 1230, failed: 3 } },
    });
  });
  await t.step("a source that connects and is not connected says so", () => {
    w1.set("OpenConnectionCount", 0);
    const next = describeStatus(counters.snapshot(), counters.snapshot(), 5000);
    strictEqual(
      next.line,
      "status: source w1 disconnected 0 ev/s | source r1 0 ev/s | channel c1 12% full | " +
        "sink k1 0 ev/s, 0 failed",
    );
  });
});

Deno.test("formatRate and formatPercent", async (t) => {
  await t.step("rates: whole from 10, one decimal below", () => {
    deepStrictEqual(
      [0, 0.44, 5, 9.96, 10.4, 1234.5, 1_000_000].map(formatRate),
      ["0", "0.4", "5", "10", "10", "1,235", "1,000,000"],
    );
  });
  await t.step("percentages: rounded down, a little is <1%", () => {
    deepStrictEqual([0, 0.2, 1, 12.9, 99.99, 100].map(formatPercent), [
      "0%",
      "<1%",
      "1%",
      "12%",
      "99%",
      "100%",
    ]);
  });
});

Deno.test("StatusReporter reports every interval until stopped", async () => {
  const clock = new FakeClock();
  const counters = agentCounters();
  const lines: [string, StatusFields][] = [];
  const reporter = new StatusReporter(counters, {
    clock,
    intervalMs: 5000,
    report: (line, fields) => lines.push([line, fields]),
  });
  reporter.start();
  strictEqual((await clock.nextSleep()).ms, 5000);
  counters.get("SOURCE.r1")!.add("EventAcceptedCount", 50);
  clock.advance(5000);
  strictEqual((await clock.nextSleep()).ms, 5000);
  counters.get("SOURCE.r1")!.add("EventAcceptedCount", 5);
  clock.advance(5000);
  await clock.nextSleep();
  await reporter.stop();
  strictEqual(clock.pending, 0, "no sleep left waiting");
  deepStrictEqual(lines.map(([, f]) => f.sources.r1.eventsPerSecond), [10, 1]);
  strictEqual(lines.length, 2);
});

Deno.test("sourcesNeverConnected names connecting sources with no connection made", () => {
  const counters = agentCounters();
  counters.get("SOURCE.w1")!.add("ConnectionAttemptCount", 3);
  deepStrictEqual(sourcesNeverConnected(counters.snapshot()), [{ name: "w1", attempts: 3 }]);
  counters.get("SOURCE.w1")!.add("ConnectionCreatedCount");
  deepStrictEqual(sourcesNeverConnected(counters.snapshot()), [], "r1 does not connect");
});
