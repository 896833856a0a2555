import { deepStrictEqual } from "node:assert/strict";
import { TextEvent } from "../../src/api/event.ts";
import { bytesEvent, chainOf } from "./_interceptors.ts";

const BODIES = ['{"type":"heartbeat"}', '{"type":"ticker","price":"1.5"}', "plain text"];

function bodies(events: readonly { body: Uint8Array }[]): string[] {
  return events.map((e) => new TextDecoder().decode(e.body));
}

Deno.test("regex_filter keeps every event by default (regex .*)", () => {
  deepStrictEqual(
    bodies(chainOf({ i1: { type: "regex_filter" } }).run(BODIES.map((b) => bytesEvent(b)))),
    BODIES,
  );
});

Deno.test("regex_filter keeps only events whose body contains a match", () => {
  const chain = chainOf({ i1: { type: "regex_filter", regex: '"type":"ticker"' } });
  deepStrictEqual(bodies(chain.run(BODIES.map((b) => bytesEvent(b)))), [BODIES[1]]);
});

Deno.test("regex_filter with excludeEvents=true drops events whose body contains a match", () => {
  const chain = chainOf({
    i1: {
      type: "org.apache.flume.interceptor.RegexFilteringInterceptor$Builder",
      regex: "heartbeat|^plain",
      excludeEvents: "true",
    },
  });
  deepStrictEqual(bodies(chain.run(BODIES.map((b) => bytesEvent(b)))), [BODIES[1]]);
});

Deno.test("regex_filter reads text events and byte events alike, keeping their order", () => {
  const chain = chainOf({ i1: { type: "regex_filter", regex: "\\\\d" } });
  const events = [new TextEvent("a1"), bytesEvent("b"), bytesEvent("c2"), new TextEvent("d")];
  deepStrictEqual(chain.run(events), [events[0], events[2]]);
});

Deno.test("regex_filter understands Java's leading (?i) flag", () => {
  const chain = chainOf({ i1: { type: "regex_filter", regex: "(?i)ERROR" } });
  deepStrictEqual(bodies(chain.run([bytesEvent("an error"), bytesEvent("fine")])), ["an error"]);
});
