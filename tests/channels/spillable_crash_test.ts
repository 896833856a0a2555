import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { SpillableMemoryChannel } from "../../src/channels/spillable/mod.ts";
import { body } from "./channel_contract.ts";

const MODULE = new URL("../../src/channels/spillable/mod.ts", import.meta.url).href;
const CONTRACT = new URL("./channel_contract.ts", import.meta.url).href;

/** The channel both processes open in `dir`: 10 events in memory, 100 on disk. */
const OPTIONS = {
  memoryCapacity: 10,
  overflowCapacity: 100,
  transactionCapacity: 20,
  overflowTimeoutMs: 0,
  minimumRequiredSpace: 0,
};

/**
 * The child: puts 0..29 (0..9 in memory, 10..29 spilled), commits a take of
 * 0..11, takes 12..14 without committing, puts 30..34 (memory has room
 * again), prints "ready" and waits to be killed.
 */
function childCode(dir: string): string {
  return `
import { SpillableMemoryChannel } from ${JSON.stringify(MODULE)};
import { putCommitted, takeCommitted } from ${JSON.stringify(CONTRACT)};
import { SYSTEM_CLOCK } from ${
    JSON.stringify(new URL("../../src/api/clock.ts", import.meta.url).href)
  };
import { CHANNEL_COUNTERS, CounterGroup } from ${
    JSON.stringify(new URL("../../src/api/counters.ts", import.meta.url).href)
  };
const ch = new SpillableMemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
  ...${JSON.stringify(OPTIONS)},
  checkpointDir: ${JSON.stringify(`${dir}/checkpoint`)},
  dataDirs: [${JSON.stringify(`${dir}/data`)}],
}, SYSTEM_CLOCK);
await ch.start();
const numbers = (n, from) => Array.from({ length: n }, (_, i) => String(from + i));
for (let i = 0; i < 30; i += 10) await putCommitted(ch, ...numbers(10, i));
const first = [];
while (first.length < 12) {
  await ch.whenReadable(new AbortController().signal);
  first.push(...await takeCommitted(ch, 12 - first.length));
}
const open = ch.getTransaction();
open.begin();
const held = [];
while (held.length < 3) {
  const event = open.take();
  if (event) held.push(event);
  else await ch.whenReadable(new AbortController().signal);
}
await putCommitted(ch, ...numbers(5, 30));
console.log(JSON.stringify({ first: first.length, memory: ch.memorySize(), disk: ch.overflowSize() }));
console.log("ready");
await new Promise(() => {});
`;
}

Deno.test("SpillableMemoryChannel after kill -9: the overflow's events survive, memory's do not", async () => {
  const dir = await Deno.makeTempDir({ prefix: "spillable_crash_test_" });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["eval", "--ext=ts", childCode(dir)],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("ready\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    child.kill("SIGKILL");
    await reader.cancel();
    const status = await child.status;
    const errors = await stderr;
    ok(out.includes("ready\n"), `the child never got ready: ${out}${errors}`);
    equal(status.signal, "SIGKILL");
    deepStrictEqual(JSON.parse(out.split("\n")[0]), { first: 12, memory: 5, disk: 18 });

    const ch = new SpillableMemoryChannel(
      "c1",
      new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS),
      { ...OPTIONS, checkpointDir: `${dir}/checkpoint`, dataDirs: [`${dir}/data`] },
      SYSTEM_CLOCK,
    );
    await ch.start();
    try {
      equal(ch.size(), 18, "the 18 on disk, the taken but uncommitted 12..14 among them");
      equal(ch.memorySize(), 0, "30..34 were in memory: lost");
      const got: string[] = [];
      const tx = ch.getTransaction();
      tx.begin();
      while (got.length < 18) {
        const event = tx.take();
        if (event) got.push(body(event));
        else await ch.whenReadable(new AbortController().signal);
      }
      equal(tx.take(), undefined);
      await tx.commit();
      tx.close();
      deepStrictEqual(got, Array.from({ length: 18 }, (_, i) => String(12 + i)));
    } finally {
      await ch.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
