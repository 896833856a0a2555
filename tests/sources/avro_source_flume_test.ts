/**
 * flume-ws's avro source as the collector of a real Apache Flume 1.11.0
 * agent: Flume's `seq` sources (with a static interceptor adding a header)
 * feed Flume avro sinks (plain, deflate, TLS with a JKS truststore) that
 * send to three flume-ws avro sources. One JVM serves every step.
 *
 * @module
 */
import { deepStrictEqual, equal } from "node:assert/strict";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import type { Event } from "../../src/api/event.ts";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import type { RunningSource } from "../../src/core/components.ts";
import type { AvroSource } from "../../src/sources/avro/mod.ts";
import { REPO_ROOT } from "../support/cli.ts";
import { group, sourceFrom } from "../support/components.ts";
import { javaAvailable, NO_JAVA, startFlume } from "../support/flume_agent.ts";
import { RecordingLog } from "../support/recording_log.ts";
import { drainChannel } from "../support/websocket_harness.ts";

const TLS = `${REPO_ROOT}tests/fixtures/tls`;
const SERVER_JKS = `${REPO_ROOT}tests/peers/flume/server.jks`;
const HAS_JAVA = await javaAvailable();
if (!HAS_JAVA) console.error(`avro source ↔ Flume tests ${NO_JAVA}`);

/** Events each Flume seq source generates. */
const TOTAL = 500;

interface Collector {
  readonly source: RunningSource;
  readonly channel: MemoryChannel;
  readonly counters: CounterGroup<string>;
  readonly port: number;
  readonly received: Event[];
}

async function startCollector(props: Record<string, string>): Promise<Collector> {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    capacity: 100_000,
    transactionCapacity: 1000,
    keepAlive: 0,
  }, SYSTEM_CLOCK);
  await channel.start();
  const registry = new CounterRegistry();
  const source = sourceFrom("avro", { bind: "127.0.0.1", port: "0", ...props }, [channel], {
    counters: registry,
    log: new RecordingLog(),
  });
  await source.start();
  return {
    source,
    channel,
    counters: group(registry, "SOURCE.w1"),
    port: (source.source as AvroSource).boundPort(),
    received: [],
  };
}

/** Flume: per collector, a seq source with a static header, a memory channel and an avro sink. */
function flumeConf(collectors: readonly Collector[]): string {
  const n = collectors.map((_, i) => i + 1);
  const lines = [
    `a1.sources = ${n.map((i) => `s${i}`).join(" ")}`,
    `a1.channels = ${n.map((i) => `c${i}`).join(" ")}`,
    `a1.sinks = ${n.map((i) => `k${i}`).join(" ")}`,
  ];
  for (const [index, collector] of collectors.entries()) {
    const i = index + 1;
    lines.push(
      `a1.sources.s${i}.type = seq`,
      `a1.sources.s${i}.totalEvents = ${TOTAL}`,
      `a1.sources.s${i}.batchSize = 20`,
      `a1.sources.s${i}.channels = c${i}`,
      `a1.sources.s${i}.interceptors = i1`,
      `a1.sources.s${i}.interceptors.i1.type = static`,
      `a1.sources.s${i}.interceptors.i1.key = origin`,
      `a1.sources.s${i}.interceptors.i1.value = flume-1.11 s${i}`,
      `a1.channels.c${i}.type = memory`,
      `a1.channels.c${i}.capacity = 10000`,
      `a1.channels.c${i}.transactionCapacity = 100`,
      `a1.sinks.k${i}.type = avro`,
      `a1.sinks.k${i}.channel = c${i}`,
      `a1.sinks.k${i}.hostname = 127.0.0.1`,
      `a1.sinks.k${i}.port = ${collector.port}`,
      `a1.sinks.k${i}.batch-size = 50`,
    );
  }
  lines.push(
    "a1.sinks.k2.compression-type = deflate",
    "a1.sinks.k2.compression-level = 6",
    "a1.sinks.k3.ssl = true",
    `a1.sinks.k3.truststore = ${TLS}/truststore.jks`,
    "a1.sinks.k3.truststore-password = changeit",
    "a1.sinks.k3.truststore-type = JKS",
  );
  return lines.join("\n") + "\n";
}

async function collect(
  collector: Collector,
  count: number,
  log: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (collector.received.length < count) {
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out with ${collector.received.length} of ${count} events:\n${await log()}`,
      );
    }
    collector.received.push(...await drainChannel(collector.channel));
    if (collector.received.length < count) await new Promise((r) => setTimeout(r, 200));
  }
}

function expected(sourceIndex: number): Event[] {
  return Array.from({ length: TOTAL }, (_, i) => ({
    headers: { origin: `flume-1.11 s${sourceIndex}` },
    body: new TextEncoder().encode(String(i)),
  }));
}

Deno.test({
  name: "avro source receives from real Flume avro sinks: plain, deflate and TLS",
  ignore: !HAS_JAVA,
  async fn(t): Promise<void> {
    const collectors = [
      await startCollector({}),
      await startCollector({ "compression-type": "deflate" }),
      await startCollector({
        ssl: "true",
        keystore: SERVER_JKS,
        "keystore-password": "changeit",
        "keystore-type": "JKS",
      }),
    ];
    const agent = await startFlume(flumeConf(collectors));
    try {
      const names = ["plain TCP", "compression-type = deflate", "ssl with a JKS keystore"];
      for (const [index, collector] of collectors.entries()) {
        await t.step(`${names[index]}: every event, in order, with Flume's header`, async () => {
          await collect(collector, TOTAL, agent.log);
          deepStrictEqual(
            collector.received.map((e) => ({ headers: e.headers, body: e.body })),
            expected(index + 1),
          );
          equal(collector.counters.get("EventAcceptedCount"), TOTAL);
          equal(
            collector.counters.get("AppendBatchAcceptedCount"),
            collector.counters.get("AppendBatchReceivedCount"),
          );
          equal(collector.counters.get("ChannelWriteFail"), 0);
        });
      }
    } finally {
      await agent.stop();
      for (const c of collectors) {
        await c.source.stop();
        await c.channel.stop();
      }
    }
  },
});
