import { deepStrictEqual } from "node:assert/strict";
import { bytesEvent, chainOf } from "./_interceptors.ts";

Deno.test("static adds the configured header to every event (the guide's example)", () => {
  const chain = chainOf({ i1: { type: "static", key: "datacenter", value: "NEW_YORK" } });
  const out = chain.run([bytesEvent("a"), bytesEvent("b", { n: "2" })]);
  deepStrictEqual(out.map((e) => e.headers), [
    { datacenter: "NEW_YORK" },
    { n: "2", datacenter: "NEW_YORK" },
  ]);
});

Deno.test("static defaults to key=value", () => {
  deepStrictEqual(chainOf({ i1: { type: "static" } }).run([bytesEvent("a")])[0].headers, {
    key: "value",
  });
});

Deno.test("static preserves an existing header by default, and overwrites it when preserveExisting=false", () => {
  const preserve = chainOf({ i1: { type: "static", key: "dc", value: "NEW_YORK" } });
  deepStrictEqual(preserve.run([bytesEvent("a", { dc: "PARIS" })])[0].headers, { dc: "PARIS" });
  const overwrite = chainOf({
    i1: { type: "static", key: "dc", value: "NEW_YORK", preserveExisting: "false" },
  });
  deepStrictEqual(overwrite.run([bytesEvent("a", { dc: "PARIS" })])[0].headers, {
    dc: "NEW_YORK",
  });
});

Deno.test("static interceptors chain, one header each, in the listed order", () => {
  const chain = chainOf({
    i1: { type: "org.apache.flume.interceptor.StaticInterceptor$Builder", key: "a", value: "1" },
    i2: { type: "static", key: "b", value: "2" },
    i3: { type: "static", key: "a", value: "3", preserveExisting: "false" },
  });
  deepStrictEqual(chain.run([bytesEvent("x")])[0].headers, { a: "3", b: "2" });
});
