/** Failures in a row past which a backed-off sink's timeout stops growing (Flume's limit). */
const MAX_COUNTED_FAILURES = 16;
/** A failure this long after the last backoff ended starts the count again (Flume: one hour). */
const SEQUENTIAL_RANGE_MS = 60 * 60 * 1000;
/** The backoff unit, doubled per failure in a row. */
const BACKOFF_UNIT_MS = 1000;

/** How a load-balancing group orders its sinks for each round. */
export type SelectorKind = "round_robin" | "random";

/** Options of a SinkOrder. */
export interface SinkOrderOptions {
  readonly selector: SelectorKind;
  /** Whether a failed item is left out for a while. */
  readonly backoff: boolean;
  /** The longest a failed item is left out. */
  readonly maxTimeoutMs: number;
  /** A number in [0, 1), for `random`. @default Math.random */
  readonly random?: () => number;
}

/** The backoff state of one item. */
interface FailureState {
  failures: number;
  lastFailAt: number;
  restoreAt: number;
}

/**
 * Flume's OrderSelector for a load-balancing sink group: the order in
 * which one round tries the items (round robin: each round starts one
 * further; random: shuffled), leaving out, with `backoff`, an item that
 * failed until its timeout is over. The timeout is `min(maxTimeout,
 * 2^failures × 1 s)`; failures count as in a row while each comes within
 * an hour of the last timeout's end.
 */
export class SinkOrder<T> {
  readonly items: readonly T[];
  readonly #options: SinkOrderOptions;
  readonly #state: Map<T, FailureState>;
  #next = 0;

  /** An order over `items`, in the order given. */
  constructor(items: readonly T[], options: SinkOrderOptions) {
    this.items = items;
    this.#options = options;
    this.#state = new Map(items.map((i) => [i, { failures: 0, lastFailAt: 0, restoreAt: 0 }]));
  }

  /** The items to try this round, in order; those backed off at `now` are left out. */
  round(now: number): T[] {
    const active = this.items.filter((i) =>
      !this.#options.backoff || this.#state.get(i)!.restoreAt <= now
    );
    if (active.length === 0) return [];
    if (this.#options.selector === "random") return shuffle(active, this.#options.random);
    if (this.#next >= active.length) this.#next = 0;
    const begin = this.#next++;
    if (this.#next === active.length) this.#next = 0;
    return active.map((_, i) => active[(begin + i) % active.length]);
  }

  /** Records that `item` failed at `now`; with backoff it is left out for a growing time. */
  failed(item: T, now: number): void {
    if (!this.#options.backoff) return;
    const state = this.#state.get(item)!;
    const last = this.#timeout(state.failures);
    if (now - state.lastFailAt < last + SEQUENTIAL_RANGE_MS) {
      state.failures = Math.min(state.failures + 1, MAX_COUNTED_FAILURES);
    } else {
      state.failures = 1;
    }
    state.lastFailAt = now;
    state.restoreAt = now + this.#timeout(state.failures);
  }

  /** When `item` is back in the rounds (0 if never left out). */
  restoreAt(item: T): number {
    return this.#state.get(item)?.restoreAt ?? 0;
  }

  #timeout(failures: number): number {
    return Math.min(this.#options.maxTimeoutMs, 2 ** failures * BACKOFF_UNIT_MS);
  }
}

/** A shuffled copy of `items` (Fisher–Yates). */
function shuffle<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
