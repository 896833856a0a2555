import { deepStrictEqual, notStrictEqual, ok, strictEqual } from "node:assert/strict";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { defineSink } from "../../src/api/component.ts";
import { CounterRegistry } from "../../src/api/counters.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import type { AgentConfig, ComponentConfig } from "../../src/config/agent_config.ts";
import { Agent } from "../../src/core/agent.ts";
import { diffConfigs } from "../../src/core/config_diff.ts";
import type { Definitions } from "../../src/registry.ts";
import { NULL_SINK } from "../../src/sinks/null_sink.ts";
import { loadConf } from "../support/components.ts";
import { isSettled } from "../support/async.ts";
import { RecordingLog } from "../support/recording_log.ts";

/** A sink type whose start fails, as a sink whose server is down at start would. */
const UNSTARTABLE_SINK = defineSink({
  type: "unstartable",
  summary: "Fails to start",
  example: "a1.sinks.k1.type = unstartable",
  properties: NULL_SINK.properties,
  create: () => ({
    batchSize: 100,
    start: () => Promise.reject(new Error("Downstream unavailable")),
    deliver: () => Promise.resolve({ outcome: "commit" }),
  }),
});

const EXTRA: Partial<Definitions> = { sink: [UNSTARTABLE_SINK] };

/** r1 fills c1, which no sink drains; r2 → c2 → k2 runs to the end. */
const BEFORE = `
a1.sources = r1 r2
a1.channels = c1 c2
a1.sinks = k2
a1.sources.r1.type = seq
a1.sources.r1.totalEvents = 5
a1.sources.r1.channels = c1
a1.sources.r2.type = seq
a1.sources.r2.totalEvents = 3
a1.sources.r2.channels = c2
a1.channels.c1.type = memory
a1.channels.c2.type = memory
a1.sinks.k2.type = null
a1.sinks.k2.channel = c2
`;

/** BEFORE with r2 changed, k2 replaced by k3, and a new channel c3 (lines shifted by a comment). */
const AFTER = `
# r1 and c1 are as they were, two lines lower
a1.sources = r1 r2
a1.channels = c1 c2 c3
a1.sinks = k3
a1.sources.r1.type = seq
a1.sources.r1.totalEvents = 5
a1.sources.r1.channels = c1
a1.sources.r2.type = seq
a1.sources.r2.totalEvents = 4
a1.sources.r2.channels = c2
a1.channels.c1.type = memory
a1.channels.c2.type = memory
a1.channels.c3.type = memory
a1.sinks.k3.type = null
a1.sinks.k3.channel = c2
`;

/** An agent whose own log lines are recorded. */
function agentFrom(text: string): { agent: Agent; log: RecordingLog } {
  const log = new RecordingLog();
  const agent = new Agent(loadConf(text, EXTRA), {
    clock: SYSTEM_CLOCK,
    logFor: (category) => category === "agent" ? log : SILENT_LOG,
  });
  return { agent, log };
}

