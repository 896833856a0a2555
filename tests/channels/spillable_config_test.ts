import { deepStrictEqual, equal, match, ok, throws } from "node:assert/strict";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import {
  SPILLABLE_MEMORY_CHANNEL,
  SpillableMemoryChannel,
} from "../../src/channels/spillable/mod.ts";
import { slotsFor } from "../../src/channels/spillable/spillable_channel.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { runCli } from "../support/cli.ts";
import { channelFrom, loadConf } from "../support/components.ts";
import { withoutSourcelessWarning } from "../support/config_issues.ts";
import { FakeClock } from "../support/fake_clock.ts";

/** flume.conf lines for a channel c1 of `type` with `props`, drained by a null sink of batchSize 1. */
function spillConf(props: Record<string, string>, type = "SPILLABLEMEMORY"): string[] {
  return [
    "a1.channels = c1",
    "a1.sinks = k1",
    `a1.channels.c1.type = ${type}`,
    ...Object.entries(props).map(([k, v]) => `a1.channels.c1.${k} = ${v}`),
    "a1.sinks.k1.type = null",
    "a1.sinks.k1.channel = c1",
    "a1.sinks.k1.batchSize = 1",
  ];
}

/** Every issue loading `lines` reports (errors or warnings), without the no-source warning. */
function issuesOf(lines: readonly string[]): ConfigIssue[] {
  try {
    return withoutSourcelessWarning(loadConf(lines).warnings);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return withoutSourcelessWarning(err.issues);
  }
}

/** The issues of a channel c1 with `props`, as `severity line property: message`. */
function spillIssues(props: Record<string, string>): string[] {
  return issuesOf(spillConf(props)).map((issue) =>
    `${issue.severity} ${issue.file}:${issue.line} ${issue.property}: ${issue.message}`
  );
}

/** A spillable channel built from `props` as the agent builds it (not started). */
function spillFrom(props: Record<string, string>): SpillableMemoryChannel {
  const ch = channelFrom("SPILLABLEMEMORY", props, { clock: new FakeClock() });
  ok(ch instanceof SpillableMemoryChannel);
  return ch;
}

