import { ok, strictEqual } from "node:assert/strict";
import { FileChannel } from "../../src/channels/file/mod.ts";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import { AgentProcess, tempConf } from "../support/agent_process.ts";
import { WsTestServer } from "../support/ws_test_server.ts";

const BATCH = 50;
const CRASHES = 4;

/** Numbers in the output files (json lines), tolerating a cut-off last line per file. */
async function outputNumbers(dir: string): Promise<number[]> {
  const files: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) if (entry.isFile) files.push(entry.name);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  files.sort((a, b) => fileOrder(a) - fileOrder(b));
  const numbers: number[] = [];
  for (const name of files) {
    for (const line of (await Deno.readTextFile(`${dir}/${name}`)).split("\n")) {
      if (!line) continue;
      try {
        numbers.push(Number(JSON.parse(line).body));
      } catch {
        // a line cut off by SIGKILL mid-write; its batch is written again later
      }
    }
  }
  return numbers;
}

/** Files are named <startMillis>-<n>.jsonl: order by start time, then n. */
function fileOrder(name: string): number {
  const m = /(\d+)-(\d+)\.jsonl$/.exec(name);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : 0;
}

/** The numbers a file channel holds, read by opening it as the agent will, then rolled back. */
async function channelNumbers(data: string, checkpoint: string): Promise<number[]> {
  const channel = new FileChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    checkpointDir: checkpoint,
    dataDirs: [data],
    capacity: 1_000_000,
    transactionCapacity: 1_000_000,
    minimumRequiredSpace: 0,
    log: SILENT_LOG,
  }, SYSTEM_CLOCK);
  await channel.start();
  const numbers: number[] = [];
  const tx = channel.getTransaction();
  try {
    tx.begin();
    for (let e = tx.take(); e; e = tx.take()) {
      numbers.push(Number(new TextDecoder().decode(e.body)));
    }
    tx.rollback();
  } finally {
    tx.close();
    await channel.stop();
  }
  return numbers;
}

/** Waits until `predicate` holds, checking every 50 ms; throws after `ms`. */
async function until(predicate: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`Timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

Deno.test("nothing committed is lost across kill -9: websocket -> file channel -> file_roll", async () => {
  const root = await Deno.makeTempDir({ prefix: "flume-ws-crash-" });
  const server = await WsTestServer.start();
  let next = 0;
  let sending = true;
  const loops: Promise<void>[] = [];
  server.onConnection = (c) => {
    loops.push((async () => {
      while (sending && !c.closedByEither) {
        for (let i = 0; i < 20; i++) await c.sendText(String(next++));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })());
  };
  const out = `${root}/out`;
  const conf = await tempConf(
    root,
    [
      "a1.sources = w1",
      "a1.channels = c1",
      "a1.sinks = k1",
      "a1.sources.w1.type = websocket",
      `a1.sources.w1.endpoint = ${server.url()}`,
      "a1.sources.w1.retryDelay = 0.1",
      "a1.sources.w1.channels = c1",
      "a1.channels.c1.type = file",
      `a1.channels.c1.checkpointDir = ${root}/checkpoint`,
      `a1.channels.c1.dataDirs = ${root}/data`,
      "a1.channels.c1.minimumRequiredSpace = 0",
      "a1.channels.c1.transactionCapacity = 1000",
      "a1.sinks.k1.type = file_roll",
      "a1.sinks.k1.channel = c1",
      `a1.sinks.k1.sink.directory = ${out}`,
      "a1.sinks.k1.sink.serializer = json",
      "a1.sinks.k1.sink.pathManager.extension = jsonl",
      `a1.sinks.k1.sink.batchSize = ${BATCH}`,
    ].join("\n"),
  );
  // Every number written or held by the channel at each crash: it must come out.
  const committed = new Set<number>();
  try {
    for (let crash = 1; crash <= CRASHES; crash++) {
      const agent = new AgentProcess(["-n", "a1", "-f", conf]);
      const before = (await outputNumbers(out)).length;
      await until(
        async () => (await outputNumbers(out)).length >= before + 300,
        `300 more events written before crash ${crash}:\n${agent.dump()}`,
      );
      agent.kill("SIGKILL");
      await agent.exit();
      for (const n of await outputNumbers(out)) committed.add(n);
      for (const n of await channelNumbers(`${root}/data`, `${root}/checkpoint`)) committed.add(n);
    }
    // A last run: stop sending, let it drain everything, stop cleanly.
    const agent = new AgentProcess(["-n", "a1", "-f", conf]);
    await agent.waitFor(/Agent a1 started/);
    sending = false;
    await Promise.all(loops);
    await until(async () => {
      const written = new Set(await outputNumbers(out));
      return [...committed].every((n) => written.has(n));
    }, "every committed number written after the last restart").catch(() => {});
    agent.kill("SIGTERM");
    strictEqual((await agent.exit()).code, 0);
  } finally {
    sending = false;
    await Promise.all(loops);
    await server.close();
  }
  const output = await outputNumbers(out);
  const seen = new Set(output);
  const missing = [...committed].filter((n) => !seen.has(n));
  strictEqual(missing.length, 0, `committed but never written: ${missing.slice(0, 20).join(",")}`);
  const duplicates = output.length - seen.size;
  ok(
    duplicates <= BATCH * CRASHES,
    `${duplicates} duplicates for ${CRASHES} crashes of batch ${BATCH}`,
  );
  ok(committed.size > 1000, `a real stream: ${committed.size} committed numbers`);
  console.log(
    `crash test: ${committed.size} committed, ${output.length} written, ${duplicates} duplicates`,
  );
  await Deno.remove(root, { recursive: true });
});
