import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import type { Event } from "../../src/api/event.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import type { BatchSink } from "../../src/core/batch_sink.ts";
import { sinkFrom } from "../support/components.ts";
import {
  createTopic,
  javaAvailable,
  KAFKA_SASL_USER,
  type KafkaBroker,
  NO_JAVA,
  readTopic,
  startKafka,
} from "../support/kafka_broker.ts";
import { RecordingLog } from "../support/recording_log.ts";

const JAVA = await javaAvailable();
const TEXT = new TextDecoder();

/** An event with a text body and headers. */
function ev(body: string, headers: Record<string, string> = {}): Event {
  return { headers, body: new TextEncoder().encode(body) };
}

/** A memory channel holding `events`, committed. */
async function channelWith(events: readonly Event[]): Promise<MemoryChannel> {
  const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
    capacity: 100_000,
    transactionCapacity: 10_000,
    keepAlive: 0,
  }, SYSTEM_CLOCK);
  const tx = channel.getTransaction();
  tx.begin();
  for (const e of events) tx.put(e);
  await tx.commit();
  tx.close();
  return channel;
}

/**
 * Builds a kafka sink k1 from `props` as the agent does, drains `events`
 * through it (process() until the channel is empty) and stops it.
 */
async function drain(
  events: readonly Event[],
  props: Readonly<Record<string, string>>,
): Promise<{ sink: BatchSink; log: RecordingLog; channel: MemoryChannel }> {
  const channel = await channelWith(events);
  const log = new RecordingLog();
  const sink = sinkFrom("kafka", props, channel, { log, counters: new CounterRegistry() });
  await sink.start();
  try {
    for (let i = 0; i < events.length + 1; i++) {
      const status = await sink.process();
      if (status === "BACKOFF") throw new Error(`Backed off: ${log.messages("warn").join("\n")}`);
      if (status === "IDLE") break;
    }
  } finally {
    await sink.stop();
  }
  return { sink, log, channel };
}

function bodies(records: readonly { value: Uint8Array }[]): string[] {
  return records.map((r) => TEXT.decode(r.value));
}

