/**
 * The benchmark's messages and their WebSocket frames. Every message is
 * JSON of exactly `size` bytes with fixed-width fields, so that a frame can
 * be stamped in place and a sink can read the stamp without allocating:
 *
 *   {"ts":1795825304135234,"seq":"0000000042","pad":"xxxx…"}
 *
 * `ts` is the send time in whole microseconds since the epoch, always 16
 * digits (until the year 2286), from `epochMicros` (epoch_clock.ts); `seq`
 * counts from 0, zero-padded to 10 digits (a string, so that the padding
 * stays valid JSON); `pad` fills the message up to `size`.
 *
 * @module
 */

const ENCODER = new TextEncoder();
const DIGIT_0 = 48;
/** Where the 16 digits of `ts` start in a message. */
const TS_OFFSET = '{"ts":'.length;
const TS_DIGITS = 16;
/** Where the 10 digits of `seq` start in a message. */
const SEQ_OFFSET = TS_OFFSET + TS_DIGITS + ',"seq":"'.length;
const SEQ_DIGITS = 10;
const PAD_OFFSET = SEQ_OFFSET + SEQ_DIGITS + '","pad":"'.length;
/** The text/final-frame opcode byte of a server frame. */
const TEXT_FIN = 0x81;

/** The smallest message: every field, an empty pad. */
export const MIN_MESSAGE_SIZE: number = PAD_OFFSET + '"}'.length;

/** Bytes of a server frame header for a payload of `size` bytes. */
export function frameHeaderLength(size: number): number {
  return size < 126 ? 2 : size < 65536 ? 4 : 10;
}

/** Bytes of one whole frame carrying a message of `size` bytes. */
export function frameLength(size: number): number {
  return frameHeaderLength(size) + size;
}

/**
 * `count` unmasked text frames of `size`-byte messages, back to back,
 * numbered from `firstSeq`, each stamped `tsMicros` (restamp them with
 * {@linkcode stampFrame} to send them later).
 */
export function encodeFrames(
  count: number,
  size: number,
  options: { firstSeq?: number; tsMicros?: number } = {},
): Uint8Array {
  if (!Number.isInteger(size) || size < MIN_MESSAGE_SIZE || size >= 65536) {
    throw new RangeError(`Invalid message size "${size}": expected ${MIN_MESSAGE_SIZE}..65535`);
  }
  const frame = frameTemplate(size, options.tsMicros ?? 0);
  const out = new Uint8Array(frame.length * count);
  const firstSeq = options.firstSeq ?? 0;
  for (let i = 0; i < count; i++) {
    const at = i * frame.length;
    out.set(frame, at);
    writeDigits(out, at + frameHeaderLength(size) + SEQ_OFFSET, SEQ_DIGITS, firstSeq + i);
  }
  return out;
}

/** Where and how {@linkcode stampFrame} restamps a frame. */
export interface FrameStamp {
  /** Message size of the frames, in bytes. */
  readonly size: number;
  readonly seq: number;
  /** Microseconds since the epoch. */
  readonly tsMicros: number;
}

/**
 * Rewrites the `ts` and `seq` of the frame starting at `offset` in
 * `frames` (a buffer from {@linkcode encodeFrames} with `stamp.size`-byte
 * messages).
 */
export function stampFrame(frames: Uint8Array, offset: number, stamp: FrameStamp): void {
  const message = offset + frameHeaderLength(stamp.size);
  writeDigits(frames, message + TS_OFFSET, TS_DIGITS, stamp.tsMicros);
  writeDigits(frames, message + SEQ_OFFSET, SEQ_DIGITS, stamp.seq);
}

/**
 * The `ts` of a message body, in microseconds since the epoch; NaN when the
 * body is not one of these messages. Reads the digits in place: no
 * allocation.
 */
export function readTimestamp(body: Uint8Array): number {
  if (body.length < MIN_MESSAGE_SIZE) return NaN;
  let value = 0;
  for (let i = TS_OFFSET; i < TS_OFFSET + TS_DIGITS; i++) {
    const digit = body[i] - DIGIT_0;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** The `seq` of a message body; NaN when it has none. */
export function readSeq(body: Uint8Array): number {
  if (body.length < MIN_MESSAGE_SIZE) return NaN;
  let value = 0;
  for (let i = SEQ_OFFSET; i < SEQ_OFFSET + SEQ_DIGITS; i++) {
    const digit = body[i] - DIGIT_0;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** One frame (header + message with seq 0) stamped `tsMicros`. */
function frameTemplate(size: number, tsMicros: number): Uint8Array {
  const head = frameHeaderLength(size);
  const frame = new Uint8Array(head + size);
  frame[0] = TEXT_FIN;
  if (head === 2) frame[1] = size;
  else {
    frame[1] = 126;
    frame[2] = size >> 8;
    frame[3] = size & 0xff;
  }
  const text = `{"ts":${"0".repeat(TS_DIGITS)},"seq":"${"0".repeat(SEQ_DIGITS)}","pad":"` +
    "x".repeat(size - MIN_MESSAGE_SIZE) + '"}';
  frame.set(ENCODER.encode(text), head);
  writeDigits(frame, head + TS_OFFSET, TS_DIGITS, tsMicros);
  return frame;
}

/** Writes `value` as exactly `digits` decimal digits, zero-padded, at `at`. */
function writeDigits(out: Uint8Array, at: number, digits: number, value: number): void {
  let rest = Math.floor(value);
  for (let i = at + digits - 1; i >= at; i--) {
    out[i] = DIGIT_0 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
}
