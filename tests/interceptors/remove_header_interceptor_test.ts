import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { splitByRegex } from "../../src/interceptors/_regex.ts";
import { bytesEvent, chainOf } from "./_interceptors.ts";

const HEADERS = {
  password: "s3cret",
  trace: "t",
  span: "s",
  "x-request": "r",
  "x-user": "u",
  keep: "k",
  "prefix-x-keep": "p",
};

Deno.test("remove_header removes the header named by withName", () => {
  const [event] = chainOf({ i1: { type: "remove_header", withName: "password" } })
    .run([bytesEvent("a", { ...HEADERS })]);
  deepStrictEqual(Object.keys(event.headers), [
    "trace",
    "span",
    "x-request",
    "x-user",
    "keep",
    "prefix-x-keep",
  ]);
});

Deno.test("remove_header removes fromList names split on a comma with any whitespace", () => {
  const [event] = chainOf({ i1: { type: "remove_header", fromList: "trace ,span,  nothere" } })
    .run([bytesEvent("a", { ...HEADERS })]);
  deepStrictEqual(Object.keys(event.headers).sort(), [
    "keep",
    "password",
    "prefix-x-keep",
    "x-request",
    "x-user",
  ]);
});

Deno.test("remove_header splits fromList on fromListSeparator", () => {
  const [event] = chainOf({
    i1: {
      type: "org.apache.flume.interceptor.RemoveHeaderInterceptor$Builder",
      fromList: "trace|span",
      fromListSeparator: "\\\\|",
    },
  }).run([bytesEvent("a", { ...HEADERS })]);
  strictEqual("trace" in event.headers || "span" in event.headers, false);
  strictEqual(Object.keys(event.headers).length, 5);
});

Deno.test("remove_header removes headers whose whole name matches `matching`, with the others combined", () => {
  const [event] = chainOf({
    i1: { type: "remove_header", matching: "x-.*", withName: "password", fromList: "trace" },
  }).run([bytesEvent("a", { ...HEADERS })]);
  deepStrictEqual(event.headers, { span: "s", keep: "k", "prefix-x-keep": "p" });
});

Deno.test("remove_header leaves events alone, headers object included, when nothing matches", () => {
  const headers = { keep: "k" };
  const configured = chainOf({ i1: { type: "remove_header", withName: "password" } })
    .run([bytesEvent("a", headers)]);
  strictEqual(configured[0].headers, headers);
  const unconfigured = chainOf({ i1: { type: "remove_header" } }, { allowWarnings: true }).run([
    bytesEvent("a", headers),
  ]);
  strictEqual(unconfigured[0].headers, headers);
});

Deno.test("remove_header never mutates a headers object that events share", () => {
  const shared = { a: "1", b: "2" };
  const out = chainOf({ i1: { type: "remove_header", withName: "a" } })
    .run([bytesEvent("x", shared), bytesEvent("y", shared)]);
  deepStrictEqual(shared, { a: "1", b: "2" });
  deepStrictEqual(out.map((e) => e.headers), [{ b: "2" }, { b: "2" }]);
});

Deno.test("splitByRegex splits as Java's Pattern.split does", () => {
  deepStrictEqual(splitByRegex("a , b,c", /\s*,\s*/), ["a", "b", "c"]);
  deepStrictEqual(splitByRegex("a,b,,", /,/), ["a", "b"], "trailing empty strings removed");
  deepStrictEqual(splitByRegex(",a", /,/), ["", "a"], "a leading empty string is kept");
  deepStrictEqual(splitByRegex("a1b", /(\d)/), ["a", "b"], "groups are not included");
  deepStrictEqual(splitByRegex("abc", /x/), ["abc"]);
});
