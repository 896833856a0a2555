import { deepStrictEqual } from "node:assert/strict";
import { Utf8Buffer } from "../../src/sinks/serializers/utf8_buffer.ts";

Deno.test("Utf8Buffer encodes exactly as TextEncoder, across every growth", async (t) => {
  const encoder = new TextEncoder();
  const pieces = [
    "plain ascii ",
    "é ü ß ",
    "€ ✓ 日本語 ",
    "😀🎉 pairs ",
    "\u0000 nul ",
    "x".repeat(5000),
  ];

  await t.step("texts and bytes, in order, from a tiny first buffer", () => {
    const out = new Utf8Buffer(1);
    let expected = "";
    for (let round = 0; round < 50; round++) {
      for (const piece of pieces) {
        out.write(piece);
        out.writeBytes(Uint8Array.of(0x0a));
        expected += piece + "\n";
      }
    }
    deepStrictEqual(out.bytes(), encoder.encode(expected));
  });

  await t.step("a surrogate pair that meets the end of the room is not split", () => {
    for (let room = 64; room < 80; room++) {
      const out = new Utf8Buffer(room);
      const text = "a".repeat(room - 2) + "😀".repeat(40);
      out.write(text);
      deepStrictEqual(out.bytes(), encoder.encode(text));
    }
  });

  await t.step("a lone surrogate becomes U+FFFD, as TextEncoder makes it", () => {
    const out = new Utf8Buffer(64);
    out.write("a\uD800b");
    deepStrictEqual(out.bytes(), encoder.encode("a\uD800b"));
  });
});
