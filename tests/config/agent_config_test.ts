import { deepStrictEqual, equal, ok, throws } from "node:assert/strict";
import { type AgentConfig, loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue, type Severity } from "../../src/config/diagnostics.ts";
import type { Variables } from "../../src/config/substitute.ts";
import { builtinRegistry } from "../../src/registry.ts";

const FILE = "flume.conf";

/** No environment and no -D properties. */
const NO_VARIABLES: Variables = { env: (): undefined => undefined, sys: {} };

/** A valid agent, one key a line; rows edit it by line number. */
const VALID: readonly string[] = [
  "a1.sources = r1", // 1
  "a1.channels = c1", // 2
  "a1.sinks = k1", // 3
  "a1.sources.r1.type = seq", // 4
  "a1.sources.r1.channels = c1", // 5
  "a1.channels.c1.type = memory", // 6
  "a1.sinks.k1.type = logger", // 7
  "a1.sinks.k1.channel = c1", // 8
];

/**
 * VALID with some lines replaced (a comment keeps the numbering when a line is
 * removed) and `extra` lines appended from line 9 on.
 */
function conf(edits: Readonly<Record<number, string>>, ...extra: string[]): string {
  return [...VALID.map((line, i) => edits[i + 1] ?? line), ...extra].join("\n") + "\n";
}

/** What a row's options override. */
interface LoadArgs {
  readonly agent?: string;
  readonly variables?: Variables;
}

function load(text: string, args: LoadArgs = {}): AgentConfig {
  return loadAgentConfig(text, {
    file: FILE,
    agent: args.agent ?? "a1",
    variables: args.variables ?? NO_VARIABLES,
    lookup: builtinRegistry(),
  });
}

