import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup } from "../../src/api/counters.ts";
import { textEvent } from "../../src/api/event.ts";
import type { Status } from "../../src/api/lifecycle.ts";
import { SILENT_LOG } from "../../src/api/log.ts";
import { PollingRunner } from "../../src/core/polling_runner.ts";
import { isSettled, withTimeout } from "../support/async.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { RecordingLog } from "../support/recording_log.ts";

/** What a scripted process() call does: return a status or throw an error. */
type Step = Status | Error;

/**
 * A process() that plays `steps` in order, then repeats the last one, and
 * counts its calls; `reached(n)` resolves once it has been called n times.
 */
class ScriptedProcess {
  calls = 0;
  readonly #steps: readonly Step[];
  #waiters: { n: number; resolve: () => void }[] = [];

  constructor(...steps: Step[]) {
    this.#steps = steps;
  }

  /** The function to give the runner. */
  readonly process = (): Promise<Status> => {
    const step = this.#steps[Math.min(this.calls, this.#steps.length - 1)];
    this.calls++;
    for (const w of this.#waiters.filter((w) => this.calls >= w.n)) w.resolve();
    return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
  };

  /** Resolves once process() has been called `n` times. */
  reached(n: number): Promise<void> {
    if (this.calls >= n) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ n, resolve }));
  }
}

/** An empty memory channel on `clock`. */
function memoryChannel(clock = new FakeClock()): MemoryChannel {
  return new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    keepAlive: 0,
  }, clock);
}

/** Puts one committed text event into `channel`. */
async function putOne(channel: MemoryChannel, body = "x"): Promise<void> {
  const tx = channel.getTransaction();
  tx.begin();
  tx.put(textEvent(body));
  await tx.commit();
  tx.close();
}

/** A sink-like process: takes and commits up to 10 events; BACKOFF on a short batch. */
function drainingProcess(channel: MemoryChannel, script: { calls: number }): () => Promise<Status> {
  return async (): Promise<Status> => {
    script.calls++;
    const tx = channel.getTransaction();
    tx.begin();
    let taken = 0;
    while (taken < 10 && tx.take() !== undefined) taken++;
    await tx.commit();
    tx.close();
    return taken < 10 ? "IDLE" : "READY";
  };
}

/** Awaits the next `count` sleeps, letting each one run its full time; returns their durations. */
async function playSleeps(clock: FakeClock, count: number): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < count; i++) {
    const sleep = await clock.nextSleep();
    durations.push(sleep.ms);
    clock.advance(sleep.ms);
  }
  return durations;
}

Deno.test("PollingRunner backs off as Flume does", async (t) => {
  await t.step("consecutive BACKOFFs wait 1, 2, 3, 4, 5, then 5 s", async () => {
    const clock = new FakeClock();
    const script = new ScriptedProcess("BACKOFF");
    const runner = new PollingRunner("r1", script.process, { clock, log: SILENT_LOG });
    runner.start();
    try {
      deepStrictEqual(await playSleeps(clock, 7), [1000, 2000, 3000, 4000, 5000, 5000, 5000]);
      equal(script.calls, 8, "one process() call per wait, and one after the last");
    } finally {
      await runner.stop();
    }
  });

  await t.step("a READY resets the backoff and does not wait", async () => {
    const clock = new FakeClock();
    const script = new ScriptedProcess("BACKOFF", "BACKOFF", "BACKOFF", "READY", "BACKOFF");
    const runner = new PollingRunner("r1", script.process, { clock, log: SILENT_LOG });
    runner.start();
    try {
      deepStrictEqual(await playSleeps(clock, 5), [1000, 2000, 3000, 1000, 2000]);
      equal(script.calls, 7, "5 waits, a READY with none, and the call after the last wait");
    } finally {
      await runner.stop();
    }
  });

  await t.step("the increment and the ceiling are options", async () => {
    const clock = new FakeClock();
    const script = new ScriptedProcess("BACKOFF");
    const runner = new PollingRunner("r1", script.process, {
      clock,
      log: SILENT_LOG,
      backoffIncrementMs: 100,
      maxBackoffMs: 250,
    });
    runner.start();
    try {
      deepStrictEqual(await playSleeps(clock, 4), [100, 200, 250, 250]);
    } finally {
      await runner.stop();
    }
  });

  await t.step("a thrown error counts as a backoff and is logged", async () => {
    const clock = new FakeClock();
    const log = new RecordingLog();
    const script = new ScriptedProcess(
      new Error("boom"),
      new Error("outer", { cause: new Error("inner") }),
      "BACKOFF",
      "READY",
      new Error("again"),
    );
    const runner = new PollingRunner("sink k1", script.process, { clock, log });
    runner.start();
    try {
      deepStrictEqual(await playSleeps(clock, 4), [1000, 2000, 3000, 1000]);
      deepStrictEqual(log.messages("error"), [
        "sink k1: unable to deliver events: boom",
        "sink k1: unable to deliver events: outer (inner)",
        "sink k1: unable to deliver events: again",
      ]);
    } finally {
      await runner.stop();
    }
  });

  await t.step("a rejection with a non-Error value is logged too", async () => {
    const clock = new FakeClock();
    const log = new RecordingLog();
    const runner = new PollingRunner("r1", () => Promise.reject("plain"), { clock, log });
    runner.start();
    try {
      equal((await clock.nextSleep()).ms, 1000);
      deepStrictEqual(log.messages("error"), ["r1: unable to deliver events: plain"]);
    } finally {
      await runner.stop();
    }
  });
});

