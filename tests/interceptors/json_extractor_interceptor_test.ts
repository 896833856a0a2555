import { deepStrictEqual, notStrictEqual, strictEqual } from "node:assert/strict";
import { TextEvent } from "../../src/api/event.ts";
import { bytesEvent, chainOf } from "./_interceptors.ts";

/** A TextEvent that counts reads of its bytes, to show the text was used as it is. */
class CountingTextEvent extends TextEvent {
  bodyReads = 0;

  override get body(): Uint8Array {
    this.bodyReads++;
    return super.body;
  }
}

const TICKER = JSON.stringify({
  type: "ticker",
  product_id: "BTC-USD",
  price: 97000.5,
  live: true,
  data: { symbol: "BTC", tags: ["a", "b"], nested: { x: 1 }, nothing: null },
});

function extractor(props: Record<string, string>): ReturnType<typeof chainOf> {
  return chainOf({ i1: { type: "json_extractor", ...props } });
}

Deno.test("json_extractor copies top-level and nested fields, each to its header", () => {
  const chain = extractor({
    fields: "type product_id data.symbol",
    "header.data.symbol": "symbol",
  });
  const [out] = chain.run([bytesEvent(TICKER, { source: "ws" })]);
  deepStrictEqual(out.headers, {
    source: "ws",
    type: "ticker",
    product_id: "BTC-USD",
    symbol: "BTC",
  });
});

Deno.test("json_extractor writes non-strings as JSON text and sets nothing for missing fields", () => {
  const chain = extractor({
    fields: "price live data.tags data.nested data.nothing data.tags.1 missing data.symbol.deeper",
  });
  deepStrictEqual(chain.run([bytesEvent(TICKER)])[0].headers, {
    price: "97000.5",
    live: "true",
    "data.tags": '["a","b"]',
    "data.nested": '{"x":1}',
    "data.nothing": "null",
    "data.tags.1": "b",
  });
});

Deno.test("json_extractor passes a body that is not a JSON object unchanged, and counts it", () => {
  const chain = extractor({ fields: "type" });
  const headers = { source: "ws" };
  const events = ["not json", "[1,2]", '{"type": broken', "42", ""].map((b) =>
    bytesEvent(b, headers)
  );
  const out = chain.run(events);
  deepStrictEqual(out, events);
  strictEqual(out.every((e) => e.headers === headers), true, "headers objects untouched");
  strictEqual(chain.counters.get("JsonExtractorSkipCount"), 5);
  strictEqual(chain.counters.snapshot().JsonExtractorSkipCount, 5, "shown in /metrics");
  deepStrictEqual(chain.run([bytesEvent(' \n{"type":"t"}')])[0].headers, { type: "t" });
  strictEqual(chain.counters.get("JsonExtractorSkipCount"), 5);
});

Deno.test("json_extractor reads a TextEvent's text without encoding it, and gives it its own headers", () => {
  const shared = { source: "ws" };
  const events = [new CountingTextEvent(TICKER, shared), new CountingTextEvent(TICKER, shared)];
  const out = extractor({ fields: "type data.symbol" }).run(events);
  strictEqual(out[0], events[0], "the same event object");
  strictEqual(out[0] instanceof TextEvent, true);
  strictEqual(events[0].bodyReads + events[1].bodyReads, 0, "body bytes never made");
  deepStrictEqual(shared, { source: "ws" }, "the shared headers object is unchanged");
  notStrictEqual(out[0].headers, shared);
  notStrictEqual(out[0].headers, out[1].headers);
  deepStrictEqual(out[1].headers, { source: "ws", type: "ticker", "data.symbol": "BTC" });
});

Deno.test("json_extractor keeps existing headers only with preserveExisting=true", () => {
  const body = '{"type":"ticker"}';
  deepStrictEqual(extractor({ fields: "type" }).run([bytesEvent(body, { type: "x" })])[0].headers, {
    type: "ticker",
  });
  const preserving = extractor({ fields: "type", preserveExisting: "true" });
  deepStrictEqual(preserving.run([bytesEvent(body, { type: "x" })])[0].headers, { type: "x" });
});
