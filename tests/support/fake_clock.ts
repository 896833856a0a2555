import type { Clock } from "../../src/api/clock.ts";

/** How a fake sleep ended, or that it has not ended yet. */
export type SleepState = "pending" | "elapsed" | "aborted";

/** One `sleep` call a FakeClock received. */
export interface SleepRequest {
  /** The duration asked for, in milliseconds. */
  readonly ms: number;
  /** The fake time at which it was asked for. */
  readonly requestedAt: number;
  /** The signal passed with it, if any. */
  readonly signal?: AbortSignal;
  /** Whether it is still waiting, ran its full time, or was cut short by its signal. */
  readonly state: SleepState;
  /** Resolves when the sleep ends, either way. */
  readonly done: Promise<void>;
}

/** Options of a FakeClock. */
export interface FakeClockOptions {
  /** The time `now()` starts at. @default 0 */
  readonly start?: number;
  /**
   * When true every sleep moves the time forward by its duration and
   * resolves at once; when false it waits for `advance`. @default false
   */
  readonly autoAdvance?: boolean;
}

interface MutableRequest extends SleepRequest {
  state: SleepState;
}

interface Sleeper {
  request: MutableRequest;
  wakeAt: number;
  resolve: () => void;
  onAbort: () => void;
}

/**
 * A Clock whose time moves only when the test says so. It records every
 * sleep it is asked for, so a test can assert the durations a component
 * requests and decide when each sleep ends (`advance`) or see it cut short
 * by its abort signal. It keeps no timers, so nothing leaks.
 */
export class FakeClock implements Clock {
  /** Every sleep requested so far, in order. */
  readonly requests: SleepRequest[] = [];
  #now: number;
  readonly #autoAdvance: boolean;
  #sleepers = new Set<Sleeper>();
  #cursor = 0;
  #onRequest: (() => void) | undefined;

  /** A clock at `options.start`, manual unless `options.autoAdvance`. */
  constructor(options: FakeClockOptions = {}) {
    this.#now = options.start ?? 0;
    this.#autoAdvance = options.autoAdvance ?? false;
  }

  /** The fake time in milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Records the request; resolves on `advance`, on abort, or at once with autoAdvance. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    const request: MutableRequest = {
      ms,
      requestedAt: this.#now,
      signal,
      state: "pending",
      done: promise,
    };
    this.requests.push(request);
    this.#onRequest?.();
    if (signal?.aborted) {
      request.state = "aborted";
      resolve();
      return promise;
    }
    if (this.#autoAdvance) {
      this.#now += Math.max(0, ms);
      request.state = "elapsed";
      resolve();
      return promise;
    }
    const sleeper: Sleeper = {
      request,
      wakeAt: this.#now + Math.max(0, ms),
      resolve,
      onAbort: () => this.#finish(sleeper, "aborted"),
    };
    this.#sleepers.add(sleeper);
    signal?.addEventListener("abort", sleeper.onAbort, { once: true });
    return promise;
  }

  /** Moves the time forward and ends every sleep whose time has come. */
  advance(ms: number): void {
    this.#now += ms;
    for (const sleeper of [...this.#sleepers]) {
      if (sleeper.wakeAt <= this.#now) this.#finish(sleeper, "elapsed");
    }
  }

  /** Number of sleeps still waiting. */
  get pending(): number {
    return this.#sleepers.size;
  }

  /**
   * The next sleep request not yet returned by this method, waiting for it
   * when the component has not asked yet. Successive calls walk `requests`;
   * await one call before making the next.
   */
  nextSleep(): Promise<SleepRequest> {
    if (this.#cursor < this.requests.length) {
      return Promise.resolve(this.requests[this.#cursor++]);
    }
    return new Promise((resolve) => {
      this.#onRequest = () => {
        this.#onRequest = undefined;
        resolve(this.requests[this.#cursor++]);
      };
    });
  }

  #finish(sleeper: Sleeper, state: SleepState): void {
    if (!this.#sleepers.delete(sleeper)) return;
    sleeper.request.signal?.removeEventListener("abort", sleeper.onAbort);
    sleeper.request.state = state;
    sleeper.resolve();
  }
}