Deno.test("PollingRunner stops cleanly", async (t) => {
  await t.step("stop() ends a backoff wait at once", async () => {
    const clock = new FakeClock();
    const script = new ScriptedProcess("BACKOFF");
    const runner = new PollingRunner("r1", script.process, { clock, log: SILENT_LOG });
    runner.start();
    const sleep = await clock.nextSleep();
    await withTimeout(runner.stop(), 5000, "stop() during a backoff");
    equal(sleep.state, "aborted");
    equal(clock.now(), 0, "no time had to pass");
    equal(script.calls, 1, "process() is not called after stop()");
  });

  await t.step("stop() awaits the in-flight process() and calls it no more", async () => {
    const clock = new FakeClock();
    let calls = 0;
    const inFlight = Promise.withResolvers<Status>();
    const entered = Promise.withResolvers<void>();
    const runner = new PollingRunner("r1", () => {
      calls++;
      entered.resolve();
      return inFlight.promise;
    }, { clock, log: SILENT_LOG });
    runner.start();
    await entered.promise;
    const stopped = runner.stop();
    equal(await isSettled(stopped), false, "stop() waits for process()");
    inFlight.resolve("READY");
    await withTimeout(stopped, 5000, "stop() after process() returned");
    equal(calls, 1);
    equal(clock.requests.length, 0, "no backoff after stop()");
  });

  await t.step("stop() does not wait a backoff when the in-flight call found nothing", async () => {
    const clock = new FakeClock();
    const channel = memoryChannel(clock);
    const inFlight = Promise.withResolvers<Status>();
    const entered = Promise.withResolvers<void>();
    const runner = new PollingRunner("r1", () => {
      entered.resolve();
      return inFlight.promise;
    }, { clock, log: SILENT_LOG, channels: [channel] });
    runner.start();
    await entered.promise;
    const stopped = runner.stop();
    inFlight.resolve("BACKOFF"); // the channel was empty: an idle backoff
    await withTimeout(stopped, 5000, "stop() while an idle backoff would start");
    equal(clock.pending, 0, "no wait left behind");
  });

  await t.step(
    "stop() before start() and twice are harmless; start() after stop() runs again",
    async () => {
      const clock = new FakeClock();
      const script = new ScriptedProcess("BACKOFF");
      const runner = new PollingRunner("r1", script.process, { clock, log: SILENT_LOG });
      await runner.stop();
      runner.start();
      await clock.nextSleep();
      await runner.stop();
      await runner.stop();
      runner.start();
      await clock.nextSleep();
      await runner.stop();
      equal(script.calls, 2);
    },
  );
});

Deno.test("PollingRunner never spins", async (t) => {
  await t.step("every backoff asks for a positive wait", async () => {
    const clock = new FakeClock();
    const script = new ScriptedProcess("BACKOFF", new Error("x"), "READY", "BACKOFF");
    const runner = new PollingRunner("r1", script.process, { clock, log: SILENT_LOG });
    runner.start();
    try {
      const sleeps = await playSleeps(clock, 10);
      ok(sleeps.every((ms) => ms >= 1000), `${sleeps}`);
      // 10 waits, the one READY that needs none, and the call after the last wait.
      equal(script.calls, 12, "process() ran only between waits");
    } finally {
      await runner.stop();
    }
  });

  await t.step("an always-READY process() still lets timers and I/O run", async () => {
    let calls = 0;
    const LIMIT = 20_000_000;
    const starved = Promise.withResolvers<void>();
    const runner = new PollingRunner("r1", () => {
      if (++calls === LIMIT) starved.resolve();
      return Promise.resolve("READY");
    }, { clock: SYSTEM_CLOCK, log: SILENT_LOG });
    runner.start();
    try {
      const timerFired = new Promise<string>((resolve) => setTimeout(() => resolve("timer"), 0));
      const first = await Promise.race([timerFired, starved.promise.then(() => "starved")]);
      equal(first, "timer", `a 0 ms timer waited for ${LIMIT} process() calls`);
      await timerFired;
    } finally {
      await runner.stop();
    }
  });
});

