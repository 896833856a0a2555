import type { ByteStream } from "../../avro/byte_stream.ts";
import {
  AvroReader,
  encodeEvents,
  encodeRequest,
  readHandshakeResponse,
  readResult,
} from "../../avro/call.ts";
import { FramedConnection } from "../../avro/framed_connection.ts";
import type { HandshakeRequest } from "../../avro/handshake.ts";
import {
  type AvroFlumeEvent,
  type AvroStatus,
  PROTOCOL_MD5,
  PROTOCOL_TEXT,
} from "../../avro/protocol.ts";

/** Thrown when a call did not get its answer in time. */
export class RequestTimeoutError extends Error {
  override name = "RequestTimeoutError";
}

/** Timeouts of an {@linkcode AvroRpcClient}. */
export interface AvroRpcClientOptions {
  /** Milliseconds for the first call, which carries the handshake (`connect-timeout`). */
  readonly handshakeTimeoutMs: number;
  /** Milliseconds for every later call (`request-timeout`). */
  readonly requestTimeoutMs: number;
}

/**
 * Flume's NettyAvroRpcClient, one connection: calls `appendBatch` on the
 * peer's `AvroSourceProtocol` and answers its Status. The first call
 * carries the Avro handshake (our protocol's MD5, and the protocol itself
 * when the peer answers NONE). Calls run one at a time; a timeout or a
 * broken connection throws, and the connection is unusable after.
 */
export class AvroRpcClient {
  readonly #connection: FramedConnection;
  readonly #options: AvroRpcClientOptions;
  #serial = 0;
  #handshaken = false;
  #broken = false;
  #calling: Promise<unknown> = Promise.resolve();

  /** A client over an open connection. */
  constructor(stream: ByteStream, options: AvroRpcClientOptions) {
    this.#connection = new FramedConnection(stream);
    this.#options = options;
  }

  /** False once a call failed or close() ran. */
  get usable(): boolean {
    return !this.#broken;
  }

  /** Sends `events` in one appendBatch; resolves with the peer's Status. */
  appendBatch(events: readonly AvroFlumeEvent[]): Promise<AvroStatus> {
    const params = encodeEvents(events);
    const call = this.#calling.then(() => this.#call("appendBatch", params));
    this.#calling = call.catch(() => {});
    return call;
  }

  /** Closes the connection. */
  close(): void {
    this.#broken = true;
    this.#connection.close();
  }

  async #call(message: string, params: Uint8Array): Promise<AvroStatus> {
    if (this.#broken) throw new Error("The connection is closed");
    const timeout = this.#handshaken
      ? this.#options.requestTimeoutMs
      : this.#options.handshakeTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new RequestTimeoutError(`No answer to ${message} within ${timeout} ms`));
      }, timeout);
    });
    try {
      return await Promise.race([this.#exchange(message, params), timedOut]);
    } catch (err) {
      this.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  async #exchange(message: string, params: Uint8Array): Promise<AvroStatus> {
    let handshake: HandshakeRequest | undefined = this.#handshaken ? undefined : {
      clientHash: PROTOCOL_MD5,
      clientProtocol: null,
      serverHash: PROTOCOL_MD5,
      meta: null,
    };
    for (let attempt = 0;; attempt++) {
      const reader = await this.#roundTrip(encodeRequest({ handshake, message, params }));
      if (handshake) {
        const answer = readHandshakeResponse(reader);
        if (answer.match === "NONE") {
          // The peer does not know our protocol's hash: send the protocol itself.
          if (attempt > 0) throw new Error("The peer refused the Avro handshake");
          handshake = { ...handshake, clientProtocol: PROTOCOL_TEXT };
          if (answer.serverHash) handshake = { ...handshake, serverHash: answer.serverHash };
          continue;
        }
        this.#handshaken = true;
      }
      const result = readResult(reader);
      if ("error" in result) throw new Error(`The peer failed ${message}: ${result.error}`);
      return result.status;
    }
  }

  async #roundTrip(payload: Uint8Array): Promise<AvroReader> {
    const serial = ++this.#serial;
    await this.#connection.send(serial, payload);
    for (;;) {
      const frame = await this.#connection.receive();
      if (frame === null) throw new Error("The peer closed the connection");
      if (frame.serial === serial) return new AvroReader(frame.payload);
    }
  }
}
