/** Where the next event of a spillable channel is: in memory or in the overflow on disk. */
export type Place = "memory" | "overflow";

/**
 * The order in which a spillable channel's events were committed across its
 * two stores, as runs of consecutive events in one place (Flume's
 * DrainOrderQueue): `[memory 3, overflow 2, memory 1]` means the next three
 * events come from memory, then two from the overflow, then one from memory.
 * Each store keeps its own events in order; this says which store is next.
 */
export class DrainOrder {
  /** Run lengths: positive for memory, negative for the overflow; never 0. */
  #runs: number[] = [];
  /** Index of the first run; runs before it are spent. */
  #head = 0;
  #memory = 0;
  #overflow = 0;

  /** Events in memory that the order holds. */
  get memory(): number {
    return this.#memory;
  }

  /** Events in the overflow that the order holds. */
  get overflow(): number {
    return this.#overflow;
  }

  /** Where the next event is, or undefined when the order is empty. */
  head(): Place | undefined {
    if (this.#head === this.#runs.length) return undefined;
    return this.#runs[this.#head] > 0 ? "memory" : "overflow";
  }

  /** How many events the first run holds (0 when empty). */
  headRun(): number {
    return this.#head === this.#runs.length ? 0 : Math.abs(this.#runs[this.#head]);
  }

  /** Appends `count` events committed to `place`. */
  push(place: Place, count: number): void {
    if (count === 0) return;
    const run = place === "memory" ? count : -count;
    const last = this.#runs.length - 1;
    if (last >= this.#head && Math.sign(this.#runs[last]) === Math.sign(run)) {
      this.#runs[last] += run;
    } else {
      this.#runs.push(run);
    }
    this.#count(place, count);
  }

  /** Puts `count` events back at the head in `place` (a rolled-back take). */
  unshift(place: Place, count: number): void {
    if (count === 0) return;
    const run = place === "memory" ? count : -count;
    if (this.#head < this.#runs.length && Math.sign(this.#runs[this.#head]) === Math.sign(run)) {
      this.#runs[this.#head] += run;
    } else if (this.#head > 0) {
      this.#runs[--this.#head] = run;
    } else {
      this.#runs.unshift(run);
    }
    this.#count(place, count);
  }

  /** Removes one event from the head, which must be in `place`. */
  shift(place: Place): void {
    const head = this.head();
    if (head !== place) throw new RangeError(`Invalid take from ${place}: the head is ${head}`);
    this.#runs[this.#head] += place === "memory" ? -1 : 1;
    this.#count(place, -1);
    if (this.#runs[this.#head] === 0) this.#dropHead();
  }

  /**
   * Forgets `count` overflow events, the earliest first (the overflow holds
   * fewer than the order says); returns how many it forgot.
   */
  dropOverflow(count: number): number {
    let left = count;
    for (let i = this.#head; i < this.#runs.length && left > 0; i++) {
      if (this.#runs[i] > 0) continue;
      const n = Math.min(left, -this.#runs[i]);
      this.#runs[i] += n;
      left -= n;
    }
    this.#runs = this.#runs.slice(this.#head).filter((run) => run !== 0);
    this.#head = 0;
    const dropped = count - left;
    this.#overflow -= dropped;
    return dropped;
  }

  #count(place: Place, delta: number): void {
    if (place === "memory") this.#memory += delta;
    else this.#overflow += delta;
  }

  /** Moves past the spent first run; compacts the array now and then. */
  #dropHead(): void {
    this.#head++;
    if (this.#head === this.#runs.length) {
      this.#runs = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#runs.length) {
      this.#runs = this.#runs.slice(this.#head);
      this.#head = 0;
    }
  }
}
