/**
 * flume-ws's avro sink against a real Apache Flume 1.11.0 agent: Flume's
 * avro sources (plain, deflate, TLS) write what they receive with
 * file_roll's `avro_event` serializer, which keeps headers and bodies, and
 * the test reads those files back. One JVM serves every step; the last
 * step kills it (SIGKILL) mid-stream and starts it again.
 *
 * @module
 */
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import type { Event } from "../../src/api/event.ts";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import type { BatchSink } from "../../src/core/batch_sink.ts";
import { REPO_ROOT } from "../support/cli.ts";
import { group, sinkFrom } from "../support/components.ts";
import {
  type FlumeAgent,
  freePorts,
  javaAvailable,
  NO_JAVA,
  readAvroEventFiles,
  startFlume,
} from "../support/flume_agent.ts";
import { RecordingLog } from "../support/recording_log.ts";

const TLS = `${REPO_ROOT}tests/fixtures/tls`;
const SERVER_JKS = `${REPO_ROOT}tests/peers/flume/server.jks`;
const HAS_JAVA = await javaAvailable();
if (!HAS_JAVA) console.error(`avro sink ↔ Flume tests ${NO_JAVA}`);

/** Flume: four avro sources, each into its own file_roll directory (the last through a file channel). */
function flumeConf(ports: readonly number[]): string {
  const lines = ["a1.sources = r1 r2 r3 r4", "a1.channels = c1 c2 c3 c4", "a1.sinks = k1 k2 k3 k4"];
  const names = ["plain", "deflate", "tls", "restart"];
  for (const [i, name] of names.entries()) {
    const n = i + 1;
    lines.push(
      `a1.sources.r${n}.type = avro`,
      `a1.sources.r${n}.bind = 127.0.0.1`,
      `a1.sources.r${n}.port = ${ports[i]}`,
      `a1.sources.r${n}.channels = c${n}`,
      `a1.sinks.k${n}.type = file_roll`,
      `a1.sinks.k${n}.channel = c${n}`,
      `a1.sinks.k${n}.sink.directory = @DIR@/${name}`,
      `a1.sinks.k${n}.sink.rollInterval = 0`,
      `a1.sinks.k${n}.sink.serializer = avro_event`,
      `a1.sinks.k${n}.sink.batchSize = 10`,
    );
    if (name === "restart") {
      lines.push(
        `a1.channels.c${n}.type = file`,
        `a1.channels.c${n}.checkpointDir = @DIR@/fc/checkpoint`,
        `a1.channels.c${n}.dataDirs = @DIR@/fc/data`,
      );
    } else {
      lines.push(`a1.channels.c${n}.type = memory`, `a1.channels.c${n}.capacity = 10000`);
    }
  }
  lines.push(
    "a1.sources.r2.compression-type = deflate",
    "a1.sources.r3.ssl = true",
    `a1.sources.r3.keystore = ${SERVER_JKS}`,
    "a1.sources.r3.keystore-password = changeit",
    "a1.sources.r3.keystore-type = JKS",
  );
  return lines.join("\n") + "\n";
}

/** Events with awkward headers and binary bodies: empty, every byte value, large. */
function awkwardEvents(): Event[] {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const large = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251);
  return [
    { headers: {}, body: new Uint8Array(0) },
    { headers: { "key with spaces": "value=with, commas", empty: "" }, body: all },
    { headers: { "ünïcødé": "日本語 ✓", "\u0000nul": "tab\there\nnewline" }, body: large },
    ...Array.from({ length: 250 }, (_, i) => ({
      headers: { seq: String(i), host: "flume-ws" },
      body: new TextEncoder().encode(`event ${i}`),
    })),
  ];
}

function memoryChannel(): MemoryChannel {
  return new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    capacity: 100_000,
    transactionCapacity: 1000,
    keepAlive: 0,
  }, SYSTEM_CLOCK);
}

async function put(channel: MemoryChannel, events: readonly Event[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const tx = channel.getTransaction();
    tx.begin();
    tx.putAll(events.slice(i, i + 500));
    await tx.commit();
    tx.close();
  }
}

