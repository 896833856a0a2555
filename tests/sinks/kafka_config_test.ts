import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { type AgentConfig, loadAgentConfig } from "../../src/config/agent_config.ts";
import { ConfigError, type ConfigIssue } from "../../src/config/diagnostics.ts";
import { builtinRegistry } from "../../src/registry.ts";
import { parseJaas } from "../../src/sinks/kafka/producer_options.ts";
import { RecordBuilder, substitute } from "../../src/sinks/kafka/record_builder.ts";
import { runCli, withTempDir } from "../support/cli.ts";
import { withoutSourcelessWarning } from "../support/config_issues.ts";

const HEAD = [
  "a1.sinks = k1",
  "a1.channels = c1",
  "a1.channels.c1.type = memory",
  "a1.sinks.k1.type = org.apache.flume.sink.kafka.KafkaSink",
  "a1.sinks.k1.channel = c1",
];
const SERVERS = "a1.sinks.k1.kafka.bootstrap.servers = localhost:9092";

function load(lines: string[]): AgentConfig {
  return loadAgentConfig([...HEAD, ...lines].join("\n"), {
    file: "k.conf",
    agent: "a1",
    lookup: builtinRegistry(),
    variables: { env: () => undefined, sys: {} },
  });
}

/** Every issue `lines` give, errors and warnings. */
function issues(lines: string[]): ConfigIssue[] {
  try {
    return withoutSourcelessWarning(load(lines).warnings);
  } catch (err) {
    if (err instanceof ConfigError) return withoutSourcelessWarning(err.issues);
    throw err;
  }
}

/** The issues as `severity line property: message`. */
function shown(lines: string[]): string[] {
  return issues(lines).map((i) => `${i.severity} ${i.line} ${i.property}: ${i.message}`);
}

Deno.test("kafka sink configuration follows Flume's KafkaSink", async (t) => {
  await t.step("defaults: Flume's topic, batch size, acks and headers", () => {
    const sink = load([SERVERS]).sinks[0];
    const s = sink.settings;
    deepStrictEqual(
      [
        "kafka.topic",
        "flumeBatchSize",
        "kafka.producer.acks",
        "useFlumeEventFormat",
        "allowTopicOverride",
        "topicHeader",
      ].map((n) => s.get(n)),
      ["default-flume-topic", 100, "1", false, true, "topic"],
    );
    equal(s.get("defaultPartitionId"), undefined);
  });

  await t.step("kafka.bootstrap.servers is required, and must be host:port", () => {
    deepStrictEqual(shown([]), [
      `error 4 kafka.bootstrap.servers: Missing required property "kafka.bootstrap.servers"`,
    ]);
    deepStrictEqual(shown(["a1.sinks.k1.kafka.bootstrap.servers = kafka-1,kafka-2:9092"]), [
      `error 6 kafka.bootstrap.servers: Invalid kafka.bootstrap.servers "kafka-1,kafka-2:9092": ` +
      `expected comma-separated host:port (not "kafka-1")`,
    ]);
  });

  await t.step("an unsupported producer property is an error on its line", () => {
    deepStrictEqual(shown([SERVERS, "a1.sinks.k1.kafka.producer.buffer.memory = 1000"]), [
      `error 7 kafka.producer.buffer.memory: Unsupported producer property ` +
      `"kafka.producer.buffer.memory": flume-ws's Kafka client cannot honour it`,
    ]);
    ok(
      issues([SERVERS, "a1.sinks.k1.kafka.producer.partitioner.class = x.Y"])[0].hint?.includes(
        "compression.type",
      ),
      "the hint lists what is supported",
    );
  });

  await t.step(
    "producer values are checked: codec, idempotence needs acks=all, SASL needs JAAS",
    () => {
      deepStrictEqual(shown([SERVERS, "a1.sinks.k1.kafka.producer.compression.type = brotli"]), [
        `error 7 kafka.producer.compression.type: Invalid kafka.producer.compression.type ` +
        `"brotli": expected one of none, gzip, snappy, lz4, zstd`,
      ]);
      deepStrictEqual(shown([SERVERS, "a1.sinks.k1.kafka.producer.enable.idempotence = true"]), [
        `error 7 kafka.producer.enable.idempotence: Invalid ` +
        `kafka.producer.enable.idempotence "true": it needs acks = all (-1), not 1`,
      ]);
      deepStrictEqual(
        shown([
          SERVERS,
          "a1.sinks.k1.kafka.producer.security.protocol = SASL_SSL",
          "a1.sinks.k1.kafka.producer.sasl.mechanism = GSSAPI",
        ]),
        [
          `error 4 kafka.producer.sasl.jaas.config: Missing kafka.producer.sasl.jaas.config: ` +
          `security.protocol SASL_SSL needs a username and password`,
          `error 8 kafka.producer.sasl.mechanism: Invalid kafka.producer.sasl.mechanism "GSSAPI": ` +
          `expected one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512`,
        ],
      );
    },
  );

  await t.step("a missing truststore file is an error naming the property", () => {
    const found = shown([
      SERVERS,
      "a1.sinks.k1.kafka.producer.security.protocol = SSL",
      "a1.sinks.k1.kafka.producer.ssl.truststore.location = /nonexistent/ca.jks",
    ]);
    equal(found.length, 1, found.join("\n"));
    ok(
      found[0].startsWith(`error 8 kafka.producer.ssl.truststore.location: Cannot read`),
      found[0],
    );
  });

  await t.step("Flume's deprecated names work, with a warning each", () => {
    const config = load([
      "a1.sinks.k1.brokerList = localhost:9092",
      "a1.sinks.k1.topic = old-topic",
      "a1.sinks.k1.batchSize = 7",
      "a1.sinks.k1.requiredAcks = -1",
    ]);
    deepStrictEqual(
      withoutSourcelessWarning(config.warnings).map((i) => `${i.line} ${i.message}`),
      [
        `6 Deprecated property "brokerList": use kafka.bootstrap.servers`,
        `7 Deprecated property "topic": use kafka.topic`,
        `8 Deprecated property "batchSize": use flumeBatchSize`,
        `9 Deprecated property "requiredAcks": use kafka.producer.acks`,
      ],
    );
    deepStrictEqual(shown([SERVERS, "a1.sinks.k1.topic = t"]).map((l) => l.split(": ")[0]), [
      "warning 7 topic",
    ]);
  });

  await t.step("an old name is ignored where the new one is set", () => {
    deepStrictEqual(shown([SERVERS, "a1.sinks.k1.brokerList = other:1"]), [
      `warning 7 brokerList: Deprecated property "brokerList": use kafka.bootstrap.servers; ` +
      `ignored, as kafka.bootstrap.servers is set`,
    ]);
  });

  await t.step("flumeBatchSize above the channel's transactionCapacity is refused", () => {
    const found = shown([SERVERS, "a1.sinks.k1.flumeBatchSize = 500"]);
    equal(found.length, 1, found.join("\n"));
    ok(found[0].startsWith("error"), found[0]);
    ok(found[0].includes("flumeBatchSize"), found[0]);
  });
});

