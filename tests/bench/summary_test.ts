import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { SendReport } from "../../bench/frame_sender.ts";
import type { ScenarioId } from "../../bench/scenarios.ts";
import { median, throughputRows, type ThroughputRun } from "../../bench/summary.ts";

const SENDER: SendReport = {
  messages: 1,
  bytes: 1,
  firstByteAt: 0,
  lastByteAt: 1,
  seconds: 1,
  messagesPerSecond: 1,
  megabytesPerSecond: 1,
};

function run(scenario: ScenarioId, eventsPerSecond: number, dropped = 0): ThroughputRun {
  return {
    scenario,
    size: 200,
    messages: 1000,
    run: 1,
    seconds: 1,
    eventsPerSecond,
    megabytesPerSecond: eventsPerSecond * 200 / 1e6,
    delivered: 1000 - dropped,
    dropped,
    peakRssMb: 100,
    cpuSecondsPerMillion: 1,
    cpuSeconds: 1,
    cpuTotalSeconds: 1,
    loopLagMaxMs: 0,
    sender: SENDER,
  };
}

Deno.test("median takes the middle value, or the mean of the middle two", () => {
  strictEqual(median([3, 1, 2]), 2);
  strictEqual(median([4, 1, 3, 2]), 2.5);
  strictEqual(Number.isNaN(median([])), true);
});

Deno.test("throughput rows compare each scenario's median with the ceiling's", () => {
  const rows = throughputRows([
    run("ceiling", 100),
    run("memory-null", 90),
    run("file-null", 30, 5),
    run("ceiling", 300),
    run("memory-null", 80),
    run("file-null", 20),
    run("ceiling", 200),
    run("memory-null", 10),
    run("file-null", 40),
  ]);
  deepStrictEqual(rows.map((r) => [r.scenario, r.eventsPerSecond, r.ratio]), [
    ["ceiling", 200, undefined],
    ["memory-null", 80, 0.4],
    ["file-null", 30, 0.15],
  ]);
  deepStrictEqual(rows[1].eventsPerSecondRange, [10, 90]);
  deepStrictEqual(rows[1].ratioVerdict, { target: 0.9, pass: false });
  deepStrictEqual(rows[1].rssVerdict, { target: 150, pass: true });
  // 0.15 < 0.5, and a run dropped events: fails either way.
  deepStrictEqual(rows[2].ratioVerdict, { target: 0.5, pass: false });
  strictEqual(rows[2].dropped, 5);
});
