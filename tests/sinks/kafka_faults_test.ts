import { equal, match, ok } from "node:assert/strict";
import { SYSTEM_CLOCK } from "../../src/api/clock.ts";
import { CHANNEL_COUNTERS, CounterGroup, CounterRegistry } from "../../src/api/counters.ts";
import { MemoryChannel } from "../../src/channels/memory_channel.ts";
import { AgentProcess, tempConf } from "../support/agent_process.ts";
import { withTempDir } from "../support/cli.ts";
import { sinkFrom } from "../support/components.ts";
import {
  endOffsets,
  javaAvailable,
  type KafkaBroker,
  NO_JAVA,
  readTopic,
  startKafka,
  waitForRecords,
} from "../support/kafka_broker.ts";
import { RecordingLog } from "../support/recording_log.ts";

const JAVA = await javaAvailable();
const TEXT = new TextDecoder();
const TOTAL = 40_000;
const BATCH = 100;

function seqToKafka(bootstrap: string): string {
  return `
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = seq
a1.sources.r1.channels = c1
a1.sources.r1.batchSize = 100
a1.sources.r1.totalEvents = ${TOTAL}
a1.channels.c1.type = memory
a1.channels.c1.capacity = ${TOTAL}
a1.channels.c1.transactionCapacity = 1000
a1.sinks.k1.type = kafka
a1.sinks.k1.channel = c1
a1.sinks.k1.kafka.bootstrap.servers = ${bootstrap}
a1.sinks.k1.kafka.topic = seq
a1.sinks.k1.flumeBatchSize = ${BATCH}
a1.sinks.k1.kafka.producer.acks = all
a1.sinks.k1.kafka.producer.retries = 1
a1.sinks.k1.kafka.producer.retry.backoff.ms = 200
`;
}

async function total(bootstrap: string, topic: string): Promise<number> {
  return (await endOffsets(bootstrap, topic)).reduce((a, b) => a + Number(b), 0);
}

Deno.test({
  name: `kafka sink survives a broker outage${JAVA ? "" : ` ${NO_JAVA}`}`,
  ignore: !JAVA,
  fn: async (t): Promise<void> => {
    const broker: KafkaBroker = await startKafka();
    try {
      await t.step(
        "broker SIGKILLed mid-stream and restarted: nothing lost, duplicates within one batch",
        async () => {
          await withTempDir(async (dir) => {
            const conf = await tempConf(dir, seqToKafka(broker.bootstrap));
            const agent = new AgentProcess(["-n", "a1", "-f", conf]);
            try {
              await waitForRecords(broker.bootstrap, "seq", 2_000);
              await broker.kill();
              await agent.waitFor(/WARN .*Failed to produce \d+ event\(s\): Kafka at /, 1, 120_000);
              await broker.restart();
              await agent.waitFor(
                /Producing to Kafka at .* again after \d+ failed batch/,
                1,
                180_000,
              );
              await waitForRecords(broker.bootstrap, "seq", TOTAL, 180_000);
              ok(
                !agent.lines.some((l) => /^\s+at /.test(l)),
                `no stack trace in the log:\n${agent.dump()}`,
              );
            } finally {
              agent.kill("SIGTERM");
              await agent.exit();
            }
          });
          const records = await readTopic(broker.bootstrap, "seq");
          const seen = new Set<number>();
          for (const r of records) seen.add(Number(TEXT.decode(r.value)));
          equal(seen.size, TOTAL, "every event reached the topic");
          for (let i = 0; i < TOTAL; i++) ok(seen.has(i), `event ${i} is in the topic`);
          const duplicates = records.length - seen.size;
          ok(duplicates <= BATCH, `${duplicates} duplicate(s), at most one batch of ${BATCH}`);
        },
      );

      await t.step(
        "an unreachable broker: a one-line cause, rollback, backoff, then delivery",
        async () => {
          const channel = new MemoryChannel(
            "c1",
            new CounterGroup("CHANNEL", "c1", CHANNEL_COUNTERS),
            { capacity: 100, transactionCapacity: 100, keepAlive: 0 },
            SYSTEM_CLOCK,
          );
          const tx = channel.getTransaction();
          tx.begin();
          for (const body of ["a", "b", "c"]) {
            tx.put({ headers: {}, body: new TextEncoder().encode(body) });
          }
          await tx.commit();
          tx.close();
          await broker.kill();
          const log = new RecordingLog();
          const sink = sinkFrom(
            "kafka",
            {
              "kafka.bootstrap.servers": broker.bootstrap,
              "kafka.topic": "after-outage",
              "kafka.producer.retries": "0",
            },
            channel,
            { log, counters: new CounterRegistry() },
          );
          await sink.start();
          try {
            equal(await sink.process(), "BACKOFF");
            equal(await sink.process(), "BACKOFF", "it retries, and backs off again");
            equal(channel.counters.get("ChannelSize"), 3, "the events stay in the channel");
            equal(sink.counters.get("RollbackCount" as never), 2);
            const [warning] = log.messages("warn");
            match(
              warning,
              new RegExp(
                `^Failed to produce 3 event\\(s\\): Kafka at ${broker.bootstrap}: .*` +
                  `ECONNREFUSED.*; rolled back for retry, backing off$`,
              ),
            );
            ok(!warning.includes("\n"), "one line, no stack trace");
            await broker.restart();
            // As the sink runner does: retry after each backoff until the batch commits.
            let status = await sink.process();
            for (let i = 0; status === "BACKOFF" && i < 60; i++) {
              await new Promise((resolve) => setTimeout(resolve, 500));
              status = await sink.process();
            }
            equal(status, "IDLE", log.messages("warn").concat(log.messages("debug")).join("\n"));
            equal(channel.counters.get("ChannelSize"), 0);
            ok(log.messages("info").some((m) => /again after \d+ failed batch/.test(m)));
          } finally {
            await sink.stop();
          }
          equal(await total(broker.bootstrap, "after-outage"), 3);
        },
      );
    } finally {
      await broker.stop();
    }
  },
});