Deno.test("check masks the SASL JAAS configuration and keystore passwords", async () => {
  await withTempDir(async (dir) => {
    const conf = `${dir}/kafka.conf`;
    await Deno.writeTextFile(
      conf,
      [
        ...HEAD,
        SERVERS,
        "a1.sinks.k1.kafka.producer.security.protocol = SASL_PLAINTEXT",
        `a1.sinks.k1.kafka.producer.sasl.jaas.config = org.apache.kafka.common.security.plain.` +
        `PlainLoginModule required username="u" password="hunter2-secret";`,
        "",
      ].join("\n"),
    );
    const { code, stdout, stderr } = await runCli(["check", "-n", "a1", "-f", conf]);
    equal(code, 0, stderr);
    ok(stdout.includes("kafka.producer.sasl.jaas.config = ******"), stdout);
    ok(!(stdout + stderr).includes("hunter2-secret"), "the password is not shown");
  });
});

Deno.test("the JAAS parser reads PLAIN and SCRAM logins and refuses others", () => {
  deepStrictEqual(
    parseJaas(
      `org.apache.kafka.common.security.scram.ScramLoginModule required username="a" ` +
        `password="p\\"q";`,
    ),
    { username: "a", password: `p"q` },
  );
  equal(typeof parseJaas(`com.sun.security.auth.module.Krb5LoginModule required;`), "string");
});

Deno.test("records: topic header, %{NAME} substitution, key and partition headers", () => {
  equal(substitute("logs-%{app}-%{missing}", { app: "web" }), "logs-web-");
  const builder = new RecordBuilder({
    topic: "t",
    allowTopicOverride: true,
    topicHeader: "topic",
    defaultPartitionId: 1,
    partitionIdHeader: "p",
  });
  const record = builder.build({
    headers: { topic: "other", key: "k", p: "4" },
    body: new Uint8Array([1]),
  });
  deepStrictEqual([record.topic, record.key?.toString(), record.partition], ["other", "k", 4]);
  equal(builder.build({ headers: {}, body: new Uint8Array() }).partition, 1);
});