/** Runs `sink` as the SinkRunner does (a short pause after BACKOFF or IDLE) until stopped. */
function runSink(sink: BatchSink): { stop(): Promise<void> } {
  let running = true;
  const loop = (async (): Promise<void> => {
    while (running) {
      const status = await sink.process();
      if (status !== "READY" && running) await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async (): Promise<void> => {
      running = false;
      await loop;
    },
  };
}

async function waitUntil(
  predicate: () => Promise<boolean> | boolean,
  what: string,
  agent: FlumeAgent,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}:\n${await agent.log()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Sends `events` through an avro sink with `props` and waits until Flume wrote them to `dir`. */
async function deliver(
  agent: FlumeAgent,
  dir: string,
  events: readonly Event[],
  props: Record<string, string>,
): Promise<{ received: Event[]; counters: CounterGroup<string> }> {
  const channel = memoryChannel();
  await channel.start();
  const registry = new CounterRegistry();
  const sink = sinkFrom("avro", { hostname: "127.0.0.1", "batch-size": "100", ...props }, channel, {
    counters: registry,
    log: new RecordingLog(),
  });
  await sink.start();
  const runner = runSink(sink);
  try {
    await put(channel, events);
    let received: Event[] = [];
    await waitUntil(
      async () => {
        received = await readAvroEventFiles(`${agent.dir}/${dir}`);
        return received.length >= events.length;
      },
      `${events.length} events in ${dir}`,
      agent,
    );
    equal(channel.size(), 0);
    return { received, counters: group(registry, "SINK.k1") };
  } finally {
    await runner.stop();
    await sink.stop();
    await channel.stop();
  }
}

Deno.test({
  name: "avro sink delivers to a real Flume avro source, headers and bodies byte for byte",
  ignore: !HAS_JAVA,
  async fn(t): Promise<void> {
    const ports = freePorts(4);
    const dirs = ["plain", "deflate", "tls", "restart"];
    const base = await Deno.makeTempDir({ prefix: "flume-ws-avro-sink-" });
    for (const d of dirs) await Deno.mkdir(`${base}/${d}`);
    const agent = await startFlume(flumeConf(ports), { ports, dir: base });
    try {
      await t.step("plain TCP: every event, in order, with its headers", async () => {
        const events = awkwardEvents();
        const { received, counters } = await deliver(agent, "plain", events, {
          port: String(ports[0]),
        });
        deepStrictEqual(received, events);
        equal(counters.get("EventDrainSuccessCount"), events.length);
        equal(counters.get("ConnectionCreatedCount"), 1);
      });

      await t.step("compression-type = deflate against Flume's deflate source", async () => {
        const events = awkwardEvents();
        const { received } = await deliver(agent, "deflate", events, {
          port: String(ports[1]),
          "compression-type": "deflate",
          "compression-level": "9",
        });
        deepStrictEqual(received, events);
      });

      await t.step("ssl with a JKS truststore holding the CA of Flume's certificate", async () => {
        const events = awkwardEvents().slice(0, 60);
        const { received } = await deliver(agent, "tls", events, {
          port: String(ports[2]),
          ssl: "true",
          truststore: `${TLS}/truststore.jks`,
          "truststore-password": "changeit",
          "truststore-type": "JKS",
        });
        deepStrictEqual(received, events);
      });

      await t.step("ssl with trust-all-certs and no truststore", async () => {
        const events = awkwardEvents().slice(3, 13);
        const before = (await readAvroEventFiles(`${agent.dir}/tls`)).length;
        const channel = memoryChannel();
        await channel.start();
        const sink = sinkFrom(
          "avro",
          {
            hostname: "127.0.0.1",
            port: String(ports[2]),
            ssl: "true",
            "trust-all-certs": "true",
          },
          channel,
          { log: new RecordingLog() },
        );
        await sink.start();
        const runner = runSink(sink);
        try {
          await put(channel, events);
          await waitUntil(
            async () => (await readAvroEventFiles(`${agent.dir}/tls`)).length >= before + 10,
            "10 more events over TLS",
            agent,
          );
          deepStrictEqual((await readAvroEventFiles(`${agent.dir}/tls`)).slice(before), events);
        } finally {
          await runner.stop();
          await sink.stop();
          await channel.stop();
        }
      });

      await t.step("Flume killed and restarted mid-stream: nothing lost", async () => {
        const total = 3000;
        const batch = 50;
        const channel = memoryChannel();
        await channel.start();
        const registry = new CounterRegistry();
        const sink = sinkFrom(
          "avro",
          {
            hostname: "127.0.0.1",
            port: String(ports[3]),
            "batch-size": String(batch),
            "connect-timeout": "3000",
            "request-timeout": "3000",
          },
          channel,
          { counters: registry, log: new RecordingLog() },
        );
        await sink.start();
        const counters = group(registry, "SINK.k1");
        const runner = runSink(sink);
        const dir = `${agent.dir}/restart`;
        const seqs = async (): Promise<string[]> =>
          (await readAvroEventFiles(dir)).map((e) => e.headers.seq);
        try {
          const events = Array.from({ length: total }, (_, i) => ({
            headers: { seq: String(i) },
            body: new TextEncoder().encode(`restart ${i}`),
          }));
          await put(channel, events.slice(0, 1000));
          await waitUntil(
            async () => (await seqs()).length >= 300,
            "300 events before the kill",
            agent,
          );
          await agent.kill();
          // The rest arrives while Flume is down: the sink's batches fail and roll back.
          await put(channel, events.slice(1000));
          await waitUntil(
            () => counters.get("ConnectionFailedCount") + counters.get("ConnectionClosedCount") > 0,
            "the sink to notice the dead peer",
            agent,
          );
          ok(channel.size() > 0, "events wait in the channel while Flume is down");
          await agent.restart();
          await waitUntil(
            async () => new Set(await seqs()).size >= total && channel.size() === 0,
            "every event after the restart",
            agent,
            180_000,
          );
          const seen = await seqs();
          deepStrictEqual(
            [...new Set(seen)].map(Number).sort((a, b) => a - b),
            Array.from({ length: total }, (_, i) => i),
          );
          // At most one of our batches was resent, plus one batch of Flume's file_roll.
          ok(seen.length - total <= batch + 10, `${seen.length - total} duplicates`);
        } finally {
          await runner.stop();
          await sink.stop();
          await channel.stop();
        }
      });
    } finally {
      await agent.stop();
      await Deno.remove(base, { recursive: true }).catch(() => {});
    }
  },
});
