import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { Backoff } from "../../src/util/backoff.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { sourceHarness } from "../support/websocket_harness.ts";
import { WsTestServer } from "../support/ws_test_server.ts";

Deno.test("backoff policy", async (t) => {
  await t.step("is a constant retryDelay without retryMaxDelay, as the seed's", () => {
    const b = new Backoff({ initialMs: 5000, maxMs: 5000, jitter: 0.2 });
    deepStrictEqual([b.next(), b.next(), b.next()], [5000, 5000, 5000]);
  });

  await t.step("doubles per consecutive failure up to retryMaxDelay", () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 10_000, jitter: 0.2, random: () => 0.5 });
    deepStrictEqual(
      Array.from({ length: 6 }, () => b.next()),
      [1000, 2000, 4000, 8000, 10_000, 10_000],
    );
  });

  await t.step("jitters by at most ±20 %, never past the cap", () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 10_000, jitter: 0.2, random: () => 0 });
    const high = new Backoff({
      initialMs: 1000,
      maxMs: 10_000,
      jitter: 0.2,
      random: () => 0.999999,
    });
    deepStrictEqual([low.next(), low.next()], [800, 1600]);
    deepStrictEqual([high.next(), high.next()], [1200, 2400]);
    for (let i = 0; i < 5; i++) high.next();
    strictEqual(high.next(), 10_000);
  });

  await t.step("grows linearly for the sink runner: 1 s more per failure, at most 5 s", () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 5000, growth: "linear" });
    deepStrictEqual(Array.from({ length: 7 }, () => b.next()), [
      1000,
      2000,
      3000,
      4000,
      5000,
      5000,
      5000,
    ]);
  });

  await t.step("is constant when told, whatever the cap", () => {
    const b = new Backoff({ initialMs: 300, maxMs: 5000, growth: "constant" });
    deepStrictEqual([b.next(), b.next(), b.next()], [300, 300, 300]);
  });

  await t.step("doubles without jitter for the sender: 100 ms to 5 s", () => {
    const b = new Backoff({ initialMs: 100, maxMs: 5000 });
    deepStrictEqual(
      Array.from({ length: 8 }, () => b.next()),
      [100, 200, 400, 800, 1600, 3200, 5000, 5000],
    );
  });

  await t.step("starts over after reset()", () => {
    const b = new Backoff({ initialMs: 1000, maxMs: 60_000, jitter: 0.2, random: () => 0.5 });
    b.next();
    b.next();
    b.reset();
    strictEqual(b.next(), 1000);
    strictEqual(b.failures, 1);
  });
});

Deno.test("websocket source waits the backoff between attempts, reset by a delivered message", async () => {
  const server = await WsTestServer.start();
  await server.kill(); // nothing listens: every attempt fails at once
  const clock = new FakeClock();
  const h = sourceHarness(
    { endpoint: server.url(), retryDelay: "1", retryMaxDelay: "8", connectTimeout: "60" },
    { clock },
  );
  const retryWaits: number[] = [];
  /** Advances past the next retry wait, skipping connectTimeout sleeps. */
  const nextRetry = async (): Promise<number> => {
    while (true) {
      const request = await clock.nextSleep();
      if (request.ms === 60_000) continue; // a connection attempt's timeout
      clock.advance(request.ms);
      retryWaits.push(request.ms);
      return request.ms;
    }
  };
  try {
    await h.source.start();
    for (let i = 0; i < 5; i++) await nextRetry();
    // Jitter is ±20 %: 1, 2, 4, 8, 8 seconds.
    const expected = [1000, 2000, 4000, 8000, 8000];
    retryWaits.forEach((ms, i) => {
      ok(ms >= expected[i] * 0.8 && ms <= Math.min(expected[i] * 1.2, 8000), `wait ${i}: ${ms}`);
    });
    // The server comes back and delivers a message, then drops the client.
    server.onConnection = async (c) => {
      await c.sendText("tick");
      await new Promise((resolve) => setTimeout(resolve, 20));
      c.abort();
    };
    await server.restart();
    await nextRetry(); // the attempt that reaches the server
    await server.connection(1);
    const afterMessage = await nextRetry();
    ok(afterMessage >= 800 && afterMessage <= 1200, `backoff reset: ${afterMessage}`);
  } finally {
    await h.source.stop();
    await server.close();
  }
});
