import { deepStrictEqual, equal } from "node:assert/strict";
import { type Event, textEvent } from "../../src/api/event.ts";
import { BodyTextSerializer } from "../../src/sinks/serializers/body_text_serializer.ts";
import { JsonSerializer } from "../../src/sinks/serializers/json_serializer.ts";
import { findSerializer, serializerNames } from "../../src/sinks/serializers/mod.ts";
import type { EventSerializer } from "../../src/sinks/serializers/mod.ts";

/** The bytes `serializer` writes for `events`, as one array. */
function bytes(serializer: EventSerializer, events: readonly Event[]): number[] {
  const out: Uint8Array[] = [];
  for (const e of events) serializer.write(e, out);
  return out.flatMap((c) => [...c]);
}

Deno.test("serializers are found by name or alias in any case", () => {
  equal(findSerializer("TEXT")?.name, "TEXT");
  equal(findSerializer("text")?.name, "TEXT");
  equal(findSerializer(" Text ")?.name, "TEXT");
  equal(
    findSerializer("org.apache.flume.serialization.BodyTextEventSerializer$Builder")?.name,
    "TEXT",
  );
  equal(findSerializer("JSON")?.name, "json");
  equal(findSerializer("avro_event"), undefined);
  equal(findSerializer("header_and_text"), undefined);
  equal(serializerNames(), "TEXT, json");
});

Deno.test("TEXT writes the body bytes as they are, headers ignored", async (t) => {
  const events = [
    { headers: { k: "v" }, body: Uint8Array.of(0x61, 0x0a, 0xff) },
    textEvent(""),
    textEvent("z"),
  ];
  await t.step("with a newline after each body by default", () => {
    deepStrictEqual(
      bytes(new BodyTextSerializer({ appendNewline: true }), events),
      [0x61, 0x0a, 0xff, 0x0a, 0x0a, 0x7a, 0x0a],
    );
  });
  await t.step("and nothing added with appendNewline = false", () => {
    deepStrictEqual(
      bytes(new BodyTextSerializer({ appendNewline: false }), events),
      [0x61, 0x0a, 0xff, 0x7a],
    );
  });
});

Deno.test("json writes one object per line, restoring every body exactly", async (t) => {
  const serializer = new JsonSerializer();
  const text = (events: Event[]): string =>
    new TextDecoder().decode(Uint8Array.from(bytes(serializer, events)));

  await t.step("a UTF-8 body is text, with its headers", () => {
    equal(
      text([textEvent('é "quoted"\nline', { host: "h1", "a b": "=" })]),
      '{"headers":{"host":"h1","a b":"="},"body":"é \\"quoted\\"\\nline"}\n',
    );
    equal(text([textEvent("")]), '{"headers":{},"body":""}\n');
  });

  await t.step("a body that is not UTF-8 is base64 with bodyEncoding", () => {
    const body = Uint8Array.of(0xff, 0x00, 0xc3); // 0xff is never UTF-8; 0xc3 is cut short
    equal(
      text([{ headers: { t: "bin" }, body }]),
      '{"headers":{"t":"bin"},"body":"/wDD","bodyEncoding":"base64"}\n',
    );
  });

  await t.step("every line parses and gives the original bytes back", () => {
    const bodies = [
      Uint8Array.of(0xef, 0xbb, 0xbf, 0x41), // a BOM is kept, not swallowed
      Uint8Array.of(0xed, 0xa0, 0x80), // an encoded surrogate is not valid UTF-8
      new TextEncoder().encode("\u2028 \u0000 😀"),
      Uint8Array.of(0x80),
    ];
    const lines = text(bodies.map((body) => ({ headers: {}, body }))).split("\n");
    equal(lines.pop(), "");
    const restored = lines.map((line) => {
      const o = JSON.parse(line);
      return o.bodyEncoding === "base64"
        ? Uint8Array.fromBase64(o.body)
        : new TextEncoder().encode(o.body);
    });
    deepStrictEqual(restored, bodies);
    deepStrictEqual(lines.map((l) => "bodyEncoding" in JSON.parse(l)), [false, true, false, true]);
  });
});
