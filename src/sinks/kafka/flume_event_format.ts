/**
 * Flume's Avro event format (`useFlumeEventFormat`): an `AvroFlumeEvent`
 * record `{headers: map<string>, body: bytes}`, binary-encoded without a
 * container or schema header, as Flume's Kafka sink writes it and its Kafka
 * source and channel read it back.
 *
 * @module
 */
import avro from "avsc";
import { Buffer } from "node:buffer";
import type { Event } from "../../api/event.ts";

/** Flume's `org.apache.flume.source.avro.AvroFlumeEvent` schema. */
export const AVRO_FLUME_EVENT_SCHEMA = {
  type: "record",
  name: "AvroFlumeEvent",
  namespace: "org.apache.flume.source.avro",
  fields: [
    { name: "headers", type: { type: "map", values: "string" } },
    { name: "body", type: "bytes" },
  ],
} as const;

/** Encodes and decodes events in Flume's Avro event format. */
export class FlumeEventFormat {
  readonly #type: avro.Type = avro.Type.forSchema(
    AVRO_FLUME_EVENT_SCHEMA as unknown as avro.Schema,
  );

  /** The event's headers and body as one binary-encoded AvroFlumeEvent. */
  encode(event: Event): Buffer {
    return this.#type.toBuffer({ headers: event.headers, body: Buffer.from(event.body) });
  }

  /** The event in one binary-encoded AvroFlumeEvent; throws on malformed data. */
  decode(bytes: Uint8Array): Event {
    const record = this.#type.fromBuffer(Buffer.from(bytes)) as {
      headers: Record<string, string>;
      body: Buffer;
    };
    return { headers: { ...record.headers }, body: new Uint8Array(record.body) };
  }
}
