import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  encodeFrames,
  frameHeaderLength,
  frameLength,
  MIN_MESSAGE_SIZE,
  readSeq,
  readTimestamp,
  stampFrame,
} from "../../bench/message_format.ts";
import { LatencyRecorder } from "../../bench/latency_recorder.ts";

Deno.test("bench messages are JSON of exactly the size, in frames that stamp in place", async (t) => {
  for (const size of [MIN_MESSAGE_SIZE, 125, 200, 2048]) {
    await t.step(`${size} bytes`, () => {
      const frames = encodeFrames(3, size, { firstSeq: 41, tsMicros: 1795825304135234 });
      strictEqual(frames.length, 3 * frameLength(size));
      const messages = parseServerFrames(frames);
      deepStrictEqual(messages.map((m) => m.length), [size, size, size]);
      const parsed = JSON.parse(new TextDecoder().decode(messages[2]));
      strictEqual(parsed.ts, 1795825304135234);
      strictEqual(parsed.seq, "0000000043");
      strictEqual(readSeq(messages[0]), 41);

      stampFrame(frames, frameLength(size), { size, seq: 7, tsMicros: 1795825304999999 });
      const restamped = parseServerFrames(frames)[1];
      strictEqual(readTimestamp(restamped), 1795825304999999);
      strictEqual(readSeq(restamped), 7);
    });
  }
  strictEqual(frameHeaderLength(125), 2);
  strictEqual(frameHeaderLength(126), 4);
  strictEqual(readTimestamp(new TextEncoder().encode('{"ts":"not a number"…}'.padEnd(80))), NaN);
});

Deno.test("latency recorder gives exact percentiles and counts what did not fit", () => {
  const recorder = new LatencyRecorder(100);
  for (let i = 100; i >= 1; i--) recorder.record(i * 1000); // 1..100 ms, in reverse
  recorder.record(5);
  recorder.record(NaN);
  const summary = recorder.summary();
  strictEqual(summary.count, 100);
  strictEqual(summary.overflow, 1);
  strictEqual(summary.unreadable, 1);
  strictEqual(summary.p50Ms, 50);
  strictEqual(summary.p99Ms, 99);
  strictEqual(summary.maxMs, 100);
  strictEqual(summary.meanMs, 50.5);
});

/** Splits unmasked server frames (as the bench sender writes them) into their payloads. */
function parseServerFrames(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length;) {
    let length = bytes[at + 1] & 0x7f;
    let head = 2;
    if (length === 126) {
      length = (bytes[at + 2] << 8) | bytes[at + 3];
      head = 4;
    }
    out.push(bytes.subarray(at + head, at + head + length));
    at += head + length;
  }
  return out;
}
