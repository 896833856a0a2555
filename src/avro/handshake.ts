/**
 * The Avro IPC handshake (Avro specification, "Handshake"): the client
 * sends the MD5 of its protocol (and, when asked, the protocol itself); the
 * server answers whether both sides know each other's protocol.
 *
 * @module
 */
import avro from "avsc";

const MD5 = { type: "fixed", name: "MD5", size: 16 } as const;
const META = ["null", { type: "map", values: "bytes" }] as const;

/** `org.apache.avro.ipc.HandshakeRequest`. */
export const HANDSHAKE_REQUEST_TYPE: avro.Type = avro.Type.forSchema({
  type: "record",
  name: "HandshakeRequest",
  namespace: "org.apache.avro.ipc",
  fields: [
    { name: "clientHash", type: MD5 },
    { name: "clientProtocol", type: ["null", "string"] },
    { name: "serverHash", type: "MD5" },
    { name: "meta", type: META },
  ],
} as unknown as avro.Schema, { wrapUnions: false });

/** `org.apache.avro.ipc.HandshakeResponse`. */
export const HANDSHAKE_RESPONSE_TYPE: avro.Type = avro.Type.forSchema({
  type: "record",
  name: "HandshakeResponse",
  namespace: "org.apache.avro.ipc",
  fields: [
    {
      name: "match",
      type: { type: "enum", name: "HandshakeMatch", symbols: ["BOTH", "CLIENT", "NONE"] },
    },
    { name: "serverProtocol", type: ["null", "string"] },
    { name: "serverHash", type: ["null", MD5] },
    { name: "meta", type: META },
  ],
} as unknown as avro.Schema, { wrapUnions: false });

/** What the server knows of the client's protocol and the client of the server's. */
export type HandshakeMatch = "BOTH" | "CLIENT" | "NONE";

/** A decoded HandshakeRequest. */
export interface HandshakeRequest {
  readonly clientHash: Uint8Array;
  readonly clientProtocol: string | null;
  readonly serverHash: Uint8Array;
  readonly meta: Record<string, Uint8Array> | null;
}

/** A decoded HandshakeResponse. */
export interface HandshakeResponse {
  readonly match: HandshakeMatch;
  readonly serverProtocol: string | null;
  readonly serverHash: Uint8Array | null;
  readonly meta: Record<string, Uint8Array> | null;
}

/** True when two MD5 hashes are the same bytes. */
export function sameHash(a: Uint8Array | null, b: Uint8Array): boolean {
  if (a === null || a.length !== b.length) return false;
  return a.every((byte, i) => byte === b[i]);
}
