import { deepStrictEqual, equal } from "node:assert/strict";
import { Queue } from "../../src/util/queue.ts";

/** Shifts every item out of `queue`, in order. */
function drain<T>(queue: Queue<T>): T[] {
  const out: T[] = [];
  while (queue.length > 0) out.push(queue.shift() as T);
  return out;
}

/** Numbers from `from` up to but not including `to`. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

Deno.test("Queue is first-in first-out", async (t) => {
  await t.step("shift returns items in push order", () => {
    const q = new Queue<string>();
    q.push("a");
    q.push("b");
    q.push("c");
    equal(q.shift(), "a");
    equal(q.shift(), "b");
    equal(q.shift(), "c");
  });

  await t.step("shift and peek on an empty queue return undefined", () => {
    const q = new Queue<number>();
    equal(q.shift(), undefined);
    equal(q.peek(), undefined);
    q.push(1);
    q.shift();
    equal(q.shift(), undefined);
    equal(q.peek(), undefined);
    equal(q.length, 0);
  });

  await t.step("peek returns the head without removing it", () => {
    const q = new Queue<number>();
    q.push(7);
    q.push(8);
    equal(q.peek(), 7);
    equal(q.peek(), 7);
    equal(q.length, 2);
    equal(q.shift(), 7);
    equal(q.peek(), 8);
  });

  await t.step("length follows pushes, shifts and unshifts", () => {
    const q = new Queue<number>();
    equal(q.length, 0);
    q.push(1);
    q.push(2);
    equal(q.length, 2);
    q.shift();
    equal(q.length, 1);
    q.unshiftAll([5, 6, 7]);
    equal(q.length, 4);
    q.shift();
    q.shift();
    q.shift();
    q.shift();
    equal(q.length, 0);
  });
});

Deno.test("Queue grows without losing order", async (t) => {
  await t.step("beyond its initial capacity", () => {
    const q = new Queue<number>(2);
    for (const n of range(0, 100)) q.push(n);
    equal(q.length, 100);
    deepStrictEqual(drain(q), range(0, 100));
  });

  await t.step("when full with its items wrapped around the end of the buffer", () => {
    const q = new Queue<number>(4);
    // Move the head to index 3 so that the next pushes wrap to index 0.
    for (const n of range(0, 3)) q.push(n);
    for (let i = 0; i < 3; i++) q.shift();
    for (const n of range(3, 7)) q.push(n); // full, wrapped: [4, 5, 6, 3] with head at 3
    equal(q.length, 4);
    q.push(7); // grows while wrapped
    q.push(8);
    equal(q.peek(), 3);
    deepStrictEqual(drain(q), range(3, 9));
  });

  await t.step("across many interleaved pushes and shifts", () => {
    const q = new Queue<number>(3);
    const expected: number[] = [];
    const got: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < (round % 7) + 1; i++) {
        q.push(next);
        expected.push(next++);
      }
      for (let i = 0; i < round % 5; i++) {
        const item = q.shift();
        if (item !== undefined) got.push(item);
      }
    }
    got.push(...drain(q));
    deepStrictEqual(got, expected);
  });
});

Deno.test("Queue unshiftAll puts items back at the head in order", async (t) => {
  await t.step("ahead of the items already queued", () => {
    const q = new Queue<number>();
    q.push(10);
    q.push(11);
    q.unshiftAll([1, 2, 3]);
    equal(q.peek(), 1);
    deepStrictEqual(drain(q), [1, 2, 3, 10, 11]);
  });

  await t.step("on an empty queue, wrapping the head below index 0", () => {
    const q = new Queue<number>(4);
    q.unshiftAll([1, 2]);
    q.push(3);
    deepStrictEqual(drain(q), [1, 2, 3]);
  });

  await t.step("with an empty list as a no-op", () => {
    const q = new Queue<number>();
    q.push(1);
    q.unshiftAll([]);
    equal(q.length, 1);
    deepStrictEqual(drain(q), [1]);
  });

  await t.step("when it must grow part-way through", () => {
    const q = new Queue<number>(4);
    q.push(100);
    q.push(101);
    q.push(102);
    q.unshiftAll(range(0, 10));
    equal(q.length, 13);
    deepStrictEqual(drain(q), [...range(0, 10), 100, 101, 102]);
  });

  await t.step("after the items have wrapped around", () => {
    const q = new Queue<number>(4);
    for (const n of range(0, 3)) q.push(n);
    for (let i = 0; i < 3; i++) q.shift(); // head at index 3
    q.push(20); // index 3
    q.push(21); // wraps to index 0
    q.unshiftAll([1, 2]); // fills indexes 2 and 1: full, still wrapped
    equal(q.length, 4);
    q.push(22); // grows
    deepStrictEqual(drain(q), [1, 2, 20, 21, 22]);
  });

  await t.step("for a taken batch returned after more items were pushed", () => {
    const q = new Queue<number>(2);
    for (const n of range(0, 5)) q.push(n);
    const taken = [q.shift() as number, q.shift() as number, q.shift() as number];
    q.push(5);
    q.push(6);
    q.unshiftAll(taken);
    deepStrictEqual(drain(q), range(0, 7));
  });
});
