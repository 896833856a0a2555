/**
 * Flume's `AvroSourceProtocol` (flume-ng-sdk's `flume.avdl`), the Avro IPC
 * protocol between an `avro` sink and an `avro` source, and the Avro types
 * its messages and the IPC handshake use.
 *
 * @module
 */
import { createHash } from "node:crypto";
import avro from "avsc";

/**
 * The protocol as Flume's generated `AvroSourceProtocol.PROTOCOL` holds it,
 * its doc (the licence header of `flume.avdl`) included: the handshake's
 * MD5 is of this object's JSON exactly as Avro's `Protocol.toString()`
 * prints it (the same key order and escapes as `JSON.stringify`).
 */
export const AVRO_SOURCE_PROTOCOL = {
  protocol: "AvroSourceProtocol",
  namespace: "org.apache.flume.source.avro",
  doc: "* Licensed to the Apache Software Foundation (ASF) under one\n" +
    " * or more contributor license agreements.  See the NOTICE file\n" +
    " * distributed with this work for additional information\n" +
    " * regarding copyright ownership.  The ASF licenses this file\n" +
    " * to you under the Apache License, Version 2.0 (the\n" +
    ' * "License"); you may not use this file except in compliance\n' +
    " * with the License.  You may obtain a copy of the License at\n" +
    " *\n" +
    " * http://www.apache.org/licenses/LICENSE-2.0\n" +
    " *\n" +
    " * Unless required by applicable law or agreed to in writing,\n" +
    " * software distributed under the License is distributed on an\n" +
    ' * "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY\n' +
    " * KIND, either express or implied.  See the License for the\n" +
    " * specific language governing permissions and limitations\n" +
    " * under the License.",
  types: [
    { type: "enum", name: "Status", symbols: ["OK", "FAILED", "UNKNOWN"] },
    {
      type: "record",
      name: "AvroFlumeEvent",
      fields: [
        { name: "headers", type: { type: "map", values: "string" } },
        { name: "body", type: "bytes" },
      ],
    },
  ],
  messages: {
    append: {
      request: [{ name: "event", type: "AvroFlumeEvent" }],
      response: "Status",
    },
    appendBatch: {
      request: [{ name: "events", type: { type: "array", items: "AvroFlumeEvent" } }],
      response: "Status",
    },
  },
} as const;

/** The protocol's JSON text, as the handshake sends it. */
export const PROTOCOL_TEXT: string = JSON.stringify(AVRO_SOURCE_PROTOCOL);

/** MD5 of {@linkcode PROTOCOL_TEXT}: the protocol's hash in the handshake. */
export const PROTOCOL_MD5: Uint8Array = new Uint8Array(
  createHash("md5").update(PROTOCOL_TEXT).digest(),
);

/** The answer of `append` and `appendBatch`. */
export type AvroStatus = "OK" | "FAILED" | "UNKNOWN";

/** An event as Flume's `AvroFlumeEvent` holds it. */
export interface AvroFlumeEvent {
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

const registry = {};
/** `AvroFlumeEvent`. */
export const EVENT_TYPE: avro.Type = avro.Type.forSchema(
  AVRO_SOURCE_PROTOCOL.types[1] as unknown as avro.Schema,
  { registry, namespace: AVRO_SOURCE_PROTOCOL.namespace },
);
/** `array<AvroFlumeEvent>`, appendBatch's parameter. */
export const EVENTS_TYPE: avro.Type = avro.Type.forSchema(
  { type: "array", items: EVENT_TYPE } as unknown as avro.Schema,
);
/** `Status`, the response of both messages. */
export const STATUS_TYPE: avro.Type = avro.Type.forSchema(
  AVRO_SOURCE_PROTOCOL.types[0] as unknown as avro.Schema,
  { namespace: AVRO_SOURCE_PROTOCOL.namespace },
);
/** Call metadata: `map<bytes>`. */
export const META_TYPE: avro.Type = avro.Type.forSchema({ type: "map", values: "bytes" });
/** A message name. */
export const STRING_TYPE: avro.Type = avro.Type.forSchema("string");
/** A response's error flag. */
export const BOOLEAN_TYPE: avro.Type = avro.Type.forSchema("boolean");
/** The error union of a message without declared errors: a system error's text. */
export const ERROR_TYPE: avro.Type = avro.Type.forSchema(["string"]);