Deno.test("SPILLABLEMEMORY: Flume's properties, defaults and checks", async (t) => {
  await t.step("Flume's defaults, transactionCapacity as the memory channel's", () => {
    const config = loadConf(spillConf({ checkpointDir: "/x/cp", dataDirs: "/x/d" })).channels[0];
    equal(config.definition, SPILLABLE_MEMORY_CHANNEL);
    const values = config.config as Record<string, unknown>;
    equal(values.memoryCapacity, 10000);
    equal(values.overflowCapacity, 100000000);
    equal(values.overflowTimeout, 3000, "3 s, held in milliseconds");
    equal(values.byteCapacityBufferPercentage, 20);
    equal(values.byteCapacity, undefined, "computed from the heap");
    equal(values.avgEventSize, 500);
    equal(values.overflowDeactivationThreshold, 5);
    equal(values.transactionCapacity, 100);
    equal(values["keep-alive"], 3000);
    equal(values.minimumRequiredSpace, 524288000, "the file channel's own properties too");
    const ch = spillFrom({ checkpointDir: "/x/cp", dataDirs: "/x/d1, /x/d2" });
    equal(ch.capacity, 100010000, "memoryCapacity + overflowCapacity");
    equal(ch.counters.get("ChannelCapacity"), 100010000);
    equal(ch.checkpointDir, "/x/cp");
    deepStrictEqual(ch.dataDirs, ["/x/d1", "/x/d2"]);
    equal(ch.keepAliveMs, 3000);
  });

  await t.step("the type in any case and Flume's class name", () => {
    const registry = builtinRegistry();
    for (
      const name of [
        "SPILLABLEMEMORY",
        "spillablememory",
        "SpillableMemory",
        "org.apache.flume.channel.SpillableMemoryChannel",
      ]
    ) {
      equal(registry.find("channel", name), SPILLABLE_MEMORY_CHANNEL, name);
      equal(loadConf(spillConf({}, name)).channels[0].definition, SPILLABLE_MEMORY_CHANNEL, name);
    }
  });

  await t.step("the guide's three examples validate", () => {
    const examples = [
      [
        "a1.channels.c1.memoryCapacity = 10000",
        "a1.channels.c1.overflowCapacity = 1000000",
        "a1.channels.c1.byteCapacity = 800000",
        "a1.channels.c1.checkpointDir = /mnt/flume/checkpoint",
        "a1.channels.c1.dataDirs = /mnt/flume/data",
      ],
      [
        "a1.channels.c1.memoryCapacity = 0",
        "a1.channels.c1.overflowCapacity = 1000000",
        "a1.channels.c1.checkpointDir = /mnt/flume/checkpoint",
        "a1.channels.c1.dataDirs = /mnt/flume/data",
      ],
      [
        "a1.channels.c1.memoryCapacity = 100000",
        "a1.channels.c1.overflowCapacity = 0",
      ],
    ];
    for (const example of examples) {
      const lines = [
        "a1.channels = c1",
        "a1.sinks = k1",
        "a1.channels.c1.type = SPILLABLEMEMORY",
        ...example,
        "a1.sinks.k1.type = null",
        "a1.sinks.k1.channel = c1",
      ];
      deepStrictEqual(issuesOf(lines), [], example.join("\n"));
      equal(loadConf(lines).channels[0].definition, SPILLABLE_MEMORY_CHANNEL);
    }
  });

  await t.step("both capacities 0 is an error on the line that sets the second", () => {
    deepStrictEqual(spillIssues({ memoryCapacity: "0", overflowCapacity: "0" }), [
      "error test.conf:5 overflowCapacity: memoryCapacity and overflowCapacity are both 0: " +
      "the channel could hold no event",
    ]);
  });

  await t.step("transactionCapacity beyond what the channel holds is an error", () => {
    deepStrictEqual(
      spillIssues({ memoryCapacity: "10", overflowCapacity: "0", transactionCapacity: "11" }),
      [
        "error test.conf:6 transactionCapacity: transactionCapacity 11 is larger than " +
        "memoryCapacity + overflowCapacity 10",
      ],
    );
    deepStrictEqual(
      spillIssues({ memoryCapacity: "10", overflowCapacity: "5", transactionCapacity: "15" }),
      [],
      "a batch may be split between memory and overflow",
    );
  });

  await t.step("bad values are errors with their line", () => {
    deepStrictEqual(
      spillIssues({ memoryCapacity: "-1", overflowTimeout: "soon", avgEventSize: "0" }),
      [
        'error test.conf:4 memoryCapacity: Invalid memoryCapacity "-1": must be at least 0',
        'error test.conf:5 overflowTimeout: Invalid overflowTimeout "soon": expected a whole ' +
        "number",
        'error test.conf:6 avgEventSize: Invalid avgEventSize "0": must be at least 1',
      ],
    );
    deepStrictEqual(spillIssues({ overflowDeactivationThreshold: "101" }), [
      "error test.conf:4 overflowDeactivationThreshold: Invalid overflowDeactivationThreshold " +
      '"101": must be at most 100',
    ]);
  });

  await t.step("capacity is ignored with a warning: overflowCapacity sets the overflow's", () => {
    deepStrictEqual(spillIssues({ capacity: "5" }), [
      "warning test.conf:4 capacity: capacity is ignored by the spillable memory channel",
    ]);
    equal(
      spillFrom({ capacity: "5", checkpointDir: "/x/cp", dataDirs: "/x/d" }).capacity,
      100010000,
    );
  });

  await t.step("the file channel's rules apply to the overflow", () => {
    deepStrictEqual(spillIssues({ dataDirs: ", ,", "encryption.activeKey": "k" }), [
      'error test.conf:4 dataDirs: Invalid dataDirs ", ,": expected at least one directory',
      "warning test.conf:5 encryption.activeKey: Encryption is not supported: events are " +
      "stored unencrypted",
    ]);
    deepStrictEqual(
      spillIssues({ overflowCapacity: "0", dataDirs: ", ," }),
      [],
      "without an overflow its directories do not matter",
    );
  });

  await t.step("directories are claimed like a file channel's, none without an overflow", () => {
    const claims = (props: Record<string, string>): string[] => {
      const config = loadConf(spillConf(props)).channels[0].config;
      return (SPILLABLE_MEMORY_CHANNEL.directories?.(config as never) ?? []).map((c) =>
        `${c.property} ${c.path} ${c.exclusive}`
      );
    };
    deepStrictEqual(claims({ checkpointDir: "/x/cp", dataDirs: "/x/d1,/x/d2" }), [
      "checkpointDir /x/cp true",
      "dataDirs /x/d1 true",
      "dataDirs /x/d2 true",
    ]);
    deepStrictEqual(claims({ overflowCapacity: "0", checkpointDir: "/x/cp" }), []);
  });

  await t.step(
    "byte slots are Flume's: byteCapacity less the buffer, in avgEventSize units",
    () => {
      equal(slotsFor(800000, 20, 500), 1280);
      equal(slotsFor(1000, 0, 100), 10);
      equal(slotsFor(0, 20, 500), Math.floor(Math.floor(200 * 1024 ** 3 * 0.8) / 500));
      equal(slotsFor(100, 0, 500), Number.MAX_SAFE_INTEGER, "less than one slot: no limit");
      equal(spillFrom({ byteCapacity: "800000", overflowCapacity: "0" }).byteSlots, 1280);
      deepStrictEqual(spillIssues({ byteCapacity: "600" }), [
        "warning test.conf:4 byteCapacity: byteCapacity 600 less byteCapacityBufferPercentage 20 " +
        "holds less than one avgEventSize (500 bytes): memory has no byte limit, as in Flume",
      ]);
      deepStrictEqual(spillIssues({ byteCapacity: "625" }), [], "exactly one slot is a limit");
    },
  );

  await t.step("a channel with an overflow needs its directories", () => {
    throws(
      () =>
        new SpillableMemoryChannel(
          "c1",
          new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS),
          {},
          new FakeClock(),
        ),
      /^RangeError: Invalid overflow: checkpointDir and dataDirs are required$/,
    );
  });
});

