import { strictEqual } from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { md5, md5Iterate } from "../../src/tls/_md5.ts";

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

Deno.test("md5 matches node:crypto for every length across block boundaries", () => {
  strictEqual(hex(md5(new Uint8Array())), "d41d8cd98f00b204e9800998ecf8427e");
  for (let length = 1; length <= 200; length++) {
    const data = Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff);
    strictEqual(hex(md5(data)), createHash("md5").update(data).digest("hex"), `length ${length}`);
  }
});

Deno.test("md5Iterate chains h = MD5(h ‖ suffix) as JCEKS's key derivation does", () => {
  const seed = Uint8Array.of(1, 2, 3, 4);
  const suffix = new TextEncoder().encode("changeit");
  let expected: Uint8Array = seed;
  for (let i = 0; i < 1000; i++) {
    expected = createHash("md5").update(expected).update(suffix).digest();
  }
  strictEqual(hex(md5Iterate(seed, suffix, 1000)), hex(expected));
  strictEqual(hex(md5Iterate(seed, suffix, 0)), hex(seed));
});