/** The issues a load reports: those of the ConfigError, or the warnings of a valid file. */
function issuesOf(text: string, args: LoadArgs = {}): readonly ConfigIssue[] {
  try {
    return load(text, args).warnings;
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
}

/** The one issue a row expects; message and hint are checked for key words. */
interface Expected {
  readonly severity: Severity;
  readonly line: number | undefined;
  readonly component?: string;
  readonly property?: string;
  readonly message: readonly string[];
  /** Key words of the hint; absent means the issue has no hint. */
  readonly hint?: readonly string[];
}

interface Row extends LoadArgs {
  readonly name: string;
  readonly text: string;
  readonly expected: Expected;
}

function assertIssue(actual: ConfigIssue, expected: Expected): void {
  deepStrictEqual(
    {
      severity: actual.severity,
      file: actual.file,
      line: actual.line,
      component: actual.component,
      property: actual.property,
    },
    {
      severity: expected.severity,
      file: FILE,
      line: expected.line,
      component: expected.component,
      property: expected.property,
    },
  );
  for (const word of expected.message) {
    ok(actual.message.includes(word), `message ${JSON.stringify(actual.message)} lacks ${word}`);
  }
  if (expected.hint === undefined) {
    equal(actual.hint, undefined);
  } else {
    for (const word of expected.hint) {
      ok(actual.hint?.includes(word), `hint ${JSON.stringify(actual.hint)} lacks ${word}`);
    }
  }
  // A message starts with a capital, or with the name of the property it is about.
  ok(
    /^[A-Z]/.test(actual.message) ||
      (expected.property !== undefined && actual.message.startsWith(expected.property)),
    `message ${JSON.stringify(actual.message)}: capital first`,
  );
  ok(!actual.message.endsWith("."), `message ${JSON.stringify(actual.message)}: no period`);
}

/** Each is the only issue of its file: no cascade of follow-up errors. */
const errorRows: readonly Row[] = [
  {
    name: "a component without type",
    text: conf({ 6: "a1.channels.c1.capacity = 10" }),
    expected: {
      severity: "error",
      line: 6,
      component: "channels.c1",
      property: "type",
      message: ['Missing required property "type"'],
      hint: ["known channel types", "memory"],
    },
  },
  {
    name: "an unknown type close to a known one",
    text: conf({ 6: "a1.channels.c1.type = memroy" }),
    expected: {
      severity: "error",
      line: 6,
      component: "channels.c1",
      property: "type",
      message: ['Unknown channel type "memroy"'],
      hint: ['did you mean "memory"?'],
    },
  },
  {
    name: "an unknown type far from every known one",
    text: conf({ 7: "a1.sinks.k1.type = hdfs" }),
    expected: {
      severity: "error",
      line: 7,
      component: "sinks.k1",
      property: "type",
      message: ['Unknown sink type "hdfs"'],
      hint: ["known sink types", "logger", "null"],
    },
  },
  {
    name: "a source naming an undefined channel",
    text: conf({ 5: "a1.sources.r1.channels = c1 c2" }),
    expected: {
      severity: "error",
      line: 5,
      component: "sources.r1",
      property: "channels",
      message: ['Channel "c2" is not defined'],
      hint: ['did you mean "c1"?'],
    },
  },
  {
    name: "a sink naming an undefined channel",
    text: conf({ 8: "a1.sinks.k1.channel = memory9" }),
    expected: {
      severity: "error",
      line: 8,
      component: "sinks.k1",
      property: "channel",
      message: ['Channel "memory9" is not defined'],
      hint: ["defined channels: c1"],
    },
  },
  {
    name: "a sink without a channel",
    text: conf({ 8: "# no channel" }),
    expected: {
      severity: "error",
      line: 7,
      component: "sinks.k1",
      property: "channel",
      message: ['Missing required property "channel"'],
      hint: ["a1.sinks.k1.channel = c1"],
    },
  },
  {
    name: "a sink with channels (plural)",
    text: conf({ 8: "a1.sinks.k1.channels = c1" }),
    expected: {
      severity: "error",
      line: 8,
      component: "sinks.k1",
      property: "channel",
      message: ['Missing required property "channel"'],
      hint: ['a sink takes one "channel" (singular)', "a1.sinks.k1.channel = c1"],
    },
  },
  {
    name: "a sink with an empty channel",
    text: conf({ 8: "a1.sinks.k1.channel =" }),
    expected: {
      severity: "error",
      line: 8,
      component: "sinks.k1",
      property: "channel",
      message: ['Missing required property "channel"'],
      hint: ["a1.sinks.k1.channel = c1"],
    },
  },
  {
    name: "a sink with two channels",
    text: conf(
      { 2: "a1.channels = c1 c2", 8: "a1.sinks.k1.channel = c1 c2" },
      "a1.channels.c2.type = memory",
    ),
    expected: {
      severity: "error",
      line: 8,
      component: "sinks.k1",
      property: "channel",
      message: ["A sink takes exactly one channel", '"c1 c2"'],
    },
  },
  {
    name: "a sink's channel is one name as written: a trailing comma is no channel",
    text: conf({ 8: "a1.sinks.k1.channel = c1," }),
    expected: {
      severity: "error",
      line: 8,
      component: "sinks.k1",
      property: "channel",
      message: ['Channel "c1," is not defined'],
      hint: ['did you mean "c1"?'],
    },
  },
  {
    name: "a source with channel (singular)",
    text: conf({ 5: "a1.sources.r1.channel = c1" }),
    expected: {
      severity: "error",
      line: 5,
      component: "sources.r1",
      property: "channels",
      message: ['Missing required property "channels"'],
      hint: ['a source takes "channels" (plural)', "a1.sources.r1.channels = c1"],
    },
  },
  {
    name: "a source without channels",
    text: conf({ 5: "#" }),
    expected: {
      severity: "error",
      line: 4,
      component: "sources.r1",
      property: "channels",
      message: ['Missing required property "channels"'],
      hint: ["a1.sources.r1.channels = c1"],
    },
  },
  {
    name: "a component listed but never configured",
    text: conf({ 3: "a1.sinks = k1 k2" }),
    expected: {
      severity: "error",
      line: 3,
      component: "sinks.k2",
      message: ["Listed in a1.sinks but never configured"],
      hint: ["a1.sinks.k2.type"],
    },
  },
  {
    name: "a number that is not a number",
    text: conf({}, "a1.channels.c1.capacity = lots"),
    expected: {
      severity: "error",
      line: 9,
      component: "channels.c1",
      property: "capacity",
      message: ['Invalid capacity "lots"', "whole number"],
    },
  },
  {
    name: "a fractional number where a whole one is needed",
    text: conf({}, "a1.sinks.k1.maxBytesToLog = 1.5"),
    expected: {
      severity: "error",
      line: 9,
      component: "sinks.k1",
      property: "maxBytesToLog",
      message: ['Invalid maxBytesToLog "1.5"', "whole number"],
    },
  },
  {
    name: "transactionCapacity larger than capacity",
    text: conf(
      {},
      "a1.channels.c1.capacity = 10",
      "a1.channels.c1.transactionCapacity = 20",
      "a1.sources.r1.batchSize = 5",
    ),
    expected: {
      severity: "error",
      line: 10,
      component: "channels.c1",
      property: "transactionCapacity",
      message: ["transactionCapacity 20 is larger than capacity 10"],
      hint: ["at most capacity"],
    },
  },
  {
    name: "a source batchSize larger than its channel's transactionCapacity",
    text: conf({}, "a1.channels.c1.transactionCapacity = 10", "a1.sources.r1.batchSize = 50"),
    expected: {
      severity: "error",
      line: 10,
      component: "sources.r1",
      property: "batchSize",
      message: ["batchSize 50", 'channel "c1"', "transactionCapacity 10"],
      hint: ["a1.sources.r1.batchSize to at most 10", "a1.channels.c1.transactionCapacity"],
    },
  },
  {
    name: "a sink batchSize larger than its channel's transactionCapacity",
    text: conf(
      { 7: "a1.sinks.k1.type = null" },
      "a1.channels.c1.transactionCapacity = 10",
      "a1.sinks.k1.batchSize = 20",
    ),
    expected: {
      severity: "error",
      line: 10,
      component: "sinks.k1",
      property: "batchSize",
      message: ["batchSize 20", 'channel "c1"', "transactionCapacity 10"],
      hint: ["a1.sinks.k1.batchSize to at most 10"],
    },
  },
  {
    name: "a sink's default batchSize larger than its channel's transactionCapacity",
    text: conf({ 7: "a1.sinks.k1.type = null" }, "a1.channels.c1.transactionCapacity = 10"),
    expected: {
      severity: "error",
      line: 7,
      component: "sinks.k1",
      property: "batchSize",
      message: ["batchSize 100", "transactionCapacity 10"],
      hint: ["at most 10"],
    },
  },
  {
    name: "an invalid transactionCapacity (no guessed batchSize error)",
    text: conf({}, "a1.channels.c1.transactionCapacity = ten", "a1.sources.r1.batchSize = 500"),
    expected: {
      severity: "error",
      line: 9,
      component: "channels.c1",
      property: "transactionCapacity",
      message: ['Invalid transactionCapacity "ten"'],
    },
  },
  {
    name: "an agent name not in the file, close to one",
    text: conf({}),
    agent: "a2",
    expected: {
      severity: "error",
      line: undefined,
      message: ['No agent "a2"', FILE],
      hint: ['did you mean "a1"?', "agents in this file: a1"],
    },
  },
  {
    name: "an agent name not in the file, far from all",
    text: conf({}, "collector.channels = c1"),
    agent: "agent",
    expected: {
      severity: "error",
      line: undefined,
      message: ['No agent "agent"'],
      hint: ["agents in this file: a1, collector"],
    },
  },
  {
    name: "a file with no agent at all",
    text: "# nothing here\n",
    expected: {
      severity: "error",
      line: undefined,
      message: ['No agent "a1"'],
      hint: ["defines no agent"],
    },
  },
  {
    name: "an unset ${env:NAME}",
    text: conf({ 5: "a1.sources.r1.channels = ${env:FLUME_WS_TEST_UNSET}" }),
    expected: {
      severity: "error",
      line: 5,
      component: "sources.r1",
      property: "channels",
      message: ['Variable "${env:FLUME_WS_TEST_UNSET}" is not set'],
      hint: ["environment variable FLUME_WS_TEST_UNSET"],
    },
  },
  {
    name: "an unset ${sys:NAME}",
    text: conf({}, "a1.sinks.k1.maxBytesToLog = ${sys:max}"),
    variables: { env: (): string => "set", sys: { other: "1" } },
    expected: {
      severity: "error",
      line: 9,
      component: "sinks.k1",
      property: "maxBytesToLog",
      message: ['Variable "${sys:max}" is not set'],
      hint: ["-Dmax=VALUE"],
    },
  },
  {
    name: "an unset variable in a list",
    text: conf({ 3: "a1.sinks = k1 ${sys:more}" }),
    expected: {
      severity: "error",
      line: 3,
      property: "a1.sinks",
      message: ['Variable "${sys:more}" is not set'],
      hint: ["-Dmore=VALUE"],
    },
  },
  {
    name: "a sink group naming a sink the agent does not list",
    text: conf({}, "a1.sinkgroups = g1", "a1.sinkgroups.g1.sinks = k2"),
    expected: {
      severity: "error",
      line: 10,
      component: "sinkgroups.g1",
      property: "sinks",
      message: ['Sink "k2" is not listed in a1.sinks'],
      hint: ['did you mean "k1"?'],
    },
  },
  {
    name: "a duration too large for a timer",
    text: conf(
      { 4: "a1.sources.r1.type = websocket" },
      "a1.sources.r1.endpoint = ws://127.0.0.1:1/",
      "a1.sources.r1.retryDelay = 9999999999",
    ),
    expected: {
      severity: "error",
      line: 10,
      component: "sources.r1",
      property: "retryDelay",
      message: ['Invalid retryDelay "9999999999"', "must be at most 2147483"],
      hint: ["about 24.8 days", "the longest wait a timer holds"],
    },
  },
  {
    name: "a selector type that does not exist, with the class name of a custom one",
    text: conf({}, "a1.sources.r1.selector.type = org.example.MyChannelSelector"),
    expected: {
      severity: "error",
      line: 9,
      component: "sources.r1",
      property: "selector.type",
      message: ['Unknown selector type "org.example.MyChannelSelector"'],
      hint: ["known selector types: replicating, multiplexing, load_balancing"],
    },
  },
  {
    name: "selector.optional naming a channel the source does not list",
    text: conf(
      { 2: "a1.channels = c1 c2" },
      "a1.channels.c2.type = memory",
      "a1.sources.r1.selector.optional = c2",
    ),
    expected: {
      severity: "error",
      line: 10,
      component: "sources.r1",
      property: "selector.optional",
      message: ['Channel "c2" in selector.optional is not in channels'],
      hint: ["the source's channels: c1"],
    },
  },
  {
    name: "an interceptor of an unknown type",
    text: conf(
      {},
      "a1.sources.r1.interceptors = i1",
      "a1.sources.r1.interceptors.i1.type = timestmap",
    ),
    expected: {
      severity: "error",
      line: 10,
      component: "sources.r1",
      property: "interceptors.i1.type",
      message: ['Unknown interceptor type "timestmap"'],
      hint: ["did you mean", '"timestamp"'],
    },
  },
  {
    name: "a malformed \\u escape",
    text: conf({}, "a1.sinks.k1.maxBytesToLog = \\u12"),
    expected: {
      severity: "error",
      line: 9,
      message: ["Malformed \\uxxxx encoding on line 9"],
    },
  },
];

/** Each is the only issue of its file, and the file still loads. */
const warningRows: readonly Row[] = [
  {
    name: "an unknown property close to a known one",
    text: conf({}, "a1.sinks.k1.maxBytesTolog = 4"),
    expected: {
      severity: "warning",
      line: 9,
      component: "sinks.k1",
      property: "maxBytesTolog",
      message: ['Unknown property "maxBytesTolog"', "ignored"],
      hint: ['did you mean "maxBytesToLog"?'],
    },
  },
  {
    name: "an unknown property far from every known one",
    text: conf({}, "a1.channels.c1.colour = blue"),
    expected: {
      severity: "warning",
      line: 9,
      component: "channels.c1",
      property: "colour",
      message: ['Unknown property "colour"'],
    },
  },
  {
    name: "a component configured but not listed (one warning, not one per key)",
    text: conf({}, "a1.sinks.k2.type = null", "a1.sinks.k2.channel = c1"),
    expected: {
      severity: "warning",
      line: 9,
      component: "sinks.k2",
      message: ["Configured but not listed in a1.sinks", "ignored"],
      hint: ['add "k2" to a1.sinks'],
    },
  },
  {
    name: "a source with both channel and channels",
    text: conf({}, "a1.sources.r1.channel = c1"),
    expected: {
      severity: "warning",
      line: 9,
      component: "sources.r1",
      property: "channel",
      message: ['Unknown property "channel"'],
      hint: ['"channels" (plural)'],
    },
  },
  {
    name: "a sink with both channel and channels",
    text: conf({}, "a1.sinks.k1.channels = c1"),
    expected: {
      severity: "warning",
      line: 9,
      component: "sinks.k1",
      property: "channels",
      message: ['Unknown property "channels"'],
      hint: ['"channel" (singular)'],
    },
  },
  {
    name: "an unknown group close to a known one",
    text: conf({}, "a1.snks = k9"),
    expected: {
      severity: "warning",
      line: 9,
      message: ['Unknown key "a1.snks"'],
      hint: ['did you mean "sinks"?'],
    },
  },
  {
    name: "a value set on a component name",
    text: conf({}, "a1.sinks.k1 = logger"),
    expected: {
      severity: "warning",
      line: 9,
      message: ['Unknown key "a1.sinks.k1"'],
      hint: ["a1.sinks.k1.PROPERTY"],
    },
  },
  {
    name: "a key named like an Object.prototype member",
    text: conf({}, "a1.constructor.x.type = seq"),
    expected: { severity: "warning", line: 9, message: ['Unknown key "a1.constructor.x.type"'] },
  },
  {
    name: "an unknown selector property",
    text: conf({}, "a1.sources.r1.selector.foo = bar"),
    expected: {
      severity: "warning",
      line: 9,
      component: "sources.r1",
      property: "selector.foo",
      message: ['Unknown property "foo" for type replicating', "ignored"],
    },
  },
  {
    name: "a list named like an Object.prototype member",
    text: conf({}, "a1.toString = r1"),
    expected: { severity: "warning", line: 9, message: ['Unknown key "a1.toString"'] },
  },
];

Deno.test("loadAgentConfig reports each rule's error with its line, component and property", async (t) => {
  for (const row of errorRows) {
    await t.step(row.name, () => {
      throws(() => load(row.text, row), ConfigError);
      const issues = issuesOf(row.text, row);
      equal(issues.length, 1, JSON.stringify(issues, null, 2));
      assertIssue(issues[0], row.expected);
    });
  }
});

Deno.test("loadAgentConfig warns, and still loads, for each rule's warning", async (t) => {
  for (const row of warningRows) {
    await t.step(row.name, () => {
      const config = load(row.text, row);
      equal(config.warnings.length, 1, JSON.stringify(config.warnings, null, 2));
      assertIssue(config.warnings[0], row.expected);
    });
  }
});

Deno.test("loadAgentConfig reports every problem of a file at once, sorted by line", async (t) => {
  const text = [
    "a1.sources = r1 r2", // 1
    "a1.channels = c1 c2", // 2
    "a1.sinks = k1 k2 k3", // 3
    "a1.sinks.k2.channel = c1", // 4: k2 has no type
    "a1.sources.r1.type = seq", // 5
    "a1.sources.r1.channel = c1", // 6: singular on a source
    "a1.sources.r2.type = bogus", // 7: unknown type...
    "a1.sources.r2.channels = nowhere", // 8: ...and its channel is still checked
    "a1.channels.c1.type = memroy", // 9
    "a1.channels.c2.type = memory", // 10
    "a1.channels.c2.capacity = 5", // 11
    "a1.channels.c2.transactionCapacity = 9", // 12
    "a1.sinks.k1.type = logger", // 13
    "a1.sinks.k1.channels = c2", // 14: plural on a sink
    "a1.sinks.k1.maxBytesTolog = 4", // 15: a warning among the errors
    "a1.sinks.k3.type = null", // 16
    "a1.sinks.k3.channel = c2", // 17
    "a1.sinks.k3.batchSize = many", // 18
  ].join("\n");
  const error = (() => {
    try {
      load(text);
    } catch (err) {
      if (err instanceof ConfigError) return err;
      throw err;
    }
    throw new Error("Expected a ConfigError");
  })();
  const { issues } = error;

  await t.step("every issue, in line order", () => {
    deepStrictEqual(
      issues.map((i) => [i.line, i.severity, i.component, i.property]),
      [
        [4, "error", "sinks.k2", "type"],
        [6, "error", "sources.r1", "channels"],
        [7, "error", "sources.r2", "type"],
        [8, "error", "sources.r2", "channels"],
        [9, "error", "channels.c1", "type"],
        [12, "error", "channels.c2", "transactionCapacity"],
        [14, "error", "sinks.k1", "channel"],
        [15, "warning", "sinks.k1", "maxBytesTolog"],
        [18, "error", "sinks.k3", "batchSize"],
      ],
    );
  });

  await t.step("the error's message lists every error, not the warnings", () => {
    const lines = error.message.split("\n").filter((l) => l.startsWith(FILE));
    equal(lines.length, 8);
    ok(lines.every((l) => /^flume\.conf:\d+: error: /.test(l)), lines.join("\n"));
    ok(lines[0].startsWith('flume.conf:4: error: sinks.k2 type: Missing required property "type"'));
  });
});

Deno.test("loadAgentConfig returns the topology of a valid file", async (t) => {
  const config = load(conf({ 7: "a1.sinks.k1.type = null" }));

  await t.step("names the file and agent, and has no warnings", () => {
    equal(config.file, FILE);
    equal(config.agent, "a1");
    deepStrictEqual(config.warnings, []);
  });

  await t.step("links sources to channels and sinks to their channel", () => {
    deepStrictEqual(
      config.sources.map((s) => [
        s.name,
        s.type,
        s.channels,
        s.selector.type,
        s.selector.config.optional,
        s.interceptors,
      ]),
      [["r1", "seq", ["c1"], "replicating", undefined, []]],
    );
    deepStrictEqual(config.channels.map((c) => [c.name, c.type]), [["c1", "memory"]]);
    deepStrictEqual(config.sinks.map((s) => [s.name, s.type, s.channel]), [["k1", "null", "c1"]]);
  });

  await t.step("names the source's selector channels", () => {
    const linked = load(conf(
      { 2: "a1.channels = c1 c2", 5: "a1.sources.r1.channels = c1 c2" },
      "a1.channels.c2.type = memory",
      "a1.sources.r1.selector.optional = c2",
    ));
    deepStrictEqual(linked.warnings, []);
    const [source] = linked.sources;
    deepStrictEqual(source.channels, ["c1", "c2"]);
    equal(source.selector.id, "sources.r1.selector");
    deepStrictEqual(source.selector.config.optional, ["c2"]);
    equal(source.selector.settings.line("optional"), 10);
  });

  await t.step("applies the documented defaults", () => {
    const [channel] = config.channels;
    equal(channel.settings.get("capacity"), 100);
    equal(channel.settings.get("transactionCapacity"), 100);
    // keep-alive is written in seconds and held in milliseconds.
    equal(channel.settings.get("keep-alive"), 3000);
    equal(channel.config["keep-alive"], 3000);
    equal(channel.settings.has("capacity"), false);
    equal(channel.config.capacity, 100);
    equal(config.sinks[0].settings.get("batchSize"), 100);
    equal(config.sources[0].settings.get("batchSize"), 1);
    equal(load(conf({})).sinks[0].settings.get("maxBytesToLog"), 16);
  });

  await t.step("parses set values to their types", () => {
    const set = load(
      conf(
        {},
        "a1.channels.c1.capacity = 1000",
        "a1.channels.c1.transactionCapacity = 50",
        "a1.sources.r1.batchSize = 50",
        "a1.sinks.k1.maxBytesToLog = 64",
      ),
    );
    equal(set.channels[0].settings.get("capacity"), 1000);
    equal(set.channels[0].settings.line("capacity"), 9);
    equal(set.channels[0].settings.get("transactionCapacity"), 50);
    equal(set.sources[0].settings.get("batchSize"), 50);
    equal(set.sinks[0].settings.get("maxBytesToLog"), 64);
    deepStrictEqual(
      [set.channels[0].config.capacity, set.sources[0].config.batchSize],
      [1000, 50],
    );
  });
});

Deno.test("loadAgentConfig accepts type names in any case and Flume's class names", async (t) => {
  const rows: readonly { source: string; channel: string; sink: string }[] = [
    { source: "SEQ", channel: "Memory", sink: "LOGGER" },
    {
      source: "org.apache.flume.source.SequenceGeneratorSource",
      channel: "org.apache.flume.channel.MemoryChannel",
      sink: "org.apache.flume.sink.LoggerSink",
    },
    {
      source: "ORG.APACHE.FLUME.SOURCE.SEQUENCEGENERATORSOURCE",
      channel: "org.apache.flume.channel.memorychannel",
      sink: "org.apache.flume.sink.NullSink",
    },
  ];
  for (const row of rows) {
    await t.step(`${row.source}, ${row.channel}, ${row.sink}`, () => {
      const config = load(conf({
        4: `a1.sources.r1.type = ${row.source}`,
        6: `a1.channels.c1.type = ${row.channel}`,
        7: `a1.sinks.k1.type = ${row.sink}`,
      }));
      deepStrictEqual(config.warnings, []);
      equal(config.sources[0].type, row.source);
      equal(config.sources[0].definition.type, "seq");
      equal(config.channels[0].definition.type, "memory");
      ok(["logger", "null"].includes(config.sinks[0].definition.type));
    });
  }
});

Deno.test("loadAgentConfig splits lists on any whitespace", () => {
  const config = load(
    [
      "a1.sources = \t r1   r2\t",
      "a1.channels = c1\tc2",
      "a1.sinks =   k1",
      "a1.sources.r1.type = seq",
      "a1.sources.r1.channels = c1  \t c2",
      "a1.sources.r2.type = seq",
      "a1.sources.r2.channels = c2",
      "a1.channels.c1.type = memory",
      "a1.channels.c2.type = memory",
      "a1.sinks.k1.type = logger",
      "a1.sinks.k1.channel =  c2 ",
    ].join("\n"),
  );
  deepStrictEqual(config.sources.map((s) => [s.name, s.channels]), [
    ["r1", ["c1", "c2"]],
    ["r2", ["c2"]],
  ]);
  deepStrictEqual(config.channels.map((c) => c.name), ["c1", "c2"]);
  deepStrictEqual(config.sinks.map((s) => [s.name, s.channel]), [["k1", "c2"]]);
});

Deno.test("loadAgentConfig substitutes ${env:NAME} and ${sys:NAME} in values", () => {
  const env: Record<string, string> = { SINK_CHANNEL: "c1", EMPTY: "" };
  const config = load(
    conf(
      { 8: "a1.sinks.k1.channel = ${env:SINK_CHANNEL}" },
      "a1.channels.c1.capacity = ${sys:cap}0${env:EMPTY}",
      "a1.sinks.k1.maxBytesToLog = ${sys:max}",
    ),
    {
      variables: {
        env: (name: string): string | undefined => env[name],
        sys: { cap: "50", max: "8" },
      },
    },
  );
  equal(config.sinks[0].channel, "c1");
  equal(config.channels[0].settings.get("capacity"), 500);
  equal(config.sinks[0].settings.get("maxBytesToLog"), 8);
});

Deno.test("loadAgentConfig names every unset variable of a value in one error", () => {
  const issues = issuesOf(
    conf({}, "a1.channels.c1.capacity = ${env:A_UNSET}${sys:b}${env:A_UNSET}"),
  );
  equal(issues.length, 1);
  assertIssue(issues[0], {
    severity: "error",
    line: 9,
    component: "channels.c1",
    property: "capacity",
    message: ['Variables "${env:A_UNSET}", "${sys:b}" are not set'],
    hint: ["environment variable A_UNSET", "-Db=VALUE"],
  });
});
