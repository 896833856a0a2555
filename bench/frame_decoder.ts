/**
 * Micro-benchmark of the frame decoder: 1,000,000 pre-encoded text frames
 * of 200 payload bytes (unmasked server frames, 4-byte header: 126 and a
 * 16-bit length) pushed in 64 KiB chunks,
 * so that most chunks end inside a frame. Prints frames per second of the
 * best of a few rounds.
 *
 * Run: `deno run bench/frame_decoder.ts [frames] [rounds]`
 *
 * @module
 */
import { FrameDecoder } from "../src/sources/websocket/frames.ts";

const PAYLOAD_BYTES = 200;
const FRAME_BYTES = PAYLOAD_BYTES + 4;
const CHUNK_BYTES = 64 * 1024;

/** `count` back-to-back text frames of `PAYLOAD_BYTES` ASCII bytes each. */
function encodeStream(count: number): Uint8Array {
  const stream = new Uint8Array(count * FRAME_BYTES);
  const encoder = new TextEncoder();
  for (let i = 0; i < count; i++) {
    const text = `{"seq":${i},"body":"`.padEnd(PAYLOAD_BYTES - 2, "x") + `"}`;
    const at = i * FRAME_BYTES;
    stream[at] = 0x81;
    stream[at + 1] = 126;
    stream[at + 2] = PAYLOAD_BYTES >>> 8;
    stream[at + 3] = PAYLOAD_BYTES & 0xff;
    encoder.encodeInto(text, stream.subarray(at + 4, at + FRAME_BYTES));
  }
  return stream;
}

/** The stream cut into `CHUNK_BYTES` views. */
function chunks(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < stream.length; at += CHUNK_BYTES) {
    out.push(stream.subarray(at, at + CHUNK_BYTES));
  }
  return out;
}

/** Decodes every chunk once; returns the messages seen and their total text length. */
function decodeAll(pieces: readonly Uint8Array[]): { messages: number; chars: number } {
  const decoder = new FrameDecoder({ maxMessageBytes: 64 * 1024 * 1024 });
  let messages = 0;
  let chars = 0;
  for (const piece of pieces) {
    for (const message of decoder.push(piece)) {
      messages++;
      if (message.kind === "text") chars += message.text.length;
    }
  }
  return { messages, chars };
}

/** Runs the benchmark and prints one line per round and the best. */
function main(args: readonly string[]): void {
  const count = Number(args[0] ?? 1_000_000);
  const rounds = Number(args[1] ?? 5);
  const pieces = chunks(encodeStream(count));
  let best = 0;
  for (let round = 1; round <= rounds; round++) {
    const start = performance.now();
    const { messages, chars } = decodeAll(pieces);
    const seconds = (performance.now() - start) / 1000;
    if (messages !== count || chars !== count * PAYLOAD_BYTES) {
      throw new Error(`Decoded ${messages} messages of ${chars} chars: expected ${count}`);
    }
    const rate = count / seconds;
    best = Math.max(best, rate);
    console.log(`round ${round}: ${Math.round(rate).toLocaleString("en")} frames/s`);
  }
  console.log(
    `frame decoder: ${Math.round(best).toLocaleString("en")} frames/s (best of ${rounds}, ` +
      `${count} text frames of ${PAYLOAD_BYTES} bytes in ${CHUNK_BYTES / 1024} KiB chunks)`,
  );
}

if (import.meta.main) main(Deno.args);
