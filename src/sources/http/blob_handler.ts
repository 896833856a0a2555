import type { Event } from "../../api/event.ts";
import type { Log } from "../../api/log.ts";
import type { HttpHandler } from "./handler.ts";

/**
 * Flume's BlobHandler: the whole request body is one event's body, at most
 * `maxBlobLength` bytes (a longer body is truncated, with a warning, as
 * Flume does); the query parameters are its headers (the last value of a
 * repeated one wins). The body is held in memory.
 */
export class BlobHandler implements HttpHandler {
  readonly #maxBlobLength: number;
  readonly #log: Log;

  /** A handler keeping at most `maxBlobLength` bytes of a body. */
  constructor(maxBlobLength: number, log: Log) {
    this.#maxBlobLength = maxBlobLength;
    this.#log = log;
  }

  async events(request: Request): Promise<Event[]> {
    const headers: Record<string, string> = {};
    for (const [name, value] of new URL(request.url).searchParams) headers[name] = value;
    return [{ headers, body: await this.#readBody(request) }];
  }

  async #readBody(request: Request): Promise<Uint8Array> {
    if (!request.body) return new Uint8Array(0);
    const max = this.#maxBlobLength;
    const chunks: Uint8Array[] = [];
    let length = 0;
    const reader = request.body.getReader();
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        if (length + value.length > max) {
          chunks.push(value.subarray(0, max - length));
          length = max;
          this.#log.warn(
            `Request body exceeds handler.maxBlobLength (${max} bytes): BLOB event truncated`,
          );
          break;
        }
        chunks.push(value);
        length += value.length;
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
    const out = new Uint8Array(length);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}
