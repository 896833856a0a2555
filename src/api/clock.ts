/** Time as components see it; injected so that tests can control it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds, or early when `signal` aborts.
   * Never rejects.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock backed by `Date.now` and `setTimeout`. */
export const SYSTEM_CLOCK: Clock = Object.freeze({
  now(): number {
    return Date.now();
  },
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener("abort", done, { once: true });
    });
  },
});
