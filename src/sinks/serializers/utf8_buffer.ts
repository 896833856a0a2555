/** Bytes per UTF-16 code unit at most, in UTF-8. */
const MAX_BYTES_PER_UNIT = 3;

/** Bytes a buffer keeps for its next use at most; a larger one is let go at reset(). */
const MAX_KEPT_BYTES = 32 * 1024 * 1024;

/**
 * A growing byte buffer that strings are encoded straight into (UTF-8,
 * `encodeInto`): a batch of events becomes one byte array without one big
 * string being built, flattened and encoded at the end. Reused from batch
 * to batch (`reset`), it also spares the page faults of a fresh array the
 * size of a batch each time.
 */
export class Utf8Buffer {
  readonly #encoder = new TextEncoder();
  #bytes: Uint8Array;
  #length = 0;

  /** A buffer with room for about `initialBytes`. */
  constructor(initialBytes = 4096) {
    this.#bytes = new Uint8Array(Math.max(64, initialBytes));
  }

  /** Empties the buffer for the next batch, with room for about `bytes`. */
  reset(bytes: number): void {
    this.#length = 0;
    if (this.#bytes.length > MAX_KEPT_BYTES && bytes <= MAX_KEPT_BYTES) {
      this.#bytes = new Uint8Array(Math.max(64, bytes));
    } else {
      this.#reserve(bytes);
    }
  }

  /** Appends the UTF-8 encoding of `text`. */
  write(text: string): void {
    // Try in the room there is; only a text that may not fit grows the buffer first.
    if (this.#bytes.length - this.#length < text.length * MAX_BYTES_PER_UNIT) {
      const result = this.#encoder.encodeInto(text, this.#bytes.subarray(this.#length));
      if (result.read === text.length) {
        this.#length += result.written;
        return;
      }
      this.#length += result.written;
      this.#reserve((text.length - result.read) * MAX_BYTES_PER_UNIT);
      this.#length += this.#encoder.encodeInto(
        text.slice(result.read),
        this.#bytes.subarray(this.#length),
      ).written;
      return;
    }
    this.#length += this.#encoder.encodeInto(text, this.#bytes.subarray(this.#length)).written;
  }

  /** Appends `bytes` as they are. */
  writeBytes(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#bytes.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** The bytes written so far: a view, valid until the next reset() or write. */
  bytes(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  #reserve(more: number): void {
    const needed = this.#length + more;
    if (needed <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(needed, Math.ceil(this.#bytes.length * 1.5)));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }
}
