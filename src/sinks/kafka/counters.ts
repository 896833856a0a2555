/** Flume's KafkaSinkCounter names, counted beside the sink's usual ones. */
export const KAFKA_SINK_COUNTERS = ["KafkaEventSendTimer", "RollbackCount"] as const;

/**
 * A counter of Flume's KafkaSinkCounter: `KafkaEventSendTimer` is the
 * milliseconds spent producing batches (until the broker acknowledged
 * them), `RollbackCount` the batches rolled back.
 */
export type KafkaSinkCounter = typeof KAFKA_SINK_COUNTERS[number];
