/**
 * Every example configuration of Flume's user guide that flume-ws can run
 * passes `check`: the examples come from the guide itself (the copy in
 * `tests/fixtures/`); channels an example names without configuring become
 * memory channels; an example is required to pass once every component
 * type it uses is in the registry, so the set grows with the registry.
 *
 * @module
 */
import { equal, fail, ok } from "node:assert/strict";
import type { ComponentKind } from "../../src/api/component.ts";
import { formatTopology } from "../../src/cli/topology.ts";
import { type ConfText, loadAgentConfigFiles } from "../../src/config/agent_config.ts";
import { ConfigError, formatIssue } from "../../src/config/diagnostics.ts";
import { splitList } from "../../src/config/parse_value.ts";
import { parseProperties, toPropertyMap } from "../../src/config/properties.ts";
import { builtinRegistry, type Registry } from "../../src/registry.ts";
import { type GuideExample, readGuideBlockAt, readGuideExamples } from "./_guide_examples.ts";

/**
 * Examples that fail `check` although the registry knows their types, for
 * a reason outside any one component: the guide line, and why. Each is
 * reported; one that starts passing must be taken off this list.
 */
const KNOWN_GAPS: ReadonlyMap<number, string> = new Map();

/**
 * Examples the guide pairs with another configuration file, checked with
 * it as `-f example.conf -f override.conf` would read them: the example's
 * guide line, and the guide line of the other file's block. The example of
 * line 299 says `port = ${NC_PORT}`; the override file, `NC_PORT = 44444`.
 */
const OVERRIDES: ReadonlyMap<number, number> = new Map([[299, 307]]);

/** What an example needs before it can be checked. */
interface Prepared {
  /** The example, completed. */
  readonly text: string;
  /** Why it cannot be checked: types the registry does not know (`source avro`), … */
  readonly unknown: readonly string[];
}

/** The values of a Properties text, last wins. */
function valuesOf(text: string): Map<string, string> {
  return new Map([...toPropertyMap(parseProperties(text))].map(([k, e]) => [k, e.value.trim()]));
}

/**
 * Completes an example of `agent` where the guide leaves it a fragment, so
 * that its lists, links, selectors and properties get checked: a component
 * without a type becomes the plainest of its kind (a `seq` source, a
 * `memory` channel, a `null` sink); a source without channels takes every
 * channel; a channel named anywhere but not listed is listed; an agent
 * with channels only gets a `null` sink on each. Lists the reasons it
 * cannot be checked: a type of any kind the registry does not know, a
 * user class from the guide (`org.example.…`), config filters.
 */
function prepare(example: GuideExample, registry: Registry): Prepared {
  const { agent } = example;
  const values = valuesOf(example.text);
  const list = (key: string): string[] => splitList(values.get(key) ?? "");
  const unknown: string[] = [];
  const added: string[] = [];
  const need = (kind: ComponentKind, type: string): void => {
    if (!registry.find(kind, type)) unknown.push(`${kind} ${type}`);
  };
  const typed = (kind: "source" | "channel" | "sink", at: string, plain: string): void => {
    const type = values.get(`${at}.type`);
    if (type === undefined) added.push(`${at}.type = ${plain}`);
    else need(kind, type);
  };
  for (const [key, value] of values) {
    const custom = /^org\.example\.\S+/.exec(value)?.[0];
    if (custom && !key.endsWith(".type")) unknown.push(`user class ${custom}`);
  }
  if (values.has(`${agent}.configfilters`)) unknown.push("config filters (configfilters)");
  const channels = new Set(list(`${agent}.channels`));
  const sources = list(`${agent}.sources`);
  const sinks = list(`${agent}.sinks`);
  for (const source of sources) {
    const at = `${agent}.sources.${source}`;
    typed("source", at, "seq");
    need("selector", values.get(`${at}.selector.type`) ?? "replicating");
    for (const i of list(`${at}.interceptors`)) {
      const type = values.get(`${at}.interceptors.${i}.type`);
      if (type !== undefined) need("interceptor", type);
    }
    const own = list(`${at}.channels`);
    if (own.length === 0) added.push(`${at}.channels = ${[...channels].join(" ")}`);
    for (const c of own) channels.add(c);
  }
  for (const sink of sinks) {
    const at = `${agent}.sinks.${sink}`;
    typed("sink", at, "null");
    for (const c of list(`${at}.channel`)) channels.add(c);
  }
  for (const group of list(`${agent}.sinkgroups`)) {
    need("processor", values.get(`${agent}.sinkgroups.${group}.processor.type`) ?? "default");
  }
  for (const c of channels) typed("channel", `${agent}.channels.${c}`, "memory");
  if (sources.length === 0 && sinks.length === 0) {
    const names = [...channels].map((c) => `guide_sink_${c}`);
    added.push(`${agent}.sinks = ${names.join(" ")}`);
    for (const c of channels) {
      added.push(`${agent}.sinks.guide_sink_${c}.type = null`);
      added.push(`${agent}.sinks.guide_sink_${c}.channel = ${c}`);
    }
  }
  const text = [example.text, `${agent}.channels = ${[...channels].join(" ")}`, ...added]
    .join("\n");
  return { text, unknown };
}