/** Waits (generously) until `test` holds. */
async function until(test: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The value of `counter` in group `id`, 0 when there is no such group. */
function counter(agent: Agent, id: string, counter: string): number {
  return agent.counters.get(id)?.get(counter) ?? 0;
}

Deno.test("reconfigure() keeps unchanged components running and rebuilds the changed ones", async () => {
  const { agent, log } = agentFrom(BEFORE);
  await agent.start();
  try {
    await until(() => agent.channels.get("c1")!.size() === 5, "c1 to hold r1's 5 events");
    await until(() => counter(agent, "SINK.k2", "EventDrainSuccessCount") === 3, "k2 to drain 3");
    const c1 = agent.channels.get("c1")!;
    const c2 = agent.channels.get("c2")!;
    const [r1, r2] = agent.sources;
    const r1Counters = agent.counters.get("SOURCE.r1")!;
    const r2Counters = agent.counters.get("SOURCE.r2")!;

    const summary = await agent.reconfigure(loadConf(AFTER, EXTRA), { drainTimeoutMs: 30_000 });

    deepStrictEqual(summary.changes, [
      { component: "sink k2", change: "removed" },
      { component: "channel c3", change: "added" },
      { component: "sink k3", change: "added" },
      { component: "source r2", change: "changed" },
    ]);
    strictEqual(summary.unchanged, 3, "r1, c1 and c2");
    deepStrictEqual(summary.failures, []);
    strictEqual(agent.channels.get("c1"), c1, "c1 is the same channel");
    strictEqual(c1.size(), 5, "c1 kept its events");
    strictEqual(agent.channels.get("c2"), c2, "c2 is the same channel");
    strictEqual(agent.sources[0], r1, "r1 is the same source");
    strictEqual(agent.counters.get("SOURCE.r1"), r1Counters, "r1 keeps its counters");
    strictEqual(r1Counters.stopTime, 0, "r1 was never stopped");
    notStrictEqual(agent.sources[1], r2, "r2 was rebuilt");
    ok(r2Counters.stopTime > 0, "the old r2 was stopped");
    notStrictEqual(agent.counters.get("SOURCE.r2"), r2Counters, "r2 has fresh counters");
    strictEqual(agent.counters.get("SINK.k2"), undefined, "k2's counters are gone");
    strictEqual(agent.componentType("SINK.k2"), undefined);
    strictEqual(agent.componentType("SINK.k3"), "null");
    ok(agent.health().has("SINK.k3"), "health sees the new sink");
    // The new r2 counts from 0 again; k3 drains its 4 events from the kept c2.
    await until(() => counter(agent, "SINK.k3", "EventDrainSuccessCount") === 4, "k3 to drain 4");
    strictEqual(counter(agent, "SOURCE.r2", "EventAcceptedCount"), 4);
    deepStrictEqual(log.messages("info").filter((m) => m.startsWith("Reload: ")), [
      "Reload: sink k2 removed",
      "Reload: channel c3 added",
      "Reload: sink k3 added",
      "Reload: source r2 changed, restarted",
      "Reload: new configuration applied: 2 added, 1 changed, 1 removed, 3 unchanged",
    ]);
    deepStrictEqual(Object.keys(agent.counters.snapshot()).sort(), [
      "CHANNEL.c1",
      "CHANNEL.c2",
      "CHANNEL.c3",
      "SINK.k3",
      "SOURCE.r1",
      "SOURCE.r2",
    ]);
  } finally {
    await agent.stop({ drainTimeoutMs: 1000 });
  }
});

Deno.test("reconfigure() with a changed memory channel logs how many events it loses", async () => {
  const { agent, log } = agentFrom(BEFORE);
  await agent.start();
  try {
    await until(() => agent.channels.get("c1")!.size() === 5, "c1 to hold r1's 5 events");
    const c1 = agent.channels.get("c1")!;
    const r1 = agent.sources[0];
    const summary = await agent.reconfigure(
      loadConf(`${BEFORE}a1.channels.c1.capacity = 500\n`, EXTRA),
      { drainTimeoutMs: 200 },
    );
    deepStrictEqual(summary.changes, [
      { component: "channel c1", change: "changed" },
      { component: "source r1", change: "changed" },
    ], "r1 writes to c1: it restarts with it");
    notStrictEqual(agent.channels.get("c1"), c1);
    notStrictEqual(agent.sources[0], r1);
    strictEqual(agent.channels.get("c1")!.capacity, 500);
    deepStrictEqual(log.messages("error"), [
      "Reload: Channel c1 holds its events in memory: 5 undelivered event(s) are lost",
    ]);
  } finally {
    await agent.stop({ drainTimeoutMs: 1000 });
  }
});

Deno.test("reconfigure() lets a removed sink drain its removed channel first", async () => {
  const gate = Promise.withResolvers<void>();
  const gated = defineSink({
    type: "gated",
    summary: "Delivers once the test opens the gate",
    example: "a1.sinks.k1.type = gated",
    properties: NULL_SINK.properties,
    create: () => ({
      batchSize: 100,
      deliver: async () => {
        await gate.promise;
        return { outcome: "commit" };
      },
    }),
  });
  const extra = { sink: [gated] };
  const log = new RecordingLog();
  const agent = new Agent(
    loadConf(
      BEFORE.replace("a1.sinks = k2", "a1.sinks = k1 k2") +
        "a1.sinks.k1.type = gated\na1.sinks.k1.channel = c1\n",
      extra,
    ),
    { clock: SYSTEM_CLOCK, logFor: (category) => category === "agent" ? log : SILENT_LOG },
  );
  await agent.start();
  try {
    await until(() => agent.channels.get("c1")!.size() === 5, "c1 to hold r1's 5 events");
    const k1 = agent.counters.get("SINK.k1")!;
    // r1, c1 and k1 go away; k1 is still stuck on its first batch.
    const next = loadConf(
      BEFORE.replace("a1.sources = r1 r2", "a1.sources = r2")
        .replace("a1.channels = c1 c2", "a1.channels = c2"),
      extra,
    );
    const reloading = agent.reconfigure(next, { drainTimeoutMs: 60_000 });
    strictEqual(await isSettled(reloading), false, "the reload waits for the drain");
    gate.resolve();
    const summary = await reloading;
    deepStrictEqual(summary.changes, [
      { component: "source r1", change: "removed" },
      { component: "sink k1", change: "removed" },
      { component: "channel c1", change: "removed" },
    ]);
    strictEqual(k1.get("EventDrainSuccessCount"), 5, "k1 delivered all of c1 before it went");
    deepStrictEqual(log.messages("error"), [], "nothing lost");
    deepStrictEqual(log.messages("warn"), []);
    strictEqual(agent.channels.has("c1"), false);
  } finally {
    gate.resolve();
    await agent.stop({ drainTimeoutMs: 1000 });
  }
});

Deno.test("reconfigure() logs a component that fails to start, runs the rest, and retries it next time", async () => {
  const { agent, log } = agentFrom(BEFORE);
  await agent.start();
  try {
    const broken = BEFORE.replace("a1.sinks = k2", "a1.sinks = k2 kx") +
      "a1.sinks.kx.type = unstartable\na1.sinks.kx.channel = c1\n";
    for (const attempt of [1, 2]) {
      const summary = await agent.reconfigure(loadConf(broken, EXTRA));
      deepStrictEqual(summary.changes, [{ component: "sink kx", change: "added" }], `#${attempt}`);
      deepStrictEqual(summary.failures, [
        { component: "sink kx", cause: "Downstream unavailable" },
      ]);
      strictEqual(agent.counters.get("SINK.kx"), undefined, "no counters for what does not run");
      deepStrictEqual(agent.config.sinks.map((s) => s.name), ["k2"]);
    }
    const errors = log.messages("error");
    strictEqual(errors.length, 4, errors.join("\n"));
    strictEqual(errors[0], "Reload: sink kx added but did not start: Downstream unavailable");
    ok(
      errors[1].startsWith(
        "Reload: new configuration partly applied (1 added, 0 changed, " +
          "0 removed, 5 unchanged): 1 component(s) did not start: sink kx",
      ),
      errors[1],
    );
    strictEqual(agent.sources.length, 2, "the sources still run");
  } finally {
    await agent.stop({ drainTimeoutMs: 1000 });
  }
});

/** r1 → c1 → a failover group g1 of two null sinks. */
const GROUPED = `
a1.sources = r1
a1.channels = c1
a1.sinks = k1 k2
a1.sinkgroups = g1
a1.sources.r1.type = seq
a1.sources.r1.totalEvents = 3
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.sinks.k1.type = null
a1.sinks.k1.channel = c1
a1.sinks.k2.type = null
a1.sinks.k2.channel = c1
a1.sinkgroups.g1.sinks = k1 k2
a1.sinkgroups.g1.processor.type = failover
a1.sinkgroups.g1.processor.priority.k1 = 5
a1.sinkgroups.g1.processor.priority.k2 = 10
`;

Deno.test("reconfigure() restarts a sink group whose processor changed, with fresh counters", async () => {
  const { agent, log } = agentFrom(GROUPED);
  await agent.start();
  try {
    const drained = (): number =>
      counter(agent, "SINK.k1", "EventDrainSuccessCount") +
      counter(agent, "SINK.k2", "EventDrainSuccessCount");
    await until(() => drained() === 3, "the group to drain r1's 3 events");
    const processor = agent.counters.get("SINK_PROCESSOR.g1");
    ok(processor, "the group has its counter group");
    const [k1, k2] = agent.sinks;
    const source = agent.sources[0];
    const summary = await agent.reconfigure(
      loadConf(GROUPED.replace("priority.k2 = 10", "priority.k2 = 1"), EXTRA),
    );
    deepStrictEqual(summary.changes, [{ component: "sink group g1", change: "changed" }]);
    strictEqual(summary.unchanged, 2, "r1 and c1");
    notStrictEqual(agent.sinks[0], k1);
    notStrictEqual(agent.sinks[1], k2);
    strictEqual(agent.sources[0], source, "r1 runs on");
    const fresh = agent.counters.get("SINK_PROCESSOR.g1");
    ok(fresh && fresh !== processor, "the processor's counters were rebuilt");
    strictEqual(drained(), 0, "the rebuilt sinks count from zero");
    ok(log.messages("info").includes("Reload: sink group g1 changed, restarted"));
  } finally {
    await agent.stop({ drainTimeoutMs: 1000 });
  }
});

Deno.test("reconfigure() with the same configuration changes nothing", async () => {
  const { agent, log } = agentFrom(BEFORE);
  await agent.start();
  try {
    const sources = agent.sources;
    const summary = await agent.reconfigure(loadConf(`# a comment\n${BEFORE}`, EXTRA));
    deepStrictEqual(summary, { changes: [], unchanged: 5, failures: [] });
    deepStrictEqual(agent.sources, sources);
    ok(log.messages("info").includes("Reload: configuration unchanged: nothing to do"));
  } finally {
    await agent.stop({ drainTimeoutMs: 1000 });
  }
});

Deno.test("reconfigure() is refused before start and once stop() began", async () => {
  const { agent } = agentFrom(BEFORE);
  const next = loadConf(AFTER, EXTRA);
  await agent.reconfigure(next).then(
    () => Promise.reject(new Error("accepted before start")),
    (err: Error) => strictEqual(err.message, "Agent a1 is not running: cannot reload"),
  );
  await agent.start();
  const stopping = agent.stop({ drainTimeoutMs: 1000 });
  await agent.reconfigure(next).then(
    () => Promise.reject(new Error("accepted while stopping")),
    (err: Error) => strictEqual(err.message, "Agent a1 is not running: cannot reload"),
  );
  await stopping;
});

Deno.test("diffConfigs() compares values, not lines, and follows links", async (t) => {
  const before = loadConf(BEFORE);
  await t.step("a sink whose channel changed is changed", () => {
    const diff = diffConfigs(before, loadConf(`${BEFORE}a1.channels.c2.capacity = 700\n`));
    strictEqual(diff.channels.get("c2"), "changed");
    strictEqual(diff.units.get("sink k2"), "changed");
    strictEqual(diff.sources.get("r2"), "changed");
    strictEqual(diff.sources.get("r1"), "unchanged");
  });
  await t.step("a source writing to another channel is changed", () => {
    const diff = diffConfigs(
      before,
      loadConf(BEFORE.replace("a1.sources.r1.channels = c1", "a1.sources.r1.channels = c2")),
    );
    strictEqual(diff.sources.get("r1"), "changed");
    strictEqual(diff.channels.get("c1"), "unchanged");
  });
  await t.step("a type spelled as its Flume class is the same type", () => {
    const diff = diffConfigs(
      before,
      loadConf(BEFORE.replace(
        "a1.channels.c1.type = memory",
        "a1.channels.c1.type = org.apache.flume.channel.MemoryChannel",
      )),
    );
    strictEqual(diff.channels.get("c1"), "unchanged");
  });
  await t.step("a sink group is changed when its processor or its sinks change", () => {
    /** `before` with k2 in group g1, whose processor has `priority.k2 = PRIORITY`. */
    const grouped = (priority: string): AgentConfig => ({
      ...before,
      sinkGroups: [{
        name: "g1",
        id: "sinkgroups.g1",
        sinks: ["k2"],
        line: 1,
        processor: {
          definition: { type: "failover" },
          settings: { rawProperties: new Map([["priority.k2", { value: priority, line: 2 }]]) },
        } as unknown as ComponentConfig<"processor">,
      }],
    });
    const toGroup = diffConfigs(before, grouped("5"));
    strictEqual(toGroup.units.get("sink k2"), "removed");
    strictEqual(toGroup.units.get("sink group g1"), "added");
    strictEqual(diffConfigs(grouped("5"), grouped("5")).units.get("sink group g1"), "unchanged");
    strictEqual(diffConfigs(grouped("5"), grouped("9")).units.get("sink group g1"), "changed");
  });
  await t.step("a selector property counts for its source", () => {
    const diff = diffConfigs(before, loadConf(`${BEFORE}a1.sources.r1.selector.optional = c1\n`));
    strictEqual(diff.sources.get("r1"), "changed");
  });
});

Deno.test("CounterRegistry.remove() frees an id for a rebuilt component", () => {
  const counters = new CounterRegistry();
  const first = counters.create("SINK", "k1");
  strictEqual(counters.remove("SINK.k1"), true);
  strictEqual(counters.remove("SINK.k1"), false);
  const second = counters.create("SINK", "k1");
  notStrictEqual(second, first);
  strictEqual(counters.get("SINK.k1"), second);
});
