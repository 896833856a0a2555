import { setImmediate } from "node:timers";
import type { Channel } from "../api/channel.ts";
import type { Clock } from "../api/clock.ts";
import type { Status } from "../api/lifecycle.ts";
import { Backoff } from "../util/backoff.ts";
import { errorMessage } from "../util/errors.ts";
import type { Log } from "../api/log.ts";

/** Longest run of sink work without a macrotask yield (which lets network I/O in). */
const IO_YIELD_MS = 100;
/**
 * The reason an idle wait's signal is aborted with: a plain value, since
 * `abort()` without one builds a DOMException each time (once per idle
 * round of a busy sink).
 */
const WOKEN = "woken";

/** Options of a PollingRunner. */
export interface PollingRunnerOptions {
  readonly clock: Clock;
  readonly log: Log;
  /** Added to the wait per consecutive BACKOFF or failure. @default 1000 */
  readonly backoffIncrementMs?: number;
  /** The longest wait. @default 5000 */
  readonly maxBackoffMs?: number;
  /**
   * How long a run of READY calls may keep the event loop before yielding
   * to timers and I/O. @default 10
   */
  readonly yieldEveryMs?: number;
  /**
   * Channels the work drains. After an IDLE (nothing more to take) the wait
   * ends as soon as one of them is readable: an idle sink reacts at once to
   * new events, while a BACKOFF or an error always waits out the delay.
   */
  readonly channels?: readonly Channel[];
}

/**
 * Flume's SinkRunner / PollableSourceRunner loop: calls `process` until
 * stopped; after a BACKOFF, an IDLE or an error it waits 1 s more per
 * consecutive one, at most 5 s, and it never spins. An IDLE wait ends early
 * when the channels get new events.
 */
export class PollingRunner {
  readonly #name: string;
  readonly #process: () => Promise<Status>;
  readonly #options: PollingRunnerOptions;
  #stop = new AbortController();
  #loop: Promise<void> | undefined;

  /** A runner for `process`; `name` appears in its log lines. */
  constructor(name: string, process: () => Promise<Status>, options: PollingRunnerOptions) {
    this.#name = name;
    this.#process = process;
    this.#options = options;
  }

  /** Starts the loop. */
  start(): void {
    if (this.#loop) throw new Error(`Runner "${this.#name}" already started`);
    this.#stop = new AbortController();
    this.#loop = this.#run(this.#stop.signal);
  }

  /** Stops after the current `process` call and waits for it. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { clock, log, channels = [] } = this.#options;
    const backoff = new Backoff({
      initialMs: this.#options.backoffIncrementMs ?? 1000,
      maxMs: this.#options.maxBackoffMs ?? 5000,
      growth: "linear",
    });
    const yieldEvery = this.#options.yieldEveryMs ?? 10;
    // While a channel it drains is over half full, the runner keeps going:
    // a WebSocket flood keeps timers waiting, so a yield would stall the
    // sink until the flood pauses and let the channel overflow.
    const filling = (): boolean => channels.some((c) => c.size() * 2 > c.capacity);
    let lastYield = clock.now();
    let lastIoYield = lastYield;
    while (!signal.aborted) {
      let status: Status;
      try {
        status = await this.#process();
      } catch (err) {
        status = "BACKOFF";
        log.error(`${this.#name}: unable to deliver events: ${errorMessage(err)}`);
      }
      // Stopped during process(): an idle wait below would not see the abort
      // that already happened and would hold stop() for the whole backoff.
      if (signal.aborted) break;
      if (status === "READY") {
        backoff.reset();
        const now = clock.now();
        if (now - lastIoYield >= IO_YIELD_MS) {
          // setImmediate lets timers and microtasks run but not network I/O in
          // Deno: without a macrotask now and then, the monitoring server (and
          // /health probes) would wait seconds for an answer under full load.
          await new Promise((resolve) => setTimeout(resolve, 0));
          lastIoYield = lastYield = clock.now();
        } else if (now - lastYield >= yieldEvery && !filling()) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = clock.now();
        }
        continue;
      }
      const delay = backoff.next();
      if (status === "IDLE" && channels.length > 0) {
        const wake = new AbortController();
        const onStop = (): void => wake.abort(WOKEN);
        signal.addEventListener("abort", onStop, { once: true });
        await Promise.race([
          clock.sleep(delay, wake.signal),
          ...channels.map((c) => c.whenReadable(wake.signal)),
        ]);
        wake.abort(WOKEN);
        signal.removeEventListener("abort", onStop);
      } else {
        await clock.sleep(delay, signal);
      }
      lastYield = lastIoYield = clock.now();
    }
  }
}
