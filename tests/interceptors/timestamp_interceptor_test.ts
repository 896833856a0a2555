import { deepStrictEqual, notStrictEqual, strictEqual } from "node:assert/strict";
import { TextEvent } from "../../src/api/event.ts";
import { FakeClock } from "../support/fake_clock.ts";
import { bytesEvent, chainOf } from "./_interceptors.ts";

Deno.test("timestamp sets the timestamp header to the context clock's time (the guide's example)", () => {
  const clock = new FakeClock({ start: 1_350_611_220_000 });
  const chain = chainOf({ i1: { type: "timestamp" } }, { clock });
  const [event] = chain.run([bytesEvent("a")]);
  deepStrictEqual(event.headers, { timestamp: "1350611220000" });
});

Deno.test("timestamp overwrites an existing header unless preserveExisting", () => {
  const clock = new FakeClock({ start: 2000 });
  const overwrite = chainOf({ i1: { type: "timestamp" } }, { clock });
  deepStrictEqual(overwrite.run([bytesEvent("a", { timestamp: "1" })])[0].headers, {
    timestamp: "2000",
  });
  const preserve = chainOf({ i1: { type: "timestamp", preserveExisting: "true" } }, { clock });
  deepStrictEqual(preserve.run([bytesEvent("a", { timestamp: "1" })])[0].headers, {
    timestamp: "1",
  });
  deepStrictEqual(preserve.run([bytesEvent("b")])[0].headers, { timestamp: "2000" });
});

Deno.test("timestamp uses headerName, and Flume's class name is its type too", () => {
  const clock = new FakeClock({ start: 5 });
  const chain = chainOf({
    i1: { type: "org.apache.flume.interceptor.TimestampInterceptor$Builder", headerName: "ts" },
  }, { clock });
  deepStrictEqual(chain.run([bytesEvent("a", { x: "y" })])[0].headers, { x: "y", ts: "5" });
});

Deno.test("timestamp gives each event a fresh headers object, leaving a shared one as it was", () => {
  const shared = { source: "ws" };
  const events = [new TextEvent("a", shared), new TextEvent("b", shared)];
  const out = chainOf({ i1: { type: "timestamp" } }, { clock: new FakeClock({ start: 7 }) })
    .run(events);
  deepStrictEqual(shared, { source: "ws" });
  strictEqual(out[0], events[0]);
  strictEqual(out[0] instanceof TextEvent, true);
  notStrictEqual(out[0].headers, shared);
  notStrictEqual(out[0].headers, out[1].headers);
  deepStrictEqual(out[1].headers, { source: "ws", timestamp: "7" });
});
