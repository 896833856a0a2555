/** Reads big-endian values from bytes, as Java's DataInputStream; throws RangeError past the end. */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #offset: number;

  /** A reader of `bytes` from `offset`. */
  constructor(bytes: Uint8Array, offset = 0) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#offset = offset;
  }

  /** Where the next read starts. */
  get offset(): number {
    return this.#offset;
  }

  /** Moves to `offset` (within the bytes). */
  seek(offset: number): void {
    if (offset < 0 || offset > this.#bytes.length) throw new RangeError(`Invalid offset ${offset}`);
    this.#offset = offset;
  }

  /** Bytes left. */
  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  /** One unsigned byte. */
  u8(): number {
    return this.#view.getUint8(this.#advance(1));
  }

  /** An unsigned 16-bit integer. */
  u16(): number {
    return this.#view.getUint16(this.#advance(2));
  }

  /** An unsigned 32-bit integer. */
  u32(): number {
    return this.#view.getUint32(this.#advance(4));
  }

  /** A signed 32-bit integer. */
  i32(): number {
    return this.#view.getInt32(this.#advance(4));
  }

  /** A signed 64-bit integer (as a bigint). */
  i64(): bigint {
    return this.#view.getBigInt64(this.#advance(8));
  }

  /** The next `length` bytes (a view, not a copy). */
  bytes(length: number): Uint8Array {
    const start = this.#advance(length);
    return this.#bytes.subarray(start, start + length);
  }

  /** Java's writeUTF: a 16-bit length and modified UTF-8 (decoded as UTF-8). */
  utf(): string {
    return new TextDecoder().decode(this.bytes(this.u16()));
  }

  #advance(length: number): number {
    if (length < 0 || this.#offset + length > this.#bytes.length) {
      throw new RangeError(
        `Unexpected end of data: ${length} bytes needed at offset ${this.#offset}, ` +
          `${this.remaining} left`,
      );
    }
    const start = this.#offset;
    this.#offset += length;
    return start;
  }
}
