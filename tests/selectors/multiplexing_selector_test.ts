import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import type { Channel } from "../../src/api/channel.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { type Event, textEvent } from "../../src/api/event.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import type { ChannelSelector } from "../../src/api/selector.ts";
import { DEFAULT_SELECTOR_HEADER } from "../../src/selectors/multiplexing_selector.ts";
import { multiplexingRules } from "../../src/selectors/multiplexing_rules.ts";
import type { SourceConfig } from "../../src/config/agent_config.ts";
import { loadConf } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";

/** An agent with source r1 over channels c1..c4; `selector` lines are appended (from line 13). */
function agent(...selector: string[]): string[] {
  return [
    "a1.sources = r1", // 1
    "a1.channels = c1 c2 c3 c4", // 2
    "a1.sinks = k1", // 3
    "a1.sources.r1.type = seq", // 4
    "a1.sources.r1.channels = c1 c2 c3", // 5
    "a1.channels.c1.type = memory", // 6
    "a1.channels.c2.type = memory", // 7
    "a1.channels.c3.type = memory", // 8
    "a1.channels.c4.type = memory", // 9
    "a1.sinks.k1.type = null", // 10
    "a1.sinks.k1.channel = c1", // 11
    "a1.sources.r1.selector.type = multiplexing", // 12
    ...selector,
  ];
}

/** The source r1 of a valid configuration. */
function source(...selector: string[]): SourceConfig {
  return loadConf(agent(...selector)).sources[0];
}

