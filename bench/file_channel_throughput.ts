/**
 * Puts/s and takes/s of the file channel: EVENTS events of SIZE bytes in
 * transactions of BATCH events, each commit fsynced. Run from the
 * repository root:
 *
 *   deno run -A bench/file_channel_throughput.ts [events=200000] [size=200] [batch=1000] [dir]
 *
 * The channel lives in a temporary directory (or `dir`: put it on the disk
 * you care about), removed afterwards.
 *
 * @module
 */
import { FileChannel } from "../src/channels/file/mod.ts";
import { SYSTEM_CLOCK } from "../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../src/api/counters.ts";
import type { Event } from "../src/api/event.ts";

const [events = 200_000, size = 200, batch = 1000] = Deno.args.slice(0, 3).map(Number);
const base = Deno.args[3];
const dir = await Deno.makeTempDir(base ? { dir: base } : {});
const channel = new FileChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
  checkpointDir: `${dir}/checkpoint`,
  dataDirs: [`${dir}/data`],
  capacity: events,
  transactionCapacity: batch,
  minimumRequiredSpace: 0,
}, SYSTEM_CLOCK);
try {
  await channel.start();
  const body = new Uint8Array(size).fill(120);
  const event: Event = { headers: { timestamp: String(Date.now()) }, body };

  let start = performance.now();
  for (let done = 0; done < events; done += batch) {
    const tx = channel.getTransaction();
    tx.begin();
    for (let i = 0; i < batch; i++) tx.put(event);
    await tx.commit();
    tx.close();
  }
  const putSeconds = (performance.now() - start) / 1000;

  start = performance.now();
  let taken = 0;
  while (taken < events) {
    const tx = channel.getTransaction();
    tx.begin();
    for (let i = 0; i < batch && tx.take() !== undefined; i++) taken++;
    await tx.commit();
    tx.close();
  }
  const takeSeconds = (performance.now() - start) / 1000;

  const rate = (n: number, s: number): string => Math.round(n / s).toLocaleString("en-US");
  console.log(`${events} events of ${size} bytes, ${batch} per transaction, in ${dir}`);
  console.log(`puts:  ${rate(events, putSeconds)}/s (${putSeconds.toFixed(2)} s)`);
  console.log(`takes: ${rate(events, takeSeconds)}/s (${takeSeconds.toFixed(2)} s)`);
} finally {
  await channel.stop();
  await Deno.remove(dir, { recursive: true });
}
