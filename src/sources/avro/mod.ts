/**
 * Flume's avro source: Avro IPC (AvroSourceProtocol) over Netty's framing.
 *
 * @module
 */
export { AVRO_SOURCE, AvroSource, type AvroSourceOptions } from "./avro_source.ts";
export { ipAllowed, type IpFilterRule, parseIpFilterRules } from "./ip_filter.ts";