Deno.test({
  name: `kafka sink produces to a real Kafka broker${JAVA ? "" : ` ${NO_JAVA}`}`,
  ignore: !JAVA,
  fn: async (t): Promise<void> => {
    const broker: KafkaBroker = await startKafka();
    try {
      await t.step("events reach the topic in order per partition, as written", async () => {
        await createTopic(broker.bootstrap, "ordered", 3);
        const events = Array.from({ length: 250 }, (_, i) => ev(`e${i}`, { key: `k${i % 5}` }));
        const { sink } = await drain(events, {
          "kafka.bootstrap.servers": broker.bootstrap,
          "kafka.topic": "ordered",
          flumeBatchSize: "40",
        });
        const records = await readTopic(broker.bootstrap, "ordered");
        equal(records.length, 250);
        deepStrictEqual(bodies(records).sort(), events.map((e) => TEXT.decode(e.body)).sort());
        for (let k = 0; k < 5; k++) {
          const mine = records.filter((r) => r.key === `k${k}`);
          equal(new Set(mine.map((r) => r.partition)).size, 1, `key k${k} stays on one partition`);
          const expected = events.filter((e) => e.headers.key === `k${k}`).map((e) =>
            TEXT.decode(e.body)
          );
          deepStrictEqual(bodies(mine), expected, `key k${k}'s events keep their order`);
        }
        equal(sink.counters.get("EventDrainSuccessCount"), 250);
        equal(sink.counters.get("BatchCompleteCount"), 6);
        equal(sink.counters.get("RollbackCount" as never), 0);
        ok(sink.counters.snapshot().KafkaEventSendTimer !== undefined, "KafkaEventSendTimer shown");
      });

      await t.step("the topic header overrides kafka.topic; %{NAME} is substituted", async () => {
        await drain([
          ev("to-a", { topic: "override-a" }),
          ev("to-default", { kind: "x" }),
          ev("to-kind", { kind: "y" }),
        ], {
          "kafka.bootstrap.servers": broker.bootstrap,
          "kafka.topic": "sub-%{kind}",
        });
        deepStrictEqual(bodies(await readTopic(broker.bootstrap, "override-a")), ["to-a"]);
        deepStrictEqual(bodies(await readTopic(broker.bootstrap, "sub-x")), ["to-default"]);
        deepStrictEqual(bodies(await readTopic(broker.bootstrap, "sub-y")), ["to-kind"]);
      });

      await t.step(
        "allowTopicOverride = false ignores the header; topicHeader renames it",
        async () => {
          await drain([ev("stay", { topic: "not-this" })], {
            "kafka.bootstrap.servers": broker.bootstrap,
            "kafka.topic": "fixed",
            allowTopicOverride: "false",
          });
          await drain([ev("routed", { dest: "by-dest", topic: "not-this" })], {
            "kafka.bootstrap.servers": broker.bootstrap,
            "kafka.topic": "fixed",
            topicHeader: "dest",
          });
          deepStrictEqual(bodies(await readTopic(broker.bootstrap, "fixed")), ["stay"]);
          deepStrictEqual(bodies(await readTopic(broker.bootstrap, "by-dest")), ["routed"]);
          deepStrictEqual(await readTopic(broker.bootstrap, "not-this"), []);
        },
      );

      await t.step("the key header is the record key; no key header, no key", async () => {
        await drain([ev("keyed", { key: "user-1" }), ev("unkeyed")], {
          "kafka.bootstrap.servers": broker.bootstrap,
          "kafka.topic": "keys",
        });
        const records = await readTopic(broker.bootstrap, "keys");
        deepStrictEqual(records.map((r) => [TEXT.decode(r.value), r.key]), [
          ["keyed", "user-1"],
          ["unkeyed", undefined],
        ]);
        equal(records[0].headers.size, 0, "without useFlumeEventFormat, no headers travel");
      });

      await t.step("partitionIdHeader wins over defaultPartitionId", async () => {
        await createTopic(broker.bootstrap, "parts", 4);
        await drain([
          ev("p-default-1"),
          ev("p3", { part: "3" }),
          ev("p-default-2", { key: "any" }),
          ev("p0", { part: "0" }),
        ], {
          "kafka.bootstrap.servers": broker.bootstrap,
          "kafka.topic": "parts",
          defaultPartitionId: "2",
          partitionIdHeader: "part",
        });
        const records = await readTopic(broker.bootstrap, "parts");
        deepStrictEqual(records.map((r) => [r.partition, TEXT.decode(r.value)]), [
          [0, "p0"],
          [2, "p-default-1"],
          [2, "p-default-2"],
          [3, "p3"],
        ]);
      });

      await t.step("an invalid partition header rolls the batch back and keeps it", async () => {
        const channel = await channelWith([ev("bad", { part: "seven" })]);
        const log = new RecordingLog();
        const sink = sinkFrom(
          "kafka",
          {
            "kafka.bootstrap.servers": broker.bootstrap,
            "kafka.topic": "parts-bad",
            partitionIdHeader: "part",
          },
          channel,
          { log, counters: new CounterRegistry() },
        );
        await sink.start();
        try {
          equal(await sink.process(), "BACKOFF");
        } finally {
          await sink.stop();
        }
        equal(channel.counters.get("ChannelSize"), 1, "the event stays in the channel");
        equal(sink.counters.get("RollbackCount" as never), 1);
        ok(
          log.messages("warn").some((m) => m.includes(`Invalid partition "seven" in header part`)),
        );
      });

      await t.step("gzip, snappy, lz4 and zstd batches are read back intact", async () => {
        for (const codec of ["gzip", "snappy", "lz4", "zstd"]) {
          const events = Array.from(
            { length: 20 },
            (_, i) => ev(`${codec}-${i}-${"x".repeat(200)}`),
          );
          await drain(events, {
            "kafka.bootstrap.servers": broker.bootstrap,
            "kafka.topic": `codec-${codec}`,
            "kafka.producer.compression.type": codec,
          });
          deepStrictEqual(
            bodies(await readTopic(broker.bootstrap, `codec-${codec}`)),
            events.map((e) => TEXT.decode(e.body)),
            codec,
          );
        }
      });

      await t.step(
        "acks = all with idempotence and a small batch.size deliver everything",
        async () => {
          const events = Array.from({ length: 30 }, (_, i) => ev(`i${i}-${"y".repeat(100)}`));
          await drain(events, {
            "kafka.bootstrap.servers": broker.bootstrap,
            "kafka.topic": "idempotent",
            "kafka.producer.acks": "all",
            "kafka.producer.enable.idempotence": "true",
            "kafka.producer.batch.size": "512",
            "kafka.producer.linger.ms": "5",
          });
          deepStrictEqual(
            bodies(await readTopic(broker.bootstrap, "idempotent")),
            events.map((e) => TEXT.decode(e.body)),
          );
        },
      );

      await t.step(
        "a batch above the broker's 1 MB record-batch limit is split and delivered",
        async () => {
          const events = Array.from({ length: 600 }, (_, i) => ev(`${i}:${"z".repeat(2048)}`));
          await drain(events, {
            "kafka.bootstrap.servers": broker.bootstrap,
            "kafka.topic": "big-batch",
            flumeBatchSize: "600",
          });
          deepStrictEqual(
            bodies(await readTopic(broker.bootstrap, "big-batch")),
            events.map((e) => TEXT.decode(e.body)),
          );
        },
      );

      await t.step("SSL: a JKS truststore or a PEM file verifies the broker", async () => {
        for (
          const [name, props] of [
            ["jks", {
              "kafka.producer.ssl.truststore.location": broker.tls.trustStore,
              "kafka.producer.ssl.truststore.password": broker.tls.trustStorePassword,
            }],
            ["pem", {
              "kafka.producer.ssl.truststore.location": broker.tls.caPem,
              "kafka.producer.ssl.truststore.type": "PEM",
            }],
          ] as const
        ) {
          await drain([ev(`over-tls-${name}`)], {
            "kafka.bootstrap.servers": broker.tls.bootstrap,
            "kafka.topic": `tls-${name}`,
            "kafka.producer.security.protocol": "SSL",
            ...props,
          });
          deepStrictEqual(bodies(await readTopic(broker.bootstrap, `tls-${name}`)), [
            `over-tls-${name}`,
          ]);
        }
      });

      await t.step("SSL without the broker's certificate trusted rolls back", async () => {
        const channel = await channelWith([ev("untrusted")]);
        const log = new RecordingLog();
        const sink = sinkFrom(
          "kafka",
          {
            "kafka.bootstrap.servers": broker.tls.bootstrap,
            "kafka.topic": "tls-untrusted",
            "kafka.producer.security.protocol": "SSL",
            "kafka.producer.retries": "0",
          },
          channel,
          { log, counters: new CounterRegistry() },
        );
        await sink.start();
        try {
          equal(await sink.process(), "BACKOFF");
        } finally {
          await sink.stop();
        }
        equal(channel.counters.get("ChannelSize"), 1, "the event stays in the channel");
        const warning = log.messages("warn").join("\n");
        ok(/certificate/i.test(warning), warning);
      });

      await t.step(
        "SASL PLAIN and SCRAM-SHA-256 authenticate; a wrong password rolls back",
        async () => {
          const jaas = (module: string, password: string): string =>
            `org.apache.kafka.common.security.${module} required ` +
            `username="${KAFKA_SASL_USER.username}" password="${password}";`;
          for (
            const [mechanism, module] of [
              ["PLAIN", "plain.PlainLoginModule"],
              ["SCRAM-SHA-256", "scram.ScramLoginModule"],
            ]
          ) {
            await drain([ev(`via-${mechanism}`)], {
              "kafka.bootstrap.servers": broker.saslBootstrap,
              "kafka.topic": `sasl-${mechanism}`,
              "kafka.producer.security.protocol": "SASL_PLAINTEXT",
              "kafka.producer.sasl.mechanism": mechanism,
              "kafka.producer.sasl.jaas.config": jaas(module, KAFKA_SASL_USER.password),
            });
            deepStrictEqual(
              bodies(await readTopic(broker.bootstrap, `sasl-${mechanism}`)),
              [`via-${mechanism}`],
            );
          }
          const channel = await channelWith([ev("denied")]);
          const log = new RecordingLog();
          const sink = sinkFrom(
            "kafka",
            {
              "kafka.bootstrap.servers": broker.saslBootstrap,
              "kafka.topic": "sasl-denied",
              "kafka.producer.security.protocol": "SASL_PLAINTEXT",
              "kafka.producer.sasl.jaas.config": jaas("plain.PlainLoginModule", "wrong-secret"),
              "kafka.producer.retries": "0",
            },
            channel,
            { log, counters: new CounterRegistry() },
          );
          await sink.start();
          try {
            equal(await sink.process(), "BACKOFF");
          } finally {
            await sink.stop();
          }
          equal(channel.counters.get("ChannelSize"), 1, "the event stays in the channel");
          const warning = log.messages("warn").join("\n");
          ok(/authenticat/i.test(warning), warning);
          ok(!warning.includes("wrong-secret"), "the password is not logged");
        },
      );
    } finally {
      await broker.stop();
    }
  },
});
