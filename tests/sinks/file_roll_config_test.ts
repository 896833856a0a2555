import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { type AgentConfig, loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import { CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import { textEvent } from "../../src/api/event.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { FILE_ROLL_SINK, FileRollSink } from "../../src/sinks/file_roll_sink.ts";
import { withTempDir } from "../support/cli.ts";
import { sinkFrom } from "../support/components.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { withoutSourcelessWarning } from "../support/config_issues.ts";

const HEAD = [
  "a1.sinks = k1",
  "a1.channels = c1",
  "a1.channels.c1.type = memory",
  "a1.sinks.k1.type = file_roll",
  "a1.sinks.k1.channel = c1",
];

function load(lines: string[]): AgentConfig {
  return loadAgentConfig([...HEAD, ...lines].join("\n"), {
    file: "f.conf",
    agent: "a1",
    lookup: builtinRegistry(),
    variables: { env: () => undefined, sys: {} },
  });
}

/** Every issue `lines` give, errors and warnings. */
function issues(lines: string[]): ConfigIssue[] {
  try {
    return withoutSourcelessWarning(load(lines).warnings);
  } catch (err) {
    if (err instanceof ConfigError) return withoutSourcelessWarning(err.issues);
    throw err;
  }
}

/** The one issue `lines` give, as `severity property: message | hint`. */
function only(lines: string[]): string {
  const found = issues(lines);
  equal(found.length, 1, JSON.stringify(found));
  const [i] = found;
  return `${i.severity} ${i.property}: ${i.message}${i.hint ? ` | ${i.hint}` : ""}`;
}

const DIR = "a1.sinks.k1.sink.directory = /tmp/out";

Deno.test("file_roll configuration follows Flume's RollingFileSink", async (t) => {
  await t.step("defaults: rollInterval 30, TEXT with newlines, batchSize 100, no prefix", () => {
    const sink = load([DIR]).sinks[0];
    const s = sink.settings;
    const names = [
      "sink.directory",
      "sink.rollInterval",
      "sink.pathManager",
      "sink.pathManager.prefix",
      "sink.pathManager.extension",
      "sink.serializer",
      "sink.serializer.appendNewline",
      "sink.batchSize",
    ] as const;
    // Durations are held in milliseconds: rollInterval 30 s is 30000.
    const expected = ["/tmp/out", 30_000, "DEFAULT", "", "", "TEXT", true, 100];
    deepStrictEqual(names.map((n) => s.get(n)), expected);
    deepStrictEqual(names.map((n) => sink.config[n]), expected);
    equal(sink.definition, FILE_ROLL_SINK);
    deepStrictEqual(withoutSourcelessWarning(load([DIR]).warnings), []);
  });

  await t.step("Flume's class name and every documented property are accepted", () => {
    const config = load([
      DIR,
      "a1.sinks.k1.type = org.apache.flume.sink.RollingFileSink",
      "a1.sinks.k1.sink.rollInterval = 0",
      "a1.sinks.k1.sink.pathManager = default",
      "a1.sinks.k1.sink.pathManager.prefix = events-",
      "a1.sinks.k1.sink.pathManager.extension = log",
      "a1.sinks.k1.sink.serializer = text",
      "a1.sinks.k1.sink.serializer.appendNewline = false",
      "a1.sinks.k1.sink.batchSize = 10",
    ]);
    deepStrictEqual(withoutSourcelessWarning(config.warnings), []);
    equal(config.sinks[0].settings.get("sink.batchSize"), 10);
  });

  await t.step("sink.directory is required and must not be empty", () => {
    equal(
      only([]),
      'error sink.directory: Missing required property "sink.directory"',
    );
    equal(
      only(["a1.sinks.k1.sink.directory = "]),
      'error sink.directory: Invalid sink.directory "": must not be empty',
    );
  });

  await t.step("serializer names match in any case; unknown ones list the available", () => {
    deepStrictEqual(issues([DIR, "a1.sinks.k1.sink.serializer = JSON"]), []);
    deepStrictEqual(issues([DIR, "a1.sinks.k1.sink.serializer = Text"]), []);
    equal(
      only([DIR, "a1.sinks.k1.sink.serializer = avro_event"]),
      'error sink.serializer: Unknown serializer "avro_event": expected one of TEXT, json' +
        " | Flume's avro_event (Avro container files) is not available; " +
        "json keeps headers and body",
    );
    equal(
      only([DIR, "a1.sinks.k1.sink.serializer = txt"]),
      'error sink.serializer: Unknown serializer "txt": expected one of TEXT, json' +
        ' | did you mean "TEXT"?',
    );
    equal(
      only([DIR, "a1.sinks.k1.sink.serializer = com.example.MySerializer$Builder"]),
      'error sink.serializer: Unknown serializer "com.example.MySerializer$Builder": ' +
        "expected one of TEXT, json | available serializers: TEXT, json",
    );
  });

  await t.step("appendNewline with json is a warning: json always ends lines", () => {
    equal(
      only([
        DIR,
        "a1.sinks.k1.sink.serializer = json",
        "a1.sinks.k1.sink.serializer.appendNewline = false",
      ]),
      "warning sink.serializer.appendNewline: sink.serializer.appendNewline does not apply " +
        "to the json serializer: ignored | json always ends each event with a newline",
    );
  });

  await t.step("only the DEFAULT path manager; names without path separators", () => {
    match(
      only([DIR, "a1.sinks.k1.sink.pathManager = ROLLTIME"]),
      /^error sink.pathManager: Unsupported sink.pathManager "ROLLTIME": only DEFAULT/,
    );
    equal(
      only([DIR, "a1.sinks.k1.sink.pathManager.prefix = ../x"]),
      'error sink.pathManager.prefix: Invalid sink.pathManager.prefix "../x": ' +
        "must not contain a path separator | put the path in sink.directory",
    );
  });

  await t.step("bad numbers, and a batch larger than the channel's transaction", () => {
    equal(
      only([DIR, "a1.sinks.k1.sink.rollInterval = -1"]),
      'error sink.rollInterval: Invalid sink.rollInterval "-1": must be at least 0',
    );
    equal(
      only([DIR, "a1.sinks.k1.sink.rollInterval = 99999999999999999"]),
      'error sink.rollInterval: Invalid sink.rollInterval "99999999999999999": number out of range',
    );
    // No timer waits for a roll (the next batch compares the clock): a monthly roll is fine.
    equal(
      load([DIR, "a1.sinks.k1.sink.rollInterval = 2592000"]).sinks[0].config["sink.rollInterval"],
      2_592_000_000,
    );
    equal(
      only([DIR, "a1.sinks.k1.sink.batchSize = 0"]),
      'error sink.batchSize: Invalid sink.batchSize "0": must be at least 1',
    );
    equal(
      only([DIR, "a1.sinks.k1.sink.batchSize = 500"]),
      'error sink.batchSize: sink.batchSize 500 is larger than channel "c1"\'s ' +
        "transactionCapacity 100 | set a1.sinks.k1.sink.batchSize to at most 100, " +
        "or raise a1.channels.c1.transactionCapacity",
    );
  });

  await t.step("a plain batchSize is not Flume's name for it: warned and ignored", () => {
    equal(
      only([DIR, "a1.sinks.k1.batchSize = 10"]),
      'warning batchSize: Unknown property "batchSize" for type file_roll: ignored' +
        ' | did you mean "sink.batchSize"?',
    );
  });
});

Deno.test("FILE_ROLL_SINK builds a sink from the validated settings", async () => {
  await withTempDir(async (dir) => {
    const clock = new FakeClock({ start: 42 });
    const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1"), {}, clock);
    const counters = new CounterRegistry();
    const built = sinkFrom(
      "file_roll",
      {
        "sink.directory": dir,
        "sink.pathManager.prefix": "p-",
        "sink.pathManager.extension": "jsonl",
        "sink.serializer": "Json",
        "sink.batchSize": "7",
      },
      channel,
      { log: SILENT_LOG, clock, counters },
    );
    ok(built.writer instanceof FileRollSink, "the writer is a FileRollSink");
    const sink = built.writer as FileRollSink;
    await built.start();
    try {
      equal(built.batchSize, 7);
      equal(sink.batchSize, 7);
      equal(sink.directory, dir);
      equal(counters.get("SINK.k1"), built.counters, "counter group SINK.k1");
      const tx = channel.getTransaction();
      tx.begin();
      tx.put(textEvent("x", { h: "1" }));
      await tx.commit();
      tx.close();
      await built.process();
      equal(await Deno.readTextFile(`${dir}/p-42-1.jsonl`), '{"headers":{"h":"1"},"body":"x"}\n');
    } finally {
      await built.stop();
    }
  });
});
