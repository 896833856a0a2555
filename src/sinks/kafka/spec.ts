/**
 * The Kafka sink's properties, as Flume's KafkaSink names them, with its
 * deprecated names, and the checks between them.
 *
 * @module
 */
import {
  boolean,
  type CheckedProperties,
  int,
  oneOf,
  type PatternDecl,
  type Reporter,
  string,
} from "../../api/properties.ts";
import { checkProducerProperties, PRODUCER_PREFIX } from "./producer_options.ts";

/** Flume's default topic. */
export const DEFAULT_TOPIC = "default-flume-topic";

/** The Kafka sink's properties. */
export const KAFKA_SINK_PROPERTIES = {
  "kafka.bootstrap.servers": string({
    doc: "Required: comma-separated `host:port` brokers to bootstrap from (or the deprecated " +
      "`brokerList`)",
  }),
  "kafka.topic": string({
    default: DEFAULT_TOPIC,
    doc: "The topic to produce to; `%{NAME}` is replaced by the event's NAME header",
  }),
  flumeBatchSize: int({
    default: 100,
    min: 1,
    doc: "Events per channel transaction, produced together and acknowledged before the commit",
  }),
  "kafka.producer.acks": oneOf({
    values: ["1", "0", "-1", "all"],
    default: "1",
    doc: "Acknowledgements the broker gives before a batch counts as written: `0` none, " +
      "`1` the leader, `-1` or `all` every in-sync replica",
  }),
  useFlumeEventFormat: boolean({
    default: false,
    doc: "Write each event as Flume's Avro `AvroFlumeEvent` (headers and body), as Flume's " +
      "Kafka source and channel read it; false writes the body alone",
  }),
  defaultPartitionId: int({
    doc: "The partition every event goes to, unless partitionIdHeader names another; unset: " +
      "the producer's partitioner (by the `key` header when there is one)",
  }),
  partitionIdHeader: string({
    doc: "The header holding an event's partition; an invalid one rolls the batch back",
  }),
  allowTopicOverride: boolean({
    default: true,
    doc: "Produce to the topic named in the topicHeader header, when an event has it",
  }),
  topicHeader: string({ default: "topic", doc: "The header naming an event's topic" }),
  brokerList: string({ doc: "Deprecated: use kafka.bootstrap.servers" }),
  topic: string({ doc: "Deprecated: use kafka.topic" }),
  batchSize: int({ min: 1, doc: "Deprecated: use flumeBatchSize" }),
  "kafka.flumeBatchSize": int({
    min: 1,
    doc: "Accepted for the guide's example; use flumeBatchSize",
  }),
  requiredAcks: oneOf({
    values: ["1", "0", "-1", "all"],
    doc: "Deprecated: use kafka.producer.acks",
  }),
} as const;

/** What the sink's checks read. */
export type KafkaSinkProps = CheckedProperties<typeof KAFKA_SINK_PROPERTIES>;

/** The `kafka.producer.*` properties: secrets first, so that they are masked. */
export const KAFKA_SINK_PATTERNS: readonly PatternDecl[] = [
  {
    pattern: /^kafka\.producer\.(sasl\.jaas\.config|ssl\.(truststore|keystore|key)\.password)$/,
    display: "kafka.producer.sasl.jaas.config, kafka.producer.ssl.*.password",
    kind: "secret",
    doc: "Credentials of the producer (never shown)",
  },
  {
    pattern:
      /^kafka\.producer\.(?!acks$|sasl\.jaas\.config$|ssl\.(truststore|keystore|key)\.password$).+$/,
    display: `${PRODUCER_PREFIX}NAME`,
    kind: "string",
    doc: "A Kafka producer property the client honours (compression.type, linger.ms, " +
      "batch.size, enable.idempotence, security.protocol, sasl.*, ssl.*, …); any other is an error",
  },
];

/** Deprecated names and the names that replace them. */
const DEPRECATED = [
  ["brokerList", "kafka.bootstrap.servers"],
  ["topic", "kafka.topic"],
  ["batchSize", "flumeBatchSize"],
  ["kafka.flumeBatchSize", "flumeBatchSize"],
  ["requiredAcks", "kafka.producer.acks"],
] as const;

/** The batch size's names, the one that wins first. */
const BATCH_NAMES = ["flumeBatchSize", "kafka.flumeBatchSize", "batchSize"] as const;

/** The settings as the sink uses them, the deprecated names filled in. */
export interface KafkaSinkSettings {
  readonly bootstrap: readonly string[];
  readonly topic: string;
  readonly batchSize: number;
  readonly acks: number;
}

/** Reads the effective settings, a deprecated name counting where its new one is unset. */
export function effectiveSettings(
  props: Pick<KafkaSinkProps, "get" | "has">,
): Partial<KafkaSinkSettings> {
  const pick = <A extends keyof typeof KAFKA_SINK_PROPERTIES & string>(
    name: A,
    old: keyof typeof KAFKA_SINK_PROPERTIES & string,
  ): unknown => props.has(name) || !props.has(old) ? props.get(name) : props.get(old);
  const servers = pick("kafka.bootstrap.servers", "brokerList") as string | undefined;
  const batchName = BATCH_NAMES.find((name) => props.has(name)) ?? "flumeBatchSize";
  const batchSize = props.get(batchName);
  const acks = pick("kafka.producer.acks", "requiredAcks") as string | undefined;
  return {
    bootstrap: servers === undefined ? undefined : splitServers(servers),
    topic: pick("kafka.topic", "topic") as string | undefined,
    batchSize: batchSize as number | undefined,
    acks: acks === undefined ? undefined : acks === "all" ? -1 : Number(acks),
  };
}

/** `host:port` entries of a comma-separated list. */
export function splitServers(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** Cross-property rules of the Kafka sink. */
export function checkKafkaSinkSettings(props: KafkaSinkProps, report: Reporter): void {
  for (const [old, replacement] of DEPRECATED) {
    if (!props.has(old)) continue;
    const ignored = props.has(replacement) ? `; ignored, as ${replacement} is set` : "";
    report({
      severity: "warning",
      property: old,
      message: `Deprecated property "${old}": use ${replacement}${ignored}`,
    });
  }
  const servers = props.has("kafka.bootstrap.servers") ? "kafka.bootstrap.servers" : "brokerList";
  const text = props.get(servers);
  if (!props.has(servers)) {
    report({
      property: "kafka.bootstrap.servers",
      message: `Missing required property "kafka.bootstrap.servers"`,
      hint: "list the brokers as host:port, comma-separated",
    });
  } else if (text !== undefined) {
    const list = splitServers(text);
    const bad = list.find((s) => !/^[^\s:]+:\d{1,5}$/.test(s) || Number(s.split(":")[1]) > 65535);
    if (list.length === 0 || bad !== undefined) {
      report({
        property: servers,
        message: `Invalid ${servers} "${text}": expected comma-separated host:port` +
          (bad === undefined ? "" : ` (not "${bad}")`),
        hint: "for example localhost:9092,kafka-2:9092",
      });
    }
  }
  if (props.get("kafka.topic")?.trim() === "" || props.get("topic")?.trim() === "") {
    report({ property: "kafka.topic", message: `Invalid kafka.topic "": expected a topic name` });
  }
  const acks = effectiveSettings(props).acks;
  checkProducerProperties(props, acks, report);
}
