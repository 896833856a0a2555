/**
 * The bytes of one Avro IPC call on a stateful (Netty) connection: the
 * first request of a connection starts with a HandshakeRequest, its
 * response with a HandshakeResponse; then the request holds the call
 * metadata, the message name and its parameters, and the response the
 * metadata, an error flag and the response (or the error).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type avro from "avsc";
import { concatBytes } from "../util/bytes.ts";
import {
  HANDSHAKE_REQUEST_TYPE,
  HANDSHAKE_RESPONSE_TYPE,
  type HandshakeRequest,
  type HandshakeResponse,
} from "./handshake.ts";
import {
  type AvroFlumeEvent,
  type AvroStatus,
  BOOLEAN_TYPE,
  ERROR_TYPE,
  EVENT_TYPE,
  EVENTS_TYPE,
  META_TYPE,
  STATUS_TYPE,
  STRING_TYPE,
} from "./protocol.ts";

/** Thrown for a payload that does not decode as the call it should be. */
export class CallError extends Error {
  override name = "CallError";
}

/** Reads Avro values one after another from a payload. */
export class AvroReader {
  readonly #buffer: Buffer;
  #offset = 0;

  /** A reader at the start of `bytes`. */
  constructor(bytes: Uint8Array) {
    this.#buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** True when every byte was read. */
  get done(): boolean {
    return this.#offset >= this.#buffer.length;
  }

  /** The next value, of `type`; throws CallError when the payload ends first. */
  read<T>(type: avro.Type, what: string): T {
    let result;
    try {
      result = type.decode(this.#buffer, this.#offset);
    } catch (err) {
      throw new CallError(`Invalid ${what}: ${(err as Error).message}`, { cause: err });
    }
    if (result.offset < 0) throw new CallError(`Truncated ${what}`);
    this.#offset = result.offset;
    return result.value as T;
  }
}

/** The bytes of `value` as `type`. */
function encode(type: avro.Type, value: unknown): Uint8Array {
  const buffer = type.toBuffer(value);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** appendBatch's parameters: the events. */
export function encodeEvents(events: readonly AvroFlumeEvent[]): Uint8Array {
  return encode(EVENTS_TYPE, events.map((e) => ({ headers: e.headers, body: toBuffer(e.body) })));
}

/** append's parameter: one event. */
export function encodeEvent(event: AvroFlumeEvent): Uint8Array {
  return encode(EVENT_TYPE, { headers: event.headers, body: toBuffer(event.body) });
}

/** A call request's parts. */
export interface CallRequest {
  /** Only on the first request of a connection. */
  readonly handshake?: HandshakeRequest;
  readonly message: string;
  /** The encoded parameters. */
  readonly params: Uint8Array;
}

/** The payload of a call request (empty metadata). */
export function encodeRequest(request: CallRequest): Uint8Array {
  const parts: Uint8Array[] = [];
  if (request.handshake) {
    const h = request.handshake;
    parts.push(encode(HANDSHAKE_REQUEST_TYPE, {
      clientHash: toBuffer(h.clientHash),
      clientProtocol: h.clientProtocol,
      serverHash: toBuffer(h.serverHash),
      meta: null,
    }));
  }
  parts.push(encode(META_TYPE, {}), encode(STRING_TYPE, request.message), request.params);
  return concatBytes(parts);
}

/** The payload of a response: the handshake answer (first call only), then the status or a system error. */
export function encodeResponse(
  handshake: HandshakeResponse | undefined,
  result: { status: AvroStatus } | { error: string } | undefined,
): Uint8Array {
  const parts: Uint8Array[] = [];
  if (handshake) {
    parts.push(encode(HANDSHAKE_RESPONSE_TYPE, {
      match: handshake.match,
      serverProtocol: handshake.serverProtocol,
      serverHash: handshake.serverHash ? toBuffer(handshake.serverHash) : null,
      meta: null,
    }));
  }
  if (result !== undefined) {
    parts.push(encode(META_TYPE, {}));
    if ("status" in result) {
      parts.push(encode(BOOLEAN_TYPE, false), encode(STATUS_TYPE, result.status));
    } else {
      parts.push(encode(BOOLEAN_TYPE, true), encode(ERROR_TYPE, result.error));
    }
  }
  return concatBytes(parts);
}

/** Reads a HandshakeRequest. */
export function readHandshakeRequest(reader: AvroReader): HandshakeRequest {
  return reader.read<HandshakeRequest>(HANDSHAKE_REQUEST_TYPE, "handshake request");
}

/** Reads a HandshakeResponse. */
export function readHandshakeResponse(reader: AvroReader): HandshakeResponse {
  return reader.read<HandshakeResponse>(HANDSHAKE_RESPONSE_TYPE, "handshake response");
}

/** Reads a call's metadata and message name. */
export function readCallHeader(reader: AvroReader): string {
  reader.read(META_TYPE, "call metadata");
  return reader.read<string>(STRING_TYPE, "message name");
}

/** Reads the events of appendBatch (`batch`) or the one of append. */
export function readEvents(reader: AvroReader, batch: boolean): AvroFlumeEvent[] {
  const raw = batch
    ? reader.read<RawEvent[]>(EVENTS_TYPE, "appendBatch events")
    : [reader.read<RawEvent>(EVENT_TYPE, "append event")];
  return raw.map((e) => ({
    headers: { ...e.headers },
    body: new Uint8Array(e.body),
  }));
}

/** A response's status, or the text of the error the peer answered. */
export function readResult(reader: AvroReader): { status: AvroStatus } | { error: string } {
  reader.read(META_TYPE, "response metadata");
  if (reader.read<boolean>(BOOLEAN_TYPE, "error flag")) {
    return { error: String(reader.read<unknown>(ERROR_TYPE, "error")) };
  }
  return { status: reader.read<AvroStatus>(STATUS_TYPE, "status") };
}

interface RawEvent {
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}
