/** How a wait grows with consecutive failures. */
export type BackoffGrowth = "constant" | "linear" | "exponential";

/** Options of a Backoff. */
export interface BackoffOptions {
  /** The first wait, in milliseconds. */
  readonly initialMs: number;
  /** The longest wait, in milliseconds. @default initialMs */
  readonly maxMs?: number;
  /**
   * `constant`: always initialMs; `linear`: initialMs more per failure
   * (Flume's SinkRunner: 1 s, 2 s, … 5 s); `exponential`: doubling.
   * @default "exponential"
   */
  readonly growth?: BackoffGrowth;
  /** Relative jitter, e.g. 0.2 for ±20 %; the wait never exceeds maxMs. @default 0 */
  readonly jitter?: number;
  /** A number in [0, 1) for the jitter; injected for tests. @default Math.random */
  readonly random?: () => number;
}

/**
 * One backoff policy for every retry loop: the sink runner (linear, 1 s to
 * 5 s), the source sender (100 ms doubling to 5 s) and reconnects
 * (`retryDelay`, doubling to `retryMaxDelay` with ±20 % jitter).
 * `next()` counts a failure and returns the wait; `reset()` after a success.
 */
export class Backoff {
  readonly #initial: number;
  readonly #max: number;
  readonly #growth: BackoffGrowth;
  readonly #jitter: number;
  readonly #random: () => number;
  #failures = 0;

  /** A policy with no failures yet. */
  constructor(options: BackoffOptions) {
    this.#initial = options.initialMs;
    this.#max = Math.max(options.maxMs ?? options.initialMs, options.initialMs);
    this.#growth = options.growth ?? "exponential";
    this.#jitter = options.jitter ?? 0;
    this.#random = options.random ?? Math.random;
  }

  /** Consecutive failures since the last reset. */
  get failures(): number {
    return this.#failures;
  }

  /** Counts a failure and returns the wait before the next attempt, in ms. */
  next(): number {
    this.#failures++;
    if (this.#growth === "constant" || this.#max <= this.#initial) return this.#initial;
    const n = this.#failures;
    const grown = this.#growth === "linear"
      ? this.#initial * n
      : this.#initial * 2 ** Math.min(n - 1, 52);
    const capped = Math.min(grown, this.#max);
    if (this.#jitter === 0) return capped;
    const factor = 1 + this.#jitter * (2 * this.#random() - 1);
    return Math.round(Math.min(capped * factor, this.#max));
  }

  /** Forgets past failures: the next wait is the first again. */
  reset(): void {
    this.#failures = 0;
  }
}