Deno.test("check refuses a spillable channel sharing a file channel's directories", async () => {
  const dir = await Deno.makeTempDir({ prefix: "spillable_config_test_" });
  try {
    const conf = `${dir}/flume.conf`;
    const lines = [
      "a1.channels = c1 c2",
      "a1.sinks = k1 k2",
      "a1.sinks.k1.type = null",
      "a1.sinks.k1.channel = c1",
      "a1.sinks.k2.type = null",
      "a1.sinks.k2.channel = c2",
      "a1.channels.c1.type = file",
      `a1.channels.c1.checkpointDir = ${dir}/checkpoint`,
      `a1.channels.c1.dataDirs = ${dir}/data`,
      "a1.channels.c2.type = SPILLABLEMEMORY",
      `a1.channels.c2.checkpointDir = ${dir}/checkpoint`,
      `a1.channels.c2.dataDirs = ${dir}/other`,
    ];
    await Deno.writeTextFile(conf, lines.join("\n") + "\n");
    const refused = await runCli(["check", "-n", "a1", "-f", conf]);
    equal(refused.code, 2, refused.stderr);
    match(
      refused.stderr,
      new RegExp(
        `^${conf}:11: error: channels.c2 checkpointDir: "${dir}/checkpoint" is also `,
        "m",
      ),
    );
    ok(!/^\s+at /m.test(refused.stderr), "no stack trace");
    const memoryOnly = [...lines, "a1.channels.c2.overflowCapacity = 0"];
    await Deno.writeTextFile(conf, memoryOnly.join("\n") + "\n");
    const accepted = await runCli(["check", "-n", "a1", "-f", conf]);
    equal(accepted.code, 0, accepted.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
