/**
 * A first-in first-out queue on a growable ring buffer: O(1) push, shift
 * and unshift, no per-item allocation.
 */
export class Queue<T> {
  #items: (T | undefined)[];
  #head = 0;
  #length = 0;

  /** An empty queue with room for `initialCapacity` items before it grows. */
  constructor(initialCapacity = 16) {
    this.#items = new Array(Math.max(2, initialCapacity));
  }

  /** Number of items held. */
  get length(): number {
    return this.#length;
  }

  /** Appends an item at the tail. */
  push(item: T): void {
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) % this.#items.length] = item;
    this.#length++;
  }

  /** Removes and returns the head item, or undefined when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#length--;
    return item;
  }

  /** The head item without removing it. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#items[this.#head];
  }

  /** Puts `items` back at the head, keeping their order (a rolled-back take). */
  unshiftAll(items: readonly T[]): void {
    for (let i = items.length - 1; i >= 0; i--) {
      if (this.#length === this.#items.length) this.#grow();
      this.#head = (this.#head - 1 + this.#items.length) % this.#items.length;
      this.#items[this.#head] = items[i];
      this.#length++;
    }
  }

  #grow(): void {
    const old = this.#items;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.#length; i++) next[i] = old[(this.#head + i) % old.length];
    this.#items = next;
    this.#head = 0;
  }
}
