/**
 * The request body of the HTTP sink's batch mode: several events in one
 * body. Pure: no I/O.
 *
 * @module
 */
import type { Event } from "../api/event.ts";
import { JsonSerializer } from "./serializers/json_serializer.ts";

/** How a batch of events becomes one request body. */
export type BatchFormat = "json" | "ndjson" | "lines";

/** Every batch format, the default first. */
export const BATCH_FORMATS: readonly BatchFormat[] = ["json", "ndjson", "lines"];

/** The Content-Type each format is sent with unless `contentTypeHeader` is set. */
export const BATCH_CONTENT_TYPES: Readonly<Record<BatchFormat, string>> = {
  json: "application/json",
  ndjson: "application/x-ndjson",
  lines: "text/plain",
};

const NEWLINE = 0x0a;

/**
 * Encodes batches in one format:
 * - `json`: a JSON array of the json serializer's objects,
 *   `[{"headers":{…},"body":"text"},…]`, with
 *   `"bodyEncoding":"base64"` on an object whose body is not UTF-8 (the
 *   array Flume's HTTP source JSONHandler reads);
 * - `ndjson`: the same objects, one per line, each ending in `\n` (exactly
 *   what the file_roll sink's json serializer writes);
 * - `lines`: each event's body bytes as they are, each followed by `\n`
 *   (NDJSON when the bodies are JSON documents).
 */
export class BatchBodyEncoder {
  readonly format: BatchFormat;
  readonly #json: JsonSerializer = new JsonSerializer();
  readonly #encoder: TextEncoder = new TextEncoder();

  /** An encoder for `format`. */
  constructor(format: BatchFormat) {
    this.format = format;
  }

  /** One request body holding `events`, in order. */
  encode(events: readonly Event[]): Uint8Array {
    switch (this.format) {
      case "json":
        return this.#encoder.encode(
          `[${events.map((e) => JSON.stringify(this.#json.line(e))).join(",")}]`,
        );
      case "ndjson":
        return this.#encoder.encode(
          events.map((e) => `${JSON.stringify(this.#json.line(e))}\n`).join(""),
        );
      case "lines":
        return joinLines(events);
    }
  }
}

/** The bodies, each followed by a newline, in one buffer. */
function joinLines(events: readonly Event[]): Uint8Array {
  const size = events.reduce((n, e) => n + e.body.byteLength + 1, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const { body } of events) {
    out.set(body, at);
    at += body.byteLength;
    out[at++] = NEWLINE;
  }
  return out;
}