Deno.test("PollingRunner wakes an idle runner when its channel becomes readable", async (t) => {
  await t.step("a commit ends the backoff of a runner that found the channel empty", async () => {
    const clock = new FakeClock();
    const channel = memoryChannel(clock);
    const script = { calls: 0 };
    const runner = new PollingRunner("sink k1", drainingProcess(channel, script), {
      clock,
      log: SILENT_LOG,
      channels: [channel],
    });
    runner.start();
    try {
      const idle = await clock.nextSleep();
      equal(idle.ms, 1000);
      equal(script.calls, 1);
      await putOne(channel);
      await withTimeout(idle.done, 5000, "the idle wait to end after a commit");
      equal(idle.state, "aborted", "cut short by the commit, not elapsed");
      const next = await withTimeout(clock.nextSleep(), 5000, "the next process() call");
      equal(script.calls, 2);
      equal(channel.size(), 0, "the woken call took the event");
      equal(next.ms, 2000, "a second IDLE in a row: the wait grows as Flume's BACKOFF does");
      equal(clock.now(), 0, "no time had to pass");
    } finally {
      await runner.stop();
    }
  });

  await t.step("the same with the system clock, long before the backoff ends", async () => {
    const channel = memoryChannel();
    const script = { calls: 0 };
    const entered = Promise.withResolvers<void>();
    const process = drainingProcess(channel, script);
    const runner = new PollingRunner("sink k1", async () => {
      const status = await process();
      if (script.calls === 2) entered.resolve();
      return status;
    }, {
      clock: SYSTEM_CLOCK,
      log: SILENT_LOG,
      backoffIncrementMs: 60_000, // a wake-up cannot be mistaken for the end of the wait
      maxBackoffMs: 60_000,
      channels: [channel],
    });
    runner.start();
    try {
      await putOne(channel);
      await withTimeout(entered.promise, 5000, "process() to run again after a commit");
      equal(channel.size(), 0);
    } finally {
      await runner.stop();
    }
  });

  await t.step("a failure with events still in the channel waits the full backoff", async () => {
    const clock = new FakeClock();
    const channel = memoryChannel(clock);
    await putOne(channel, "stuck");
    const log = new RecordingLog();
    const script = new ScriptedProcess(new Error("sink down"));
    const runner = new PollingRunner("sink k1", script.process, {
      clock,
      log,
      channels: [channel],
    });
    runner.start();
    try {
      const wait = await clock.nextSleep();
      equal(wait.ms, 1000);
      await putOne(channel, "more");
      equal(await isSettled(wait.done), false, "a commit does not cut a failure's backoff short");
      equal(wait.state, "pending");
      equal(script.calls, 1);
      clock.advance(999);
      equal(await isSettled(wait.done), false);
      clock.advance(1);
      await wait.done;
      equal(wait.state, "elapsed");
      await script.reached(2);
      equal((await clock.nextSleep()).ms, 2000, "still counting consecutive failures");
      equal(log.messages("error").length, 2);
    } finally {
      await runner.stop();
    }
  });

  await t.step("a failure on an empty channel is not woken by a commit either", async () => {
    const clock = new FakeClock();
    const channel = memoryChannel(clock);
    const script = new ScriptedProcess(new Error("cannot connect"));
    const runner = new PollingRunner("sink k1", script.process, {
      clock,
      log: new RecordingLog(),
      channels: [channel],
    });
    runner.start();
    try {
      const wait = await clock.nextSleep();
      equal(wait.ms, 1000);
      await putOne(channel);
      equal(await isSettled(wait.done), false, "a failing runner still backs off");
      equal(script.calls, 1);
    } finally {
      await runner.stop();
    }
  });

  await t.step("a BACKOFF that left events untaken is not woken by a commit either", async () => {
    const clock = new FakeClock();
    const channel = memoryChannel(clock);
    await putOne(channel, "waiting");
    const script = new ScriptedProcess("BACKOFF");
    const runner = new PollingRunner("sink k1", script.process, {
      clock,
      log: SILENT_LOG,
      channels: [channel],
    });
    runner.start();
    try {
      const wait = await clock.nextSleep();
      await putOne(channel, "more");
      equal(await isSettled(wait.done), false);
      equal(script.calls, 1);
    } finally {
      await runner.stop();
    }
  });
});
