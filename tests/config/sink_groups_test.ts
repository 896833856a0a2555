import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type { AgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { loadConf } from "../support/components.ts";

/** An agent with four null sinks on one channel, one key a line. */
const BASE: readonly string[] = [
  "a1.sources = r1", // 1
  "a1.channels = c1", // 2
  "a1.sinks = k1 k2 k3 k4", // 3
  "a1.sources.r1.type = seq", // 4
  "a1.sources.r1.channels = c1", // 5
  "a1.channels.c1.type = memory", // 6
  "a1.sinks.k1.type = null", // 7
  "a1.sinks.k1.channel = c1", // 8
  "a1.sinks.k2.type = null", // 9
  "a1.sinks.k2.channel = c1", // 10
  "a1.sinks.k3.type = null", // 11
  "a1.sinks.k3.channel = c1", // 12
  "a1.sinks.k4.type = null", // 13
  "a1.sinks.k4.channel = c1", // 14
];

/** BASE with the sink group lines appended from line 15 on. */
function withGroups(...lines: string[]): string[] {
  return [...BASE, ...lines];
}

/** The issues of a file: the ConfigError's, or the warnings of a valid one. */
function issuesOf(lines: readonly string[]): readonly ConfigIssue[] {
  try {
    return loadConf(lines).warnings;
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
}

/** What one case expects of the one issue its file has. */
interface Expected {
  readonly severity: "error" | "warning";
  readonly line: number;
  readonly component: string;
  readonly property?: string;
  /** Key words of the message. */
  readonly message: readonly string[];
  /** Key words of the hint. */
  readonly hint: readonly string[];
}

/** Asserts that `lines` report exactly one issue, the one expected. */
function assertOnly(lines: readonly string[], expected: Expected): void {
  const issues = issuesOf(lines);
  equal(issues.length, 1, `one issue, got:\n${issues.map((i) => i.message).join("\n")}`);
  const [issue] = issues;
  deepStrictEqual(
    {
      severity: issue.severity,
      line: issue.line,
      component: issue.component,
      property: issue.property,
    },
    {
      severity: expected.severity,
      line: expected.line,
      component: expected.component,
      property: expected.property,
    },
  );
  for (const word of expected.message) {
    ok(issue.message.includes(word), `message ${JSON.stringify(issue.message)} lacks ${word}`);
  }
  for (const word of expected.hint) {
    ok(issue.hint?.includes(word), `hint ${JSON.stringify(issue.hint)} lacks ${word}`);
  }
}

Deno.test("loadAgentConfig resolves sink groups and their processors", async (t) => {
  await t.step("a failover group: its sinks in order, its processor's typed config", () => {
    const config: AgentConfig = loadConf(withGroups(
      "a1.sinkgroups = g1",
      "a1.sinkgroups.g1.sinks = k1 k2",
      "a1.sinkgroups.g1.processor.type = failover",
      "a1.sinkgroups.g1.processor.priority.k1 = 5",
      "a1.sinkgroups.g1.processor.priority.k2 = 10",
      "a1.sinkgroups.g1.processor.maxpenalty = 10000",
    ));
    equal(config.sinkGroups.length, 1);
    const [group] = config.sinkGroups;
    equal(group.name, "g1");
    equal(group.id, "sinkgroups.g1");
    deepStrictEqual(group.sinks, ["k1", "k2"]);
    equal(group.line, 16);
    equal(group.processor.definition.type, "failover");
    equal(group.processor.config.maxpenalty, 10000);
    equal(group.processor.settings.raw("priority.k2"), "10");
    deepStrictEqual(config.warnings, []);
  });

  await t.step("without processor.type the group has Flume's default processor", () => {
    const config = loadConf(withGroups("a1.sinkgroups = g1", "a1.sinkgroups.g1.sinks = k1"));
    equal(config.sinkGroups[0].processor.type, "default");
    equal(config.sinkGroups[0].processor.definition.type, "default");
  });

  await t.step("Flume's class names and any case name the processor types", () => {
    const config = loadConf(withGroups(
      "a1.sinkgroups = g1 g2",
      "a1.sinkgroups.g1.sinks = k1 k2",
      "a1.sinkgroups.g1.processor.type = org.apache.flume.sink.FailoverSinkProcessor",
      "a1.sinkgroups.g2.sinks = k3 k4",
      "a1.sinkgroups.g2.processor.type = LOAD_BALANCE",
      "a1.sinkgroups.g2.processor.selector = Random",
    ));
    deepStrictEqual(config.sinkGroups.map((g) => g.processor.definition.type), [
      "failover",
      "load_balance",
    ]);
    equal(config.sinkGroups[1].processor.config["selector.maxTimeOut"], 30000);
  });
});

Deno.test("loadAgentConfig reports each sink group rule with its line and a hint", async (t) => {
  const cases: { name: string; lines: string[]; expected: Expected }[] = [
    {
      name: "a group without sinks",
      lines: withGroups("a1.sinkgroups = g1", "a1.sinkgroups.g1.processor.type = failover"),
      expected: {
        severity: "error",
        line: 16,
        component: "sinkgroups.g1",
        property: "sinks",
        message: ['Missing required property "sinks"'],
        hint: ["a1.sinkgroups.g1.sinks = k1 k2"],
      },
    },
    {
      name: "the guide's processor.sinks instead of sinks",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.processor.type = failover",
        "a1.sinkgroups.g1.processor.sinks = k1 k2",
      ),
      expected: {
        severity: "error",
        line: 16,
        component: "sinkgroups.g1",
        property: "sinks",
        message: ['Missing required property "sinks"'],
        hint: ["a1.sinkgroups.g1.sinks", "not processor.sinks"],
      },
    },
    {
      name: "a group listed but never configured",
      lines: withGroups("a1.sinkgroups = g1"),
      expected: {
        severity: "error",
        line: 15,
        component: "sinkgroups.g1",
        message: ["Listed in a1.sinkgroups but never configured"],
        hint: ["add a1.sinkgroups.g1.sinks = ..."],
      },
    },
    {
      name: "a sink the agent does not list",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1 kk2",
        "a1.sinkgroups.g1.processor.type = failover",
      ),
      expected: {
        severity: "error",
        line: 16,
        component: "sinkgroups.g1",
        property: "sinks",
        message: ['Sink "kk2" is not listed in a1.sinks'],
        hint: ['did you mean "k2"?'],
      },
    },
    {
      name: "a sink in two groups",
      lines: withGroups(
        "a1.sinkgroups = g1 g2",
        "a1.sinkgroups.g1.sinks = k1 k2",
        "a1.sinkgroups.g1.processor.type = failover",
        "a1.sinkgroups.g2.sinks = k2 k3",
        "a1.sinkgroups.g2.processor.type = failover",
      ),
      expected: {
        severity: "error",
        line: 18,
        component: "sinkgroups.g2",
        property: "sinks",
        message: ['Sink "k2" already belongs to sink group "g1"'],
        hint: ["a1.sinkgroups.g2.sinks", "a1.sinkgroups.g1.sinks"],
      },
    },
    {
      name: "the default processor with two sinks",
      lines: withGroups("a1.sinkgroups = g1", "a1.sinkgroups.g1.sinks = k1 k2"),
      expected: {
        severity: "error",
        line: 16,
        component: "sinkgroups.g1",
        property: "sinks",
        message: ["default processor runs exactly one sink", "lists 2"],
        hint: ["processor.type = failover or load_balance"],
      },
    },
    {
      name: "load_balance with one sink",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1",
        "a1.sinkgroups.g1.processor.type = load_balance",
      ),
      expected: {
        severity: "error",
        line: 16,
        component: "sinkgroups.g1",
        property: "sinks",
        message: ["needs at least two sinks"],
        hint: ["add a sink"],
      },
    },
    {
      name: "a failover priority for a sink outside the group",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1 k2",
        "a1.sinkgroups.g1.processor.type = failover",
        "a1.sinkgroups.g1.processor.priority.k1 = 5",
        "a1.sinkgroups.g1.processor.priority.kk2 = 10",
      ),
      expected: {
        severity: "error",
        line: 19,
        component: "sinkgroups.g1",
        property: "processor.priority.kk2",
        message: ['Sink "kk2" is not in the sink group'],
        hint: ['did you mean "k2"?'],
      },
    },
    {
      name: "a failover priority for a sink of the agent but not of the group",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1 k2",
        "a1.sinkgroups.g1.processor.type = failover",
        "a1.sinkgroups.g1.processor.priority.k3 = 10",
      ),
      expected: {
        severity: "error",
        line: 18,
        component: "sinkgroups.g1",
        property: "processor.priority.k3",
        message: ['Sink "k3" is not in the sink group'],
        hint: ['add "k3" to a1.sinkgroups.g1.sinks'],
      },
    },
    {
      name: "two sinks with the same priority",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1 k2",
        "a1.sinkgroups.g1.processor.type = failover",
        "a1.sinkgroups.g1.processor.priority.k1 = 7",
        "a1.sinkgroups.g1.processor.priority.k2 = 7",
      ),
      expected: {
        severity: "error",
        line: 19,
        component: "sinkgroups.g1",
        property: "processor.priority.k2",
        message: ['Sinks "k1" and "k2" have the same priority 7'],
        hint: ["its own a1.sinkgroups.g1.processor.priority.SINK"],
      },
    },
    {
      name: "a priority equal to one Flume gives a sink without one",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1 k2",
        "a1.sinkgroups.g1.processor.type = failover",
        "a1.sinkgroups.g1.processor.priority.k2 = -1",
      ),
      expected: {
        severity: "error",
        line: 18,
        component: "sinkgroups.g1",
        property: "processor.priority.k2",
        message: ['"k1" (no priority set', "same priority -1"],
        hint: ["its own"],
      },
    },
    {
      name: "a priority that is not a whole number",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1 k2",
        "a1.sinkgroups.g1.processor.type = failover",
        "a1.sinkgroups.g1.processor.priority.k2 = high",
      ),
      expected: {
        severity: "error",
        line: 18,
        component: "sinkgroups.g1",
        property: "processor.priority.k2",
        message: ['Invalid priority.k2 "high"', "whole number"],
        hint: [],
      },
    },
    {
      name: "a maxpenalty that is not a number",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1 k2",
        "a1.sinkgroups.g1.processor.type = failover",
        "a1.sinkgroups.g1.processor.maxpenalty = 10s",
      ),
      expected: {
        severity: "error",
        line: 18,
        component: "sinkgroups.g1",
        property: "processor.maxpenalty",
        message: ['Invalid maxpenalty "10s"'],
        hint: [],
      },
    },
    {
      name: "an unknown processor type",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1 k2",
        "a1.sinkgroups.g1.processor.type = failovr",
      ),
      expected: {
        severity: "error",
        line: 17,
        component: "sinkgroups.g1",
        property: "processor.type",
        message: ['Unknown processor type "failovr"'],
        hint: ['did you mean "failover"?'],
      },
    },
    {
      name: "a custom selector class",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1 k2",
        "a1.sinkgroups.g1.processor.type = load_balance",
        "a1.sinkgroups.g1.processor.selector = com.example.StickySelector",
      ),
      expected: {
        severity: "error",
        line: 18,
        component: "sinkgroups.g1",
        property: "processor.selector",
        message: ['Unknown selector "com.example.StickySelector"'],
        hint: ["custom sink selector classes are not supported"],
      },
    },
    {
      name: "a misspelt selector",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1 k2",
        "a1.sinkgroups.g1.processor.type = load_balance",
        "a1.sinkgroups.g1.processor.selector = round-robin",
      ),
      expected: {
        severity: "error",
        line: 18,
        component: "sinkgroups.g1",
        property: "processor.selector",
        message: ['Unknown selector "round-robin"', "round_robin or random"],
        hint: ['did you mean "round_robin"?'],
      },
    },
    {
      name: "a misspelt processor property (a warning)",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1 k2",
        "a1.sinkgroups.g1.processor.type = failover",
        "a1.sinkgroups.g1.processor.maxPenalty = 5000",
      ),
      expected: {
        severity: "warning",
        line: 18,
        component: "sinkgroups.g1",
        property: "processor.maxPenalty",
        message: ['Unknown property "maxPenalty" for type failover'],
        hint: ['did you mean "maxpenalty"?'],
      },
    },
    {
      name: "a key of the group that is neither sinks nor processor.* (a warning)",
      lines: withGroups(
        "a1.sinkgroups = g1",
        "a1.sinkgroups.g1.sinks = k1",
        "a1.sinkgroups.g1.type = failover",
      ),
      expected: {
        severity: "warning",
        line: 17,
        component: "sinkgroups.g1",
        property: "type",
        message: ['Unknown property "type" for a sink group'],
        hint: ["a1.sinkgroups.g1.processor.type"],
      },
    },
  ];
  for (const c of cases) await t.step(c.name, () => assertOnly(c.lines, c.expected));
});

Deno.test("loadAgentConfig reports every sink group problem of a file at once", () => {
  const issues = issuesOf(withGroups(
    "a1.sinkgroups = g1 g2",
    "a1.sinkgroups.g1.sinks = k1 k9", // 16
    "a1.sinkgroups.g1.processor.type = failover",
    "a1.sinkgroups.g1.processor.priority.k5 = 1", // 18
    "a1.sinkgroups.g2.sinks = k1 k2", // 19
    "a1.sinkgroups.g2.processor.type = load_balance",
    "a1.sinkgroups.g2.processor.backoff = maybe", // 21
  ));
  deepStrictEqual(
    issues.map((i) => [i.line, i.property, i.message]),
    [
      [16, "sinks", 'Sink "k9" is not listed in a1.sinks'],
      [18, "processor.priority.k5", 'Sink "k5" is not in the sink group'],
      [19, "sinks", 'Sink "k1" already belongs to sink group "g1"'],
      [21, "processor.backoff", 'Invalid backoff "maybe": expected true or false'],
    ],
  );
});
