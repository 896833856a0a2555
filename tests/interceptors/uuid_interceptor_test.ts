import { deepStrictEqual, match, notStrictEqual, strictEqual } from "node:assert/strict";
import { bytesEvent, chainOf } from "./_interceptors.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

Deno.test("uuid sets a distinct random UUID in the id header of every event", () => {
  const out = chainOf({ i1: { type: "uuid" } }).run([bytesEvent("a"), bytesEvent("b")]);
  match(out[0].headers.id, UUID);
  match(out[1].headers.id, UUID);
  notStrictEqual(out[0].headers.id, out[1].headers.id);
});

Deno.test("uuid answers to Flume's class name and puts prefix before the UUID in headerName", () => {
  const chain = chainOf({
    i1: {
      type: "org.apache.flume.sink.solr.morphline.UUIDInterceptor$Builder",
      headerName: "eventId",
      prefix: "feed-",
    },
  });
  const [event] = chain.run([bytesEvent("a")]);
  strictEqual(event.headers.id, undefined);
  match(event.headers.eventId, /^feed-[0-9a-f-]{36}$/);
  match(event.headers.eventId.slice("feed-".length), UUID);
});

Deno.test("uuid preserves an existing id by default, and replaces it when preserveExisting=false", () => {
  deepStrictEqual(
    chainOf({ i1: { type: "uuid" } }).run([bytesEvent("a", { id: "k1" })])[0].headers,
    {
      id: "k1",
    },
  );
  const replaced = chainOf({ i1: { type: "uuid", preserveExisting: "false" } })
    .run([bytesEvent("a", { id: "k1" })])[0];
  match(replaced.headers.id, UUID);
});
