/** Options of a ReconnectBackoff. */
export interface BackoffOptions {
  /** The first wait (`retryDelay`), in milliseconds. */
  readonly baseMs: number;
  /** The cap (`retryMaxDelay`); when larger than baseMs the wait doubles per failure. */
  readonly maxMs: number;
  /** Relative jitter applied in doubling mode. @default 0.2 */
  readonly jitter?: number;
  /** A number in [0, 1); injected for tests. @default Math.random */
  readonly random?: () => number;
}

/**
 * The reconnect policy of the WebSocket source: a constant `retryDelay`, or,
 * when `retryMaxDelay` is larger, `retryDelay` doubling per consecutive
 * failure up to that cap with ±20 % jitter. `reset()` after a connection that
 * delivered a message.
 */
export class ReconnectBackoff {
  readonly #base: number;
  readonly #max: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #failures = 0;

  /** A policy with no failures yet. */
  constructor(options: BackoffOptions) {
    this.#base = options.baseMs;
    this.#max = Math.max(options.maxMs, options.baseMs);
    this.#jitter = options.jitter ?? 0.2;
    this.#random = options.random ?? Math.random;
  }

  /** Consecutive failures since the last reset. */
  get failures(): number {
    return this.#failures;
  }

  /** Counts a failure and returns the wait before the next attempt, in ms. */
  next(): number {
    this.#failures++;
    if (this.#max <= this.#base) return this.#base;
    const doubled = Math.min(this.#base * 2 ** (this.#failures - 1), this.#max);
    const factor = 1 + this.#jitter * (2 * this.#random() - 1);
    return Math.round(Math.min(doubled * factor, this.#max));
  }

  /** Forgets past failures: the next wait is retryDelay again. */
  reset(): void {
    this.#failures = 0;
  }
}
