import { ok, strictEqual } from "node:assert/strict";
import { AgentProcess, tempConf } from "../support/agent_process.ts";
import { withTempDir } from "../support/cli.ts";

/** The drain timeout the agent gets, in seconds. */
const DRAIN_SECONDS = 2;

/**
 * seq -> memory channel (capacity 100, keep-alive left at its default 3 s)
 * -> an http sink whose endpoint never answers within the test.
 */
function conf(port: number): string {
  return `
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.batchSize = 50
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.channels.c1.capacity = 100
a1.channels.c1.transactionCapacity = 50
a1.sinks.k1.type = http
a1.sinks.k1.channel = c1
a1.sinks.k1.endpoint = http://127.0.0.1:${port}/
a1.sinks.k1.batchSize = 10
a1.sinks.k1.requestTimeout = 8000
a1.sinks.k1.rollback.2XX = false
a1.sinks.k1.backoff.2XX = false
a1.sinks.k1.incrementMetrics.2XX = true
`;
}

/** Milliseconds since midnight of a log line's `HH:MM:SS.mmm` time stamp. */
function stamp(line: string): number {
  const [, h, m, s, ms] = line.match(/ (\d\d):(\d\d):(\d\d)\.(\d{3}) /) ?? [];
  ok(h !== undefined, `no time stamp in ${line}`);
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(ms);
}

Deno.test("agent: SIGTERM with a full channel and backlog ends within --drain-timeout + 1 s", async () => {
  await withTempDir(async (dir) => {
    // The endpoint takes each request and never answers while the test runs:
    // the sink is stuck in its first batch, the channel fills, and the
    // source's next put waits keep-alive seconds for room.
    const release = Promise.withResolvers<void>();
    const requested = Promise.withResolvers<void>();
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async () => {
      requested.resolve();
      await release.promise;
      return new Response("late");
    });
    try {
      const agent = new AgentProcess([
        "-n",
        "a1",
        "-f",
        await tempConf(dir, conf(server.addr.port)),
        "--drain-timeout",
        String(DRAIN_SECONDS),
      ], { NO_COLOR: "1" });
      await agent.waitFor(/Agent a1 started/);
      await requested.promise;
      await new Promise((resolve) => setTimeout(resolve, 500)); // the channel fills meanwhile
      const killed = Date.now();
      agent.kill("SIGTERM");
      const { code, stderr } = await agent.exit();
      const wall = Date.now() - killed;
      const log = stderr.join("\n");
      strictEqual(code, 0, log);

      const from = stamp(stderr.find((l) => /SIGTERM received/.test(l)) ?? "");
      const to = stamp(stderr.find((l) => /Agent a1 stopped/.test(l)) ?? "");
      const took = to - from;
      ok(took >= DRAIN_SECONDS * 1000 - 100, `the drain was waited for (${took} ms)\n${log}`);
      ok(took <= DRAIN_SECONDS * 1000 + 1000, `stop took ${took} ms\n${log}`);
      ok(wall < DRAIN_SECONDS * 1000 + 4000, `SIGTERM to exit took ${wall} ms\n${log}`);

      // What was not delivered is counted and logged, not silently gone.
      ok(/ WARN {2}agent\.a1: Stopping with 100 event\(s\) still in channels$/m.test(log), log);
      ok(
        / ERROR agent\.a1: Channel c1 holds its events in memory: 100 undelivered event\(s\) are lost$/m
          .test(log),
        log,
      );
      ok(
        / WARN {2}agent\.a1: Sink k1 is still delivering a batch 500 ms after the drain: /m
          .test(log),
        log,
      );
      ok(
        / ERROR source\.r1: Drain timeout: dropped \d+ event\(s\) of the backlog that the channels had not accepted/m
          .test(log),
        log,
      );
    } finally {
      release.resolve();
      await server.shutdown();
    }
  });
});
