/**
 * The permessage-deflate extension of RFC 7692, client side: the offer,
 * the check of the server's answer, and the inflation of compressed
 * messages with a limit on the size of one inflated message. The client
 * sends its own (few, short) messages uncompressed, which the RFC allows,
 * so only the server's compressor matters.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import zlib from "node:zlib";
import { concatBytes } from "../../util/bytes.ts";
import { peerText } from "../../util/peer_text.ts";
import { type Message, ProtocolError, TOO_LARGE } from "./frames.ts";

/**
 * The `Sec-WebSocket-Extensions` offer: permessage-deflate, and the server
 * may limit our window (we do not compress, so any limit suits us).
 */
export const DEFLATE_OFFER = "permessage-deflate; client_max_window_bits";

/** The parameters the server answered with (RFC 7692 section 7.1). */
export interface DeflateParameters {
  /** The server starts each message with an empty window: we reset ours. */
  readonly serverNoContextTakeover: boolean;
  /** We must not keep our compressor's window (we send uncompressed: nothing to do). */
  readonly clientNoContextTakeover: boolean;
  /** The server's LZ77 window, 8 to 15 bits (inflating with 15 handles any). */
  readonly serverMaxWindowBits?: number;
  /** The window our compressor may use (we send uncompressed: nothing to do). */
  readonly clientMaxWindowBits?: number;
}

/** The four bytes a sender strips from the end of each compressed message (RFC 7692 7.2.1). */
const TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

/**
 * Reads the server's `Sec-WebSocket-Extensions` answer to our offer: none
 * (the server declined: the connection goes on uncompressed), one
 * permessage-deflate with valid parameters, or a reason to fail the
 * handshake (an extension we did not offer, a repeated, unknown or
 * malformed parameter).
 */
export function deflateAnswer(
  elements: readonly string[],
): { readonly accepted: DeflateParameters | undefined } | { readonly reason: string } {
  if (elements.length === 0) return { accepted: undefined };
  if (elements.length > 1) {
    return {
      reason: `The server chose several extensions "${peerText(elements.join(", "))}" ` +
        "where the client offered only permessage-deflate (RFC 7692 section 5)",
    };
  }
  const [name, ...params] = elements[0].split(";").map((part) => part.trim());
  if (name.toLowerCase() !== "permessage-deflate") {
    return {
      reason: `The server chose the extension "${peerText(elements[0])}", ` +
        "which the client did not ask for (RFC 6455 section 4.1)",
    };
  }
  const seen = new Set<string>();
  let serverNoContextTakeover = false;
  let clientNoContextTakeover = false;
  let serverMaxWindowBits: number | undefined;
  let clientMaxWindowBits: number | undefined;
  for (const param of params) {
    const eq = param.indexOf("=");
    const key = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase();
    const rawValue = eq < 0 ? undefined : param.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
    const bad = (why: string): { reason: string } => ({
      reason: `The server's permessage-deflate parameter "${peerText(param)}" ${why} ` +
        "(RFC 7692 section 7.1)",
    });
    if (seen.has(key)) return bad("is repeated");
    seen.add(key);
    switch (key) {
      case "server_no_context_takeover":
      case "client_no_context_takeover":
        if (rawValue !== undefined) return bad("takes no value");
        if (key === "server_no_context_takeover") serverNoContextTakeover = true;
        else clientNoContextTakeover = true;
        break;
      case "server_max_window_bits":
      case "client_max_window_bits": {
        if (rawValue === undefined || !/^(?:8|9|1[0-5])$/.test(rawValue)) {
          return bad("needs a window size of 8 to 15 bits");
        }
        if (key === "server_max_window_bits") serverMaxWindowBits = Number(rawValue);
        else clientMaxWindowBits = Number(rawValue);
        break;
      }
      default:
        return bad("is unknown");
    }
  }
  return {
    accepted: {
      serverNoContextTakeover,
      clientNoContextTakeover,
      serverMaxWindowBits,
      clientMaxWindowBits,
    },
  };
}

/** Options of a {@linkcode MessageInflater}. */
export interface MessageInflaterOptions {
  /** The most bytes one message may inflate to; past it the message fails with 1009. */
  readonly maxMessageBytes: number;
  /** Start every message with an empty window (the server's server_no_context_takeover). */
  readonly noContextTakeover: boolean;
}

