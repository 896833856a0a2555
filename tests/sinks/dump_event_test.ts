import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { dumpEvent } from "../../src/sinks/dump_event.ts";

interface GoldenCase {
  name: string;
  bodyHex: string;
  headers: [string, string][];
  maxBytes: number | null;
  dump: string;
}

/** Cases printed by Apache Flume 1.10.1's own EventHelper (see generate.sh). */
async function goldenCases(): Promise<GoldenCase[]> {
  const url = new URL("../fixtures/dump_event/golden.jsonl", import.meta.url);
  const text = await Deno.readTextFile(url);
  return text.trim().split("\n").map((line) => JSON.parse(line) as GoldenCase);
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

Deno.test("dumpEvent prints exactly what Flume's EventHelper.dumpEvent prints", async (t) => {
  const cases = await goldenCases();
  deepStrictEqual(
    ["0 bytes", "1 byte", "13 bytes", "16 bytes", "17 bytes", "40 bytes", "non-printable"].every(
      (prefix) => cases.some((c) => c.name.startsWith(prefix)),
    ),
    true,
    "the golden file covers 0, 1, 13, 16, 17 and 40 bytes and non-printable bytes",
  );
  for (const c of cases) {
    await t.step(c.name, () => {
      const event = { headers: Object.fromEntries(c.headers), body: fromHex(c.bodyHex) };
      const dump = c.maxBytes === null ? dumpEvent(event) : dumpEvent(event, c.maxBytes);
      strictEqual(dump, c.dump);
    });
  }
});

Deno.test("dumpEvent matches the user guide's Hello world line", () => {
  const body = new TextEncoder().encode("Hello world!\r");
  strictEqual(
    `Event: ${dumpEvent({ headers: {}, body })}`,
    "Event: { headers:{} body: 48 65 6C 6C 6F 20 77 6F 72 6C 64 21 0D          Hello world!. }",
  );
});
