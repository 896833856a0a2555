/**
 * Flume's avro sink: Avro IPC (AvroSourceProtocol) over Netty's framing.
 *
 * @module
 */
export { AVRO_SINK, AvroSink, type AvroSinkOptions } from "./avro_sink.ts";
export {
  AvroRpcClient,
  type AvroRpcClientOptions,
  RequestTimeoutError,
} from "./avro_rpc_client.ts";