/** The problems `check` would report, errors and warnings. */
function issues(...selector: string[]): readonly ConfigIssue[] {
  try {
    return loadConf(agent(...selector)).warnings;
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
}

/** Memory channels c1..c3, as the source lists them. */
function channels(): Channel[] {
  return ["c1", "c2", "c3"].map((name) =>
    new MemoryChannel(
      name,
      new CounterGroup("CHANNEL", name, CHANNEL_COUNTERS),
      {},
      new FakeClock(),
    )
  );
}

/** The selector the agent would build for source r1 with these `selector.*` lines. */
function selectorOf(...lines: string[]): ChannelSelector {
  const { selector } = source(...lines);
  return selector.definition.create({
    name: "r1",
    config: selector.config,
    prepared: selector.prepared,
    properties: selector.settings,
    log: SILENT_LOG,
    clock: new FakeClock(),
    channels: channels(),
  });
}

/** An event whose header `name` is `value` (no headers when `value` is undefined). */
function withHeader(value: string | undefined, name = "state"): Event {
  return { ...textEvent("x"), headers: value === undefined ? {} : { [name]: value } };
}

/** The names of the channels the selector requires and may use for an event. */
function route(
  selector: ChannelSelector,
  event: Event,
): { required: string[]; optional: string[] } {
  return {
    required: selector.required(event).map((c) => c.name),
    optional: selector.optional(event).map((c) => c.name),
  };
}

Deno.test("the multiplexing selector routes by one header, as Flume's does", async (t) => {
  const selector = selectorOf(
    "a1.sources.r1.selector.header = state",
    "a1.sources.r1.selector.mapping.CZ = c1",
    "a1.sources.r1.selector.mapping.US = c2 c3",
    "a1.sources.r1.selector.optional.CZ = c1 c3",
    "a1.sources.r1.selector.optional.FR = c2 c3",
    "a1.sources.r1.selector.default = c2",
  );

  await t.step("a mapped value requires its mapping's channels", () => {
    deepStrictEqual(route(selector, withHeader("US")), { required: ["c2", "c3"], optional: [] });
  });
  await t.step("a channel both required and optional for a value is required only", () => {
    deepStrictEqual(route(selector, withHeader("CZ")), { required: ["c1"], optional: ["c3"] });
  });
  await t.step("an unmapped value goes to the default, with its optional channels", () => {
    deepStrictEqual(route(selector, withHeader("FR")), { required: ["c2"], optional: ["c3"] });
    deepStrictEqual(route(selector, withHeader("DE")), { required: ["c2"], optional: [] });
  });
  await t.step("values are matched exactly (case and spaces count)", () => {
    deepStrictEqual(route(selector, withHeader("cz")).required, ["c2"]);
    deepStrictEqual(route(selector, withHeader(" CZ")).required, ["c2"]);
  });
  await t.step("a missing or blank header goes to the default", () => {
    deepStrictEqual(route(selector, withHeader(undefined)), { required: ["c2"], optional: [] });
    deepStrictEqual(route(selector, withHeader("  ")).required, ["c2"]);
    deepStrictEqual(route(selector, withHeader("CZ", "other")).required, ["c2"]);
  });
  await t.step("back-pressure waits on every channel a mapping or the default names", () => {
    deepStrictEqual(selector.requirable?.map((c) => c.name), ["c1", "c2", "c3"]);
    equal(selector.fixed, undefined, "the choice is made per event");
  });
});

Deno.test("the multiplexing selector's defaults and aliases", async (t) => {
  await t.step(`selector.header defaults to ${DEFAULT_SELECTOR_HEADER}`, () => {
    const selector = selectorOf(
      "a1.sources.r1.selector.mapping.a = c1",
      "a1.sources.r1.selector.default = c3",
    );
    deepStrictEqual(route(selector, withHeader("a", DEFAULT_SELECTOR_HEADER)).required, ["c1"]);
    deepStrictEqual(route(selector, withHeader("a")).required, ["c3"]);
  });
  await t.step("without a default, an unmapped event requires no channel", () => {
    const selector = selectorOf("a1.sources.r1.selector.mapping.a = c1");
    deepStrictEqual(route(selector, withHeader("b", DEFAULT_SELECTOR_HEADER)), {
      required: [],
      optional: [],
    });
    deepStrictEqual(selector.requirable?.map((c) => c.name), ["c1"]);
  });
  await t.step("Flume's class name selects it too", () => {
    const config = loadConf([
      ...agent().slice(0, -1),
      "a1.sources.r1.selector.type = org.apache.flume.channel.MultiplexingChannelSelector",
      "a1.sources.r1.selector.default = c1",
    ]);
    equal(config.sources[0].selector.definition.type, "multiplexing");
  });
  await t.step("the rules read mapping and optional lists separated by spaces or commas", () => {
    const { selector } = source(
      "a1.sources.r1.selector.mapping.x = c1,c2",
      "a1.sources.r1.selector.optional.x = c2 c3",
      "a1.sources.r1.selector.default = c3",
    );
    const rules = multiplexingRules(
      selector.config as { header: string; default?: readonly string[] },
      selector.settings,
    );
    deepStrictEqual(rules.mapping.get("x"), ["c1", "c2"]);
    deepStrictEqual(rules.optional.get("x"), ["c3"], "c2 is required for x");
  });
});

Deno.test("check refuses selector channels that are not the source's, with file and line", async (t) => {
  await t.step("in a mapping, naming the line and the source's channels", () => {
    const found = issues(
      "a1.sources.r1.selector.mapping.CZ = c1 c4", // 13
      "a1.sources.r1.selector.default = c1", // 14
    );
    equal(found.length, 1, JSON.stringify(found));
    const [issue] = found;
    equal(issue.severity, "error");
    equal(issue.line, 13);
    equal(issue.component, "sources.r1");
    equal(issue.property, "selector.mapping.CZ");
    equal(issue.message, 'Channel "c4" in selector.mapping.CZ is not in channels');
    equal(
      issue.hint,
      `the source's channels: c1, c2, c3; add "c4" to a1.sources.r1.channels to route to it`,
    );
  });
  await t.step("in optional.VALUE and default, a channel never defined", () => {
    const found = issues(
      "a1.sources.r1.selector.optional.CZ = c7", // 13
      "a1.sources.r1.selector.default = c9", // 14
    );
    deepStrictEqual(found.map((i) => [i.line, i.property, i.message]), [
      [13, "selector.optional.CZ", 'Channel "c7" in selector.optional.CZ is not in channels'],
      [14, "selector.default", 'Channel "c9" in selector.default is not in channels'],
    ]);
    ok(found.every((i) => i.hint?.endsWith("the source's channels: c1, c2, c3")), found[0].hint);
  });
  await t.step("replicating's selector.optional too", () => {
    const lines = agent().slice(0, -1);
    throws(
      () => loadConf([...lines, "a1.sources.r1.selector.optional = c2 c4"]),
      (err: unknown) => {
        ok(err instanceof ConfigError);
        deepStrictEqual(err.issues.map((i) => [i.line, i.property, i.message]), [
          [12, "selector.optional", 'Channel "c4" in selector.optional is not in channels'],
        ]);
        return true;
      },
    );
  });
});

Deno.test("check refuses an empty mapping and warns when events may reach no channel", async (t) => {
  await t.step("a mapping without channels is an error, as in Flume", () => {
    const found = issues(
      "a1.sources.r1.selector.mapping.CZ = ", // 13
      "a1.sources.r1.selector.default = c1", // 14
    );
    deepStrictEqual(found.map((i) => [i.severity, i.line, i.property, i.message]), [
      ["error", 13, "selector.mapping.CZ", 'No channel configured for header value "CZ"'],
    ]);
  });
  await t.step("no default: a warning on the type line, saying what is counted", () => {
    const found = issues("a1.sources.r1.selector.mapping.CZ = c1");
    deepStrictEqual(found.map((i) => [i.severity, i.line, i.message]), [
      [
        "warning",
        12,
        "No selector.default: an event whose header has no mapping reaches no channel",
      ],
    ]);
    ok(found[0].hint?.includes("EventUnroutedCount"), found[0].hint);
  });
  await t.step("neither mapping nor default: a warning that no event is routed", () => {
    const found = issues();
    equal(found.length, 1, JSON.stringify(found));
    ok(/no event reaches a channel/.test(found[0].message), found[0].message);
  });
  await t.step("an unknown selector property is a warning, not an error", () => {
    const found = issues(
      "a1.sources.r1.selector.default = c1",
      "a1.sources.r1.selector.mappings.CZ = c1", // 14
    );
    equal(found.length, 1, JSON.stringify(found));
    equal(found[0].severity, "warning");
    equal(found[0].line, 14);
  });
  await t.step("a valid configuration loads without a problem", () => {
    deepStrictEqual(issues("a1.sources.r1.selector.default = c1"), []);
  });
});
