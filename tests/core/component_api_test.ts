/**
 * A new component written as a contributor would: one definition using
 * only the public component API (src/api/mod.ts), registered with one line,
 * run in an agent built from a flume.conf.
 *
 * @module
 */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import {
  defineSink,
  type Delivery,
  duration,
  type Event,
  int,
  oneOf,
  SILENT_LOG,
  type SinkDefinition,
  type SinkWriter,
  SYSTEM_CLOCK,
} from "../../src/api/mod.ts";
import { Agent } from "../../src/core/agent.ts";
import { loadConf } from "../support/components.ts";
import { eventually } from "../support/websocket_harness.ts";

/** What the test sink wrote, per sink name. */
type Written = Map<string, string[]>;

/** A sink that upper- or lower-cases each body into `written`: a complete component in one definition. */
function caseSink(written: Written): SinkDefinition {
  return defineSink({
    type: "case",
    aliases: ["com.example.flume.CaseSink"],
    summary: "Changes the case of each body",
    properties: {
      batchSize: int({ default: 10, min: 1, doc: "Most events per transaction" }),
      mode: oneOf({ values: ["upper", "lower"], default: "upper", doc: "Which case" }),
      pause: duration({ unit: "ms", default: 0, doc: "Milliseconds to wait per batch" }),
    },
    check(props, report): void {
      if (props.get("mode") === "lower" && props.has("pause")) {
        report({ property: "pause", message: "pause is for upper case only", severity: "warning" });
      }
    },
    prepare: (config) => ({ preparedFor: config.mode }),
    create({ name, config, prepared, clock }): SinkWriter {
      // @ts-expect-error: a misspelled property name does not compile.
      config.batchsize;
      const out: string[] = [];
      written.set(name, out);
      return {
        batchSize: config.batchSize,
        async deliver(events: readonly Event[]): Promise<Delivery> {
          if (config.pause > 0) await clock.sleep(config.pause);
          for (const event of events) {
            const text = new TextDecoder().decode(event.body);
            out.push(
              `${prepared.preparedFor}:${config.mode === "upper" ? text.toUpperCase() : text}`,
            );
          }
          return { outcome: "commit" };
        },
      };
    },
  });
}

const CONF = [
  "a1.sources = r1",
  "a1.channels = c1",
  "a1.sinks = k1",
  "a1.sources.r1.type = seq",
  "a1.sources.r1.totalEvents = 25",
  "a1.sources.r1.batchSize = 5",
  "a1.sources.r1.channels = c1",
  "a1.channels.c1.type = memory",
  "a1.sinks.k1.type = com.example.flume.CaseSink",
  "a1.sinks.k1.channel = c1",
  "a1.sinks.k1.batchSize = 4",
  "a1.sinks.k1.pause = 1",
];

Deno.test("a sink defined in one file and registered with one line runs in an agent", async () => {
  const written: Written = new Map();
  const config = loadConf(CONF, { sink: [caseSink(written)] });
  const sink = config.sinks[0];
  equal(sink.definition.type, "case");
  deepStrictEqual(sink.config, { batchSize: 4, mode: "upper", pause: 1 });
  deepStrictEqual(sink.prepared, { preparedFor: "upper" });
  const agent = new Agent(config, { clock: SYSTEM_CLOCK, logFor: () => SILENT_LOG });
  await agent.start();
  try {
    await eventually(() => (written.get("k1")?.length ?? 0) === 25, "25 events written");
  } finally {
    await agent.stop();
  }
  deepStrictEqual(written.get("k1"), Array.from({ length: 25 }, (_, i) => `upper:${i}`));
  const counters = agent.counters.snapshot()["SINK.k1"];
  equal(counters.EventDrainSuccessCount, 25, "the framework counts for the sink");
  ok(Number(counters.BatchCompleteCount) >= 1);
  equal(agent.counters.snapshot()["SOURCE.r1"].EventAcceptedCount, 25);
});

Deno.test("a new sink's properties are validated from its declaration", () => {
  const written: Written = new Map();
  const extra = { sink: [caseSink(written)] };
  const bad = CONF.map((l) => l.replace("pause = 1", "pause = soon"))
    .concat("a1.sinks.k1.mode = title", "a1.sinks.k1.bathSize = 3");
  try {
    loadConf(bad, extra);
    ok(false, "the configuration is invalid");
  } catch (err) {
    const text = String(err);
    ok(text.includes('Invalid pause "soon": expected a whole number'), text);
    ok(text.includes('Invalid mode "title": expected one of upper, lower'), text);
  }
  const warned = loadConf(
    CONF.concat("a1.sinks.k1.mode = LOWER", "a1.sinks.k1.bathSize = 3"),
    extra,
  );
  deepStrictEqual(warned.sinks[0].config.mode, "lower", "an enum holds the declared value");
  deepStrictEqual(
    warned.warnings.map((w) => `${w.property}: ${w.message} ${w.hint ?? ""}`.trim()),
    [
      "pause: pause is for upper case only",
      'bathSize: Unknown property "bathSize" for type case: ignored did you mean "batchSize"?',
    ],
    "in line order",
  );
});
