/**
 * The `kafka` sink: Flume's KafkaSink, producing each batch to Apache Kafka
 * and committing the channel transaction only once the broker acknowledged
 * it.
 *
 * @module
 */
import { defineSink } from "../../api/component.ts";
import { PropertyError } from "../../api/properties.ts";
import { FlumeEventFormat } from "./flume_event_format.ts";
import { KafkaSink } from "./kafka_sink.ts";
import {
  type ProducerOptions,
  producerOptions,
  type TlsMaterial,
  tlsMaterial,
} from "./producer_options.ts";
import { RecordBuilder } from "./record_builder.ts";
import {
  checkKafkaSinkSettings,
  DEFAULT_TOPIC,
  effectiveSettings,
  KAFKA_SINK_PATTERNS,
  KAFKA_SINK_PROPERTIES,
} from "./spec.ts";

export { KAFKA_SINK_COUNTERS } from "./counters.ts";
export { FlumeEventFormat } from "./flume_event_format.ts";

/** What validation prepares: the producer options and the TLS material read from keystores. */
interface Prepared {
  readonly producer: ProducerOptions;
  readonly tls?: TlsMaterial;
}

/** The `kafka` sink type. */
export const KAFKA_SINK = defineSink({
  type: "kafka",
  aliases: ["org.apache.flume.sink.kafka.KafkaSink"],
  summary: "Produces events to Apache Kafka; a batch commits only once the broker acknowledged it",
  example: `
a1.sinks = k1
a1.sinks.k1.type = org.apache.flume.sink.kafka.KafkaSink
a1.sinks.k1.channel = c1
a1.sinks.k1.kafka.bootstrap.servers = kafka-1:9092,kafka-2:9092
a1.sinks.k1.kafka.topic = mytopic
a1.sinks.k1.flumeBatchSize = 100
a1.sinks.k1.kafka.producer.acks = all
a1.sinks.k1.kafka.producer.compression.type = gzip`,
  properties: KAFKA_SINK_PROPERTIES,
  patterns: KAFKA_SINK_PATTERNS,
  batchSizeProperty: "flumeBatchSize",
  check: checkKafkaSinkSettings,
  prepare: (_config, props): Prepared => {
    const producer = producerOptions(props, undefined, (problem) => {
      throw new PropertyError(problem.property ?? "type", problem.message);
    });
    return { producer, tls: tlsMaterial(producer) };
  },
  create: ({ config, properties, prepared, counters, log, clock }) => {
    const settings = effectiveSettings({
      get: (name) => (config as Record<string, unknown>)[name] as never,
      has: (name) => properties.has(name),
    });
    return new KafkaSink({
      counters,
      log,
      clock,
      bootstrap: settings.bootstrap ?? [],
      batchSize: settings.batchSize ?? config.flumeBatchSize,
      acks: settings.acks ?? 1,
      records: new RecordBuilder({
        topic: settings.topic ?? DEFAULT_TOPIC,
        allowTopicOverride: config.allowTopicOverride,
        topicHeader: config.topicHeader,
        defaultPartitionId: config.defaultPartitionId,
        partitionIdHeader: config.partitionIdHeader,
        flumeFormat: config.useFlumeEventFormat ? new FlumeEventFormat() : undefined,
      }),
      producer: (prepared as Prepared).producer,
      tls: (prepared as Prepared).tls,
    });
  },
});
