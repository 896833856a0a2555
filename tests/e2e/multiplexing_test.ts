/**
 * The user guide's multiplexing selector example, run end to end: the
 * example's own lines (read from the guide), a source that sends events
 * with a `state` header, memory channels and a file_roll sink on each
 * channel; every event must land in the files of exactly the channels its
 * header routes it to, optional channels included.
 *
 * @module
 */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { join } from "node:path";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import { Agent } from "../../src/core/agent.ts";
import { readGuideExamples } from "../config/_guide_examples.ts";
import { STATES_SOURCE } from "../selectors/_states_source.ts";
import { withTempDir } from "../support/cli.ts";
import { loadConf } from "../support/components.ts";

/** The guide's "Multiplexing Channel Selector" example, as the guide prints it. */
function guideExample(): string {
  const example = readGuideExamples().find((e) => e.section === "Multiplexing Channel Selector");
  ok(example, "the guide has a multiplexing selector example");
  ok(example.text.includes("a1.sources.r1.selector.mapping.US = c2 c3"), example.text);
  return example.text;
}

/** Every line of the files in `dir`, sorted by the event number. */
async function linesIn(dir: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const text = await Deno.readTextFile(join(dir, entry.name));
    lines.push(...text.split("\n").filter((l) => l !== ""));
  }
  return lines.sort((a, b) => parseInt(a) - parseInt(b));
}

/** Resolves once `done` is true, checking every 20 ms; rejects after `timeoutMs`. */
async function waitUntil(done: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("the guide's multiplexing example routes each event by its state header", async () => {
  await withTempDir(async (dir) => {
    const states = ["CZ", "US", "FR", "-", "CZ", "US", "DE", "cz", "CZ"];
    const channels = ["c1", "c2", "c3", "c4"];
    const conf = [
      guideExample(),
      "# completed for the test: a source, the channels, an optional channel, a sink on each",
      "a1.sources.r1.type = states",
      `a1.sources.r1.states = ${states.join(" ")}`,
      "a1.sources.r1.channels = c1 c2 c3 c4",
      "a1.sources.r1.selector.optional.CZ = c1 c4",
      `a1.sinks = ${channels.map((c) => `k${c}`).join(" ")}`,
      ...channels.flatMap((c) => [
        `a1.channels.${c}.type = memory`,
        `a1.sinks.k${c}.type = file_roll`,
        `a1.sinks.k${c}.channel = ${c}`,
        `a1.sinks.k${c}.sink.directory = ${join(dir, c)}`,
        `a1.sinks.k${c}.sink.rollInterval = 0`,
      ]),
    ].join("\n");
    const config = loadConf(conf, { source: [STATES_SOURCE] });
    deepStrictEqual(config.warnings, []);
    const agent = new Agent(config, { clock: SYSTEM_CLOCK, logFor: () => SILENT_LOG });
    await agent.start();
    try {
      const source = agent.sources[0];
      await waitUntil(
        () => source.counters.get("EventAcceptedCount") === states.length,
        "every event accepted",
      );
      await waitUntil(
        () => [...agent.channels.values()].every((c) => c.size() === 0),
        "the sinks to drain every channel",
      );
      equal(source.counters.get("EventUnroutedCount"), 0);
      equal(source.counters.get("OptionalChannelWriteFail"), 0);
    } finally {
      await agent.stop({ drainTimeoutMs: 30_000 });
    }
    const files = Object.fromEntries(
      await Promise.all(channels.map(async (c) => [c, await linesIn(join(dir, c))])),
    );
    deepStrictEqual(files, {
      c1: ["0 CZ", "4 CZ", "8 CZ"], // mapping.CZ; optional.CZ names c1 too: required only, once
      c2: ["1 US", "5 US"], // mapping.US
      c3: ["1 US", "5 US"],
      // the default (FR, DE, no header, "cz": values match exactly), and optional.CZ
      c4: ["0 CZ", "2 FR", "3 -", "4 CZ", "6 DE", "7 cz", "8 CZ"],
    });
  });
});
