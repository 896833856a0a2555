import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import type { Event } from "../../src/api/event.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { FlumeEventFormat } from "../../src/sinks/kafka/mod.ts";
import { parseHeaderAndText, startFlumeKafkaReader } from "../support/flume_kafka_reader.ts";
import { sinkFrom } from "../support/components.ts";
import { javaAvailable, NO_JAVA, readTopic, startKafka } from "../support/kafka_broker.ts";
import { RecordingLog } from "../support/recording_log.ts";

const JAVA = await javaAvailable();
const ENC = new TextEncoder();

Deno.test("Flume's Avro event format round-trips headers and body, byte for byte", () => {
  const format = new FlumeEventFormat();
  const event: Event = { headers: { a: "1", "ünï": "cödé" }, body: new Uint8Array([0, 1, 255]) };
  const bytes = format.encode(event);
  // AvroFlumeEvent, binary: map block of 2 (zigzag 4), "a" = "1", then "ünï" (5 bytes, zigzag 10) …
  deepStrictEqual([...bytes.subarray(0, 6)], [4, 2, 0x61, 2, 0x31, 10]);
  deepStrictEqual(format.decode(bytes), event);
  deepStrictEqual([...format.encode({ headers: {}, body: new Uint8Array() })], [0, 0]);
});

Deno.test({
  name:
    `useFlumeEventFormat events are read back, headers included, by Apache Flume's Kafka source${
      JAVA ? "" : ` ${NO_JAVA}`
    }`,
  ignore: !JAVA,
  fn: async (): Promise<void> => {
    const broker = await startKafka();
    try {
      const events: Event[] = Array.from({ length: 50 }, (_, i) => ({
        headers: { seq: String(i), origin: "flume-ws", ...(i % 2 ? { kind: "odd" } : {}) },
        body: ENC.encode(`event number ${i}`),
      }));
      const channel = new MemoryChannel("c1", new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS), {
        capacity: 1000,
        transactionCapacity: 1000,
        keepAlive: 0,
      }, SYSTEM_CLOCK);
      const tx = channel.getTransaction();
      tx.begin();
      for (const e of events) tx.put(e);
      await tx.commit();
      tx.close();
      const log = new RecordingLog();
      const sink = sinkFrom(
        "kafka",
        {
          "kafka.bootstrap.servers": broker.bootstrap,
          "kafka.topic": "avro",
          useFlumeEventFormat: "true",
          flumeBatchSize: "20",
        },
        channel,
        { log, counters: new CounterRegistry() },
      );
      await sink.start();
      try {
        while (await sink.process() === "READY") { /* drain */ }
      } finally {
        await sink.stop();
      }
      equal(channel.counters.get("ChannelSize"), 0, log.messages("warn").join("\n"));
      const format = new FlumeEventFormat();
      deepStrictEqual(
        (await readTopic(broker.bootstrap, "avro")).map((r) => format.decode(r.value)),
        events,
        "the topic holds one AvroFlumeEvent per event",
      );

      const flume = await startFlumeKafkaReader({
        bootstrap: broker.bootstrap,
        topic: "avro",
        groupId: "flume-reader",
      });
      try {
        const deadline = Date.now() + 180_000;
        let lines = await flume.lines();
        while (lines.length < events.length) {
          if (Date.now() > deadline) {
            throw new Error(`Flume wrote ${lines.length} lines:\n${await flume.log()}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 500));
          lines = await flume.lines();
        }
        equal(lines.length, events.length);
        for (const [i, line] of lines.entries()) {
          const read = parseHeaderAndText(line);
          equal(read.body, `event number ${i}`);
          for (const [name, value] of Object.entries(events[i].headers)) {
            equal(read.headers[name], value, `event ${i}'s header ${name} survived`);
          }
          equal(read.headers.topic, "avro", "Flume's source adds its own topic header");
          ok(!("kind" in read.headers) || i % 2 === 1);
        }
      } finally {
        await flume.stop();
      }
    } finally {
      await broker.stop();
    }
  },
});
