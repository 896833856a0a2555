import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { AgentProcess, tempConf } from "../support/agent_process.ts";
import { withTempDir } from "../support/cli.ts";

/** The body lines of every file in `dir` (none before it exists), files in name order. */
async function outputLines(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isFile) names.push(entry.name);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return []; // the sink has not started yet
    throw err;
  }
  names.sort((a, b) => order(a) - order(b));
  const lines: string[] = [];
  for (const name of names) {
    lines.push(...(await Deno.readTextFile(`${dir}/${name}`)).split("\n").filter((l) => l !== ""));
  }
  return lines;
}

/** `<startMillis>-<n>` as one number, for sorting. */
function order(name: string): number {
  const m = /(\d+)-(\d+)/.exec(name);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : 0;
}

Deno.test("agent: seq -> SPILLABLEMEMORY -> file_roll spills and delivers every event in order", async () => {
  await withTempDir(async (dir) => {
    const total = 5000;
    // Batches of 100 never fit a memory of 50: most of every batch spills to disk at once.
    const conf = await tempConf(
      dir,
      [
        "a1.sources = r1",
        "a1.channels = c1",
        "a1.sinks = k1",
        "a1.sources.r1.type = seq",
        "a1.sources.r1.batchSize = 100",
        `a1.sources.r1.totalEvents = ${total}`,
        "a1.sources.r1.channels = c1",
        "a1.channels.c1.type = SPILLABLEMEMORY",
        "a1.channels.c1.memoryCapacity = 50",
        "a1.channels.c1.overflowCapacity = 100000",
        "a1.channels.c1.transactionCapacity = 100",
        "a1.channels.c1.minimumRequiredSpace = 0",
        `a1.channels.c1.checkpointDir = ${dir}/checkpoint`,
        `a1.channels.c1.dataDirs = ${dir}/data`,
        "a1.sinks.k1.type = file_roll",
        "a1.sinks.k1.channel = c1",
        `a1.sinks.k1.sink.directory = ${dir}/out`,
        "a1.sinks.k1.sink.batchSize = 100",
      ].join("\n") + "\n",
    );
    const agent = new AgentProcess(["-n", "a1", "-f", conf]);
    let lines: string[] = [];
    try {
      const deadline = Date.now() + 120_000;
      while ((lines = await outputLines(`${dir}/out`)).length < total) {
        if (Date.now() > deadline) throw new Error(`${lines.length} of ${total} written`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      agent.kill("SIGTERM");
    }
    const { code, stderr } = await agent.exit();
    const text = stderr.join("\n");
    strictEqual(code, 0, text);
    match(
      text,
      /Channel c1: memory is full \(\d+ of 50 events\): spilling to the overflow on disk/,
    );
    ok(!/still in channels|are lost|dropped/.test(text), text);
    lines = await outputLines(`${dir}/out`); // read again: the files are closed now
    deepStrictEqual(lines, Array.from({ length: total }, (_, i) => String(i)));
  });
});

Deno.test("agent: stopping with events in a SPILLABLEMEMORY channel counts only memory's as lost", async () => {
  await withTempDir(async (dir) => {
    // No sink: 30 events stay in the channel, 10 in memory and 20 spilled to disk.
    const conf = await tempConf(
      dir,
      [
        "a1.sources = r1",
        "a1.channels = c1",
        "a1.sources.r1.type = seq",
        "a1.sources.r1.batchSize = 10",
        "a1.sources.r1.totalEvents = 30",
        "a1.sources.r1.channels = c1",
        "a1.channels.c1.type = SPILLABLEMEMORY",
        "a1.channels.c1.memoryCapacity = 10",
        "a1.channels.c1.overflowCapacity = 1000",
        "a1.channels.c1.overflowTimeout = 0",
        "a1.channels.c1.minimumRequiredSpace = 0",
        `a1.channels.c1.checkpointDir = ${dir}/checkpoint`,
        `a1.channels.c1.dataDirs = ${dir}/data`,
      ].join("\n") + "\n",
    );
    const agent = new AgentProcess(["-n", "a1", "-f", conf, "--status-interval", "1"]);
    try {
      await agent.waitFor(/Channel c1: memory is full \(10 of 10 events\): spilling/, 1, 60_000);
      // The seq source sends its 30 events at once: a second with none means all were put.
      await agent.waitFor(/status: source r1 0 ev\/s/, 1, 60_000);
    } finally {
      agent.kill("SIGTERM");
    }
    const { code, stderr } = await agent.exit();
    const text = stderr.join("\n");
    strictEqual(code, 0, text);
    match(text, /Channel c1 holds its events in memory: 10 undelivered event\(s\) are lost/);
    match(text, /Channel c1 closed "[^"]+" holding 20 event\(s\) for the next start/);
  });
});
