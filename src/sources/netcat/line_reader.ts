import { concatBytes } from "../../util/bytes.ts";

/** What one chunk of a netcat connection gave. */
export interface LineChunk {
  /** The complete lines, without their `\n` (a `\r` before it stays, as in Flume). */
  readonly lines: Uint8Array[];
  /** True when a line is longer than the limit: the connection must end. */
  readonly overflow: boolean;
}

/**
 * Splits a byte stream into lines ending at `\n`, as Flume's NetcatSource
 * does: a line may hold at most `maxLineLength` bytes including its
 * newline, so its body is at most `maxLineLength - 1` bytes; a longer one
 * is an overflow, after the lines before it. Bytes after the last newline
 * wait for the next chunk.
 */
export class LineReader {
  readonly #max: number;
  #pending: Uint8Array = new Uint8Array(0);

  /** A reader for lines of at most `maxLineLength` bytes, newline included. */
  constructor(maxLineLength: number) {
    this.#max = maxLineLength;
  }

  /** Bytes read after the last newline (a line not ended yet). */
  get pending(): number {
    return this.#pending.length;
  }

  /** Adds a chunk (copied) and returns the lines it completed. */
  push(chunk: Uint8Array): LineChunk {
    const data = this.#pending.length === 0 ? chunk : concatBytes([this.#pending, chunk]);
    const lines: Uint8Array[] = [];
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
      if (nl - start + 1 > this.#max) return this.#overflow(lines);
      lines.push(data.slice(start, nl));
      start = nl + 1;
    }
    if (data.length - start >= this.#max) return this.#overflow(lines);
    this.#pending = data.slice(start);
    return { lines, overflow: false };
  }

  #overflow(lines: Uint8Array[]): LineChunk {
    this.#pending = new Uint8Array(0);
    return { lines, overflow: true };
  }
}
