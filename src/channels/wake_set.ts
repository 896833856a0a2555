import type { Clock } from "../api/clock.ts";

/**
 * Waiters a channel wakes all at once: readers waiting for an event, or
 * commits waiting for room. A waiter leaves the set when it wakes.
 */
export class WakeSet {
  readonly #waiters: Set<() => void> = new Set();

  /** Resolves on the next wakeAll(), or when `signal` aborts. Never rejects. */
  wait(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.#waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.#waiters.add(done);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  /** Sleeps `ms` milliseconds on `clock`, or less when wakeAll() comes first. Never rejects. */
  async sleep(clock: Clock, ms: number): Promise<void> {
    const timeout = new AbortController();
    const wake = (): void => timeout.abort("woken"); // no DOMException per wake-up
    this.#waiters.add(wake);
    try {
      await clock.sleep(ms, timeout.signal);
    } finally {
      this.#waiters.delete(wake);
    }
  }

  /** Wakes every waiter. */
  wakeAll(): void {
    for (const wake of this.#waiters) wake();
  }
}