/**
 * Inflates one connection's compressed messages, in order, through one
 * raw-deflate stream whose window carries over from message to message
 * (context takeover) unless the server said otherwise. The output is
 * counted as it comes, in zlib's 16 KiB chunks, and the stream is dropped
 * as soon as a message passes the limit: a small message that inflates to
 * gigabytes (a zip bomb) never gets more than the limit in memory.
 */
export class MessageInflater {
  readonly #options: MessageInflaterOptions;
  #stream: zlib.InflateRaw | undefined;
  /** Inflations run one at a time, in the order asked. */
  #queue: Promise<unknown> = Promise.resolve();

  /** An inflater for one connection. */
  constructor(options: MessageInflaterOptions) {
    this.#options = options;
  }

  /**
   * The message `compressed` (the payload of a message whose first frame
   * had RSV1 set, all fragments joined) stands for, as text or binary.
   *
   * @throws {ProtocolError} 1009 past maxMessageBytes, 1007 for data that
   * does not inflate or text that is not UTF-8.
   */
  inflate(compressed: Uint8Array, binary: boolean): Promise<Message> {
    const next = this.#queue.then(() => this.#inflate(compressed)).then((bytes) =>
      binary
        ? { kind: "binary" as const, data: bytes }
        : { kind: "text" as const, text: utf8(bytes) }
    );
    this.#queue = next.catch(() => {});
    return next;
  }

  /** Frees the zlib stream. */
  close(): void {
    this.#stream?.destroy();
    this.#stream = undefined;
  }

  #open(): zlib.InflateRaw {
    const stream = zlib.createInflateRaw();
    stream.on("error", () => {}); // reported by the inflation that caused it; never unhandled
    this.#stream = stream;
    return stream;
  }

  /**
   * The stream for the next message. A message may end with a final deflate
   * block (RFC 7692 section 7.2.3.3), which ends a zlib stream: the next
   * message then needs a fresh one (its window starts empty, as the
   * server's own did after a final block).
   */
  #current(): zlib.InflateRaw {
    const stream = this.#stream;
    if (stream && !stream.writableEnded && !stream.destroyed && !stream.readableEnded) {
      return stream;
    }
    this.close();
    return this.#open();
  }

  #inflate(compressed: Uint8Array): Promise<Uint8Array> {
    const max = this.#options.maxMessageBytes;
    const stream = this.#current();
    return new Promise<Uint8Array>((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      let total = 0;
      let settled = false;
      let ended = false;
      const onEnd = (): void => {
        ended = true;
      };
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        stream.off("end", onEnd);
        stream.off("data", onData);
        stream.off("error", onError);
        return true;
      };
      const fail = (err: ProtocolError): void => {
        if (!settle()) return;
        this.close(); // the connection ends: nothing more is inflated
        reject(err);
      };
      const onData = (chunk: Uint8Array): void => {
        total += chunk.length;
        if (total > max) {
          fail(
            new ProtocolError(
              1009,
              `The server sent a compressed message inflating to ${TOO_LARGE} ${max}`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      };
      const onError = (err: Error): void => {
        fail(
          new ProtocolError(
            1007,
            `The server sent a compressed message that does not inflate: ${
              peerText(err.message)
            } (RFC 7692 section 7.2.2)`,
          ),
        );
      };
      stream.on("end", onEnd);
      stream.on("data", onData);
      stream.on("error", onError);
      // A data error reaches the write callbacks before the flush callback runs.
      const written = (err?: Error | null): void => {
        if (err) onError(err);
      };
      stream.write(
        Buffer.from(compressed.buffer, compressed.byteOffset, compressed.length),
        written,
      );
      stream.write(Buffer.from(TAIL), written);
      stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        if (!settle()) return;
        // A fresh window for the next: asked for, or this message ended the zlib stream.
        if (this.#options.noContextTakeover || ended) this.close();
        // One chunk is a view of zlib's output buffer: copied, as concatBytes copies several.
        resolve(chunks.length === 1 ? new Uint8Array(chunks[0]) : concatBytes(chunks));
      });
    });
  }
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Inflated text as a string; ProtocolError 1007 when it is not UTF-8. */
function utf8(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw new ProtocolError(
      1007,
      "The server sent a compressed text message that is not valid UTF-8",
    );
  }
}
