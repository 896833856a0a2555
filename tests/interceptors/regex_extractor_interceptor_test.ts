import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { TextEvent } from "../../src/api/event.ts";
import { bytesEvent, chainOf } from "./_interceptors.ts";

const MILLIS = "org.apache.flume.interceptor.RegexExtractorInterceptorMillisSerializer";

/** The guide's Example 2, with `extra` serializer properties. */
function millisChain(extra: Record<string, string> = {}): ReturnType<typeof chainOf> {
  return chainOf({
    i1: {
      type: "regex_extractor",
      regex: "^(?:\\\\n)?(\\\\d\\\\d\\\\d\\\\d-\\\\d\\\\d-\\\\d\\\\d\\\\s\\\\d\\\\d:\\\\d\\\\d)",
      serializers: "s1",
      "serializers.s1.type": MILLIS,
      "serializers.s1.name": "timestamp",
      "serializers.s1.pattern": "yyyy-MM-dd HH:mm",
      ...extra,
    },
  });
}

Deno.test("regex_extractor maps match groups to the serializers' headers (the guide's Example 1)", () => {
  const chain = chainOf({
    i1: {
      type: "regex_extractor",
      regex: "(\\\\d):(\\\\d):(\\\\d)",
      serializers: "s1 s2 s3",
      "serializers.s1.name": "one",
      "serializers.s2.name": "two",
      "serializers.s3.name": "three",
    },
  });
  const event = bytesEvent("1:2:3.4foobar5", { kept: "yes" });
  const [out] = chain.run([event]);
  deepStrictEqual(out.headers, { kept: "yes", one: "1", two: "2", three: "3" });
  deepStrictEqual(new TextDecoder().decode(out.body), "1:2:3.4foobar5", "same body");
});

Deno.test("regex_extractor's millis serializer reads the guide's Example 2 date as UTC by default", () => {
  const [out] = millisChain().run([new TextEvent("2012-10-18 18:47:57,614 some log line")]);
  deepStrictEqual(out.headers, { timestamp: String(Date.UTC(2012, 9, 18, 18, 47)) });
});

Deno.test("regex_extractor's millis serializer in the guide's zone gives the guide's 1350611220000", () => {
  const chain = millisChain({ "serializers.s1.timeZone": "America/Los_Angeles" });
  const [out] = chain.run([new TextEvent("2012-10-18 18:47:57,614 some log line")]);
  deepStrictEqual(out.headers, { timestamp: "1350611220000" });
  const fixed = millisChain({ "serializers.s1.timeZone": "+02:00" });
  deepStrictEqual(fixed.run([new TextEvent("2012-10-18 18:47")])[0].headers, {
    timestamp: String(Date.UTC(2012, 9, 18, 16, 47)),
  });
});

Deno.test("regex_extractor counts a value the millis serializer cannot read and sets no header", () => {
  const chain = millisChain();
  const [out] = chain.run([bytesEvent("2012-13-45 18:47 month 13")]);
  deepStrictEqual(out.headers, {});
  strictEqual(chain.counters.get("RegexExtractorSkipCount"), 1);
});

Deno.test("regex_extractor leaves events without a match, and groups without a serializer, alone", () => {
  const chain = chainOf({
    i1: {
      type: "org.apache.flume.interceptor.RegexExtractorInterceptor$Builder",
      regex: "(\\\\w+)=(\\\\w+)(x)?",
      serializers: "s1",
      "serializers.s1.name": "key",
      "serializers.s1.type": "default",
    },
  });
  const headers = { a: "1" };
  const out = chain.run([bytesEvent("no match here!", headers), bytesEvent("k=v")]);
  strictEqual(out[0].headers, headers, "unmatched event keeps its headers object");
  deepStrictEqual(out[1].headers, { key: "k" });
});

Deno.test("regex_extractor sets nothing for a group that took no part in the match", () => {
  const chain = chainOf({
    i1: {
      type: "regex_extractor",
      regex: "(a)|(b)",
      serializers: "s1 s2",
      "serializers.s1.name": "first",
      "serializers.s2.name": "second",
    },
  });
  deepStrictEqual(chain.run([bytesEvent("b")])[0].headers, { second: "b" });
});

Deno.test("regex_extractor overwrites existing headers and never mutates a shared headers object", () => {
  const shared = { one: "old" };
  const chain = chainOf({
    i1: {
      type: "regex_extractor",
      regex: "(\\\\d)",
      serializers: "s1",
      "serializers.s1.name": "one",
    },
  });
  const out = chain.run([new TextEvent("7", shared), new TextEvent("8", shared)]);
  deepStrictEqual(shared, { one: "old" });
  deepStrictEqual(out.map((e) => e.headers.one), ["7", "8"]);
});
