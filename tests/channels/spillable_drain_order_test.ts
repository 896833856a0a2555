import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { DrainOrder, type Place } from "../../src/channels/spillable/drain_order.ts";

/** Shifts every event of `order` and returns the places in order. */
function drainAll(order: DrainOrder): Place[] {
  const out: Place[] = [];
  for (let head = order.head(); head !== undefined; head = order.head()) {
    out.push(head);
    order.shift(head);
  }
  return out;
}

Deno.test("DrainOrder says which store holds the next event", async (t) => {
  await t.step("runs in put order, adjacent puts to one place merged", () => {
    const order = new DrainOrder();
    equal(order.head(), undefined);
    order.push("memory", 2);
    order.push("memory", 1);
    order.push("overflow", 2);
    order.push("memory", 0); // nothing
    order.push("memory", 1);
    equal(order.headRun(), 3);
    equal(order.memory, 4);
    equal(order.overflow, 2);
    deepStrictEqual(drainAll(order), [
      "memory",
      "memory",
      "memory",
      "overflow",
      "overflow",
      "memory",
    ]);
    equal(order.memory, 0);
    equal(order.overflow, 0);
  });

  await t.step("unshift puts rolled-back events back at the head", () => {
    const order = new DrainOrder();
    order.push("memory", 1);
    order.push("overflow", 1);
    order.shift("memory");
    order.shift("overflow");
    order.push("memory", 1);
    order.unshift("overflow", 1);
    order.unshift("memory", 1);
    deepStrictEqual(drainAll(order), ["memory", "overflow", "memory"]);
  });

  await t.step("a take from the wrong place is a RangeError", () => {
    const order = new DrainOrder();
    order.push("overflow", 1);
    throws(
      () => order.shift("memory"),
      /^RangeError: Invalid take from memory: the head is overflow$/,
    );
  });

  await t.step("dropOverflow forgets the earliest overflow events", () => {
    const order = new DrainOrder();
    order.push("overflow", 2);
    order.push("memory", 1);
    order.push("overflow", 3);
    equal(order.dropOverflow(3), 3);
    equal(order.overflow, 2);
    deepStrictEqual(drainAll(order), ["memory", "overflow", "overflow"]);
    equal(order.dropOverflow(1), 0, "nothing left to forget");
  });

  await t.step("many runs stay in order as the head moves on", () => {
    const order = new DrainOrder();
    const expected: Place[] = [];
    for (let i = 0; i < 5000; i++) {
      const place: Place = i % 2 === 0 ? "memory" : "overflow";
      order.push(place, 1);
      expected.push(place);
    }
    deepStrictEqual(drainAll(order), expected);
  });
});