/** The override file the guide pairs with an example, as `check` reads it; none when unpaired. */
function overridesOf(example: GuideExample): ConfText[] {
  const line = OVERRIDES.get(example.line);
  if (line === undefined) return [];
  const text = readGuideBlockAt(line);
  ok(text !== undefined, `no literal block at guide line ${line}`);
  return [{ file: `FlumeUserGuide-1.10.1.rst:${line}`, text }];
}

/**
 * `check`'s verdict on a prepared example, read with `more` files after
 * it: undefined when valid, else its errors.
 */
function check(
  example: GuideExample,
  text: string,
  registry: Registry,
  more: readonly ConfText[] = [],
): string | undefined {
  const file = `FlumeUserGuide-1.10.1.rst:${example.line}`;
  try {
    const config = loadAgentConfigFiles([{ file, text }, ...more], {
      agent: example.agent,
      lookup: registry,
      variables: { env: () => "44444", sys: new Proxy({}, { get: () => "44444" }) },
    });
    const shown = formatTopology(config);
    ok(shown[0].endsWith("is valid"), shown[0]);
    return undefined;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.filter((i) => i.severity === "error").map(formatIssue).join("\n");
  }
}

Deno.test("the examples of Flume's user guide pass check once their types are known", async (t) => {
  const registry = builtinRegistry();
  const examples = readGuideExamples();
  ok(examples.length >= 55, `${examples.length} examples found in the guide`);
  const passed: GuideExample[] = [];
  const skipped = new Map<string, number[]>();
  const gaps: string[] = [];
  const failures: string[] = [];
  for (const example of examples) {
    const { text, unknown } = prepare(example, registry);
    if (unknown.length > 0) {
      for (const u of new Set(unknown)) skipped.set(u, [...skipped.get(u) ?? [], example.line]);
      continue;
    }
    const errors = check(example, text, registry, overridesOf(example));
    const gap = KNOWN_GAPS.get(example.line);
    if (errors === undefined) {
      if (gap) failures.push(`line ${example.line} passes now: take it off KNOWN_GAPS`);
      passed.push(example);
    } else if (gap) {
      gaps.push(`line ${example.line} (${example.section}): ${gap}`);
    } else {
      failures.push(
        `line ${example.line} (${example.section}):\n${errors}\n--- example ---\n${text}`,
      );
    }
  }
  const skippedCount = examples.length - passed.length - gaps.length - failures.length;
  await t.step("summary", () => {
    console.log(
      `${examples.length} examples, ${passed.length} pass check, ${gaps.length} known gaps, ` +
        `${failures.length} fail, ${skippedCount} skipped`,
    );
    for (const [what, lines] of [...skipped].sort(([a], [b]) => a < b ? -1 : 1)) {
      console.log(`  skipped: ${what} (guide lines ${lines.join(", ")})`);
    }
    for (const gap of gaps) console.log(`  known gap: ${gap}`);
    console.log(`  pass: guide lines ${passed.map((e) => e.line).join(", ")}`);
  });
  await t.step("every example whose types are all known passes", () => {
    if (failures.length > 0) {
      fail(`${failures.length} example(s) fail check:\n\n${failures.join("\n\n")}`);
    }
  });
  await t.step("an example paired with an override file passes with it, not without", () => {
    for (const [line, overrideLine] of OVERRIDES) {
      const example = examples.find((e) => e.line === line);
      ok(example, `no example at guide line ${line}`);
      ok(passed.includes(example), `line ${line} with line ${overrideLine} passes`);
      const alone = check(example, prepare(example, registry).text, registry);
      ok(alone !== undefined, `line ${line} alone fails: its override is what sets the value`);
      ok(alone.includes("is not set"), alone);
    }
  });
  await t.step("the guide's own selector examples are among those that pass", () => {
    const sections = new Set(passed.map((e) => e.section));
    ok(sections.has("Fan out flow"), [...sections].join(", "));
    ok(sections.has("Multiplexing Channel Selector"), [...sections].join(", "));
    ok(passed.length >= 20, `${passed.length} pass`);
    equal(passed.length + gaps.length + failures.length + skippedCount, examples.length);
  });
});
