/**
 * A second process for the file channel tests:
 *
 * - `crash DIR`: opens a file channel in DIR, commits puts a..e, commits a
 *   take of a and b, then takes c and puts x without committing either,
 *   prints "ready" and waits to be killed.
 * - `open DIR`: tries to open a file channel in DIR; prints "opened" or the
 *   error's message, and exits 0 or 3.
 *
 * @module
 */
import { FileChannel } from "../../src/channels/file/mod.ts";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { textEvent } from "../../src/api/event.ts";

const [mode, dir] = Deno.args;
const channel = new FileChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
  checkpointDir: `${dir}/checkpoint`,
  dataDirs: [`${dir}/data`],
  minimumRequiredSpace: 0,
}, SYSTEM_CLOCK);

if (mode === "open") {
  try {
    await channel.start();
  } catch (err) {
    console.log(err instanceof Error ? err.message : String(err));
    Deno.exit(3);
  }
  console.log("opened");
  await channel.stop();
} else if (mode === "crash") {
  await channel.start();
  const put = channel.getTransaction();
  put.begin();
  for (const body of ["a", "b", "c", "d", "e"]) put.put(textEvent(body, { n: body }));
  await put.commit();
  put.close();
  const take = channel.getTransaction();
  take.begin();
  take.take();
  take.take();
  await take.commit();
  take.close();
  const openTake = channel.getTransaction();
  openTake.begin();
  openTake.take();
  const openPut = channel.getTransaction();
  openPut.begin();
  openPut.put(textEvent("x"));
  console.log("ready");
  setInterval(() => {}, 60_000); // until SIGKILL
} else {
  console.error(`Unknown mode "${mode}": expected crash or open`);
  Deno.exit(2);
}
