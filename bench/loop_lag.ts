/**
 * Event-loop lag: how late a 10 ms interval timer fires. Timers and
 * `setImmediate` callbacks run only between event-loop turns, so a long
 * turn (e.g. thousands of WebSocket messages dispatched in one go) delays
 * every component that waits for a macrotask. Sampling costs 100 callbacks
 * a second.
 *
 * @module
 */

/** What the monitor saw. */
export interface LoopLag {
  /** Timer callbacks that ran. */
  readonly ticks: number;
  /** The most a callback was late, ms. */
  readonly maxMs: number;
  /** The mean lateness, ms. */
  readonly meanMs: number;
}

/** Samples the lag of a `intervalMs` timer until stopped. */
export class LoopLagMonitor {
  readonly #intervalMs: number;
  readonly #timer: ReturnType<typeof setInterval>;
  #last: number;
  #ticks = 0;
  #sum = 0;
  #max = 0;

  /** Starts sampling at once. */
  constructor(intervalMs = 10) {
    this.#intervalMs = intervalMs;
    this.#last = performance.now();
    this.#timer = setInterval(() => this.#tick(), intervalMs);
  }

  /** Stops sampling; returns what was seen. */
  stop(): LoopLag {
    clearInterval(this.#timer);
    return {
      ticks: this.#ticks,
      maxMs: Math.round(this.#max * 1000) / 1000,
      meanMs: this.#ticks === 0 ? 0 : Math.round((this.#sum / this.#ticks) * 1000) / 1000,
    };
  }

  #tick(): void {
    const now = performance.now();
    const lag = Math.max(0, now - this.#last - this.#intervalMs);
    this.#last = now;
    this.#ticks++;
    this.#sum += lag;
    if (lag > this.#max) this.#max = lag;
  }
}
