import type { Clock } from "../api/clock.ts";
import type { Log } from "../api/log.ts";

/** How long a repeated problem stays at DEBUG before it is logged at WARN again. */
const REPEAT_LOG_MS = 60_000;

/**
 * Logs problems at WARN, but a problem of the same kind as the last one
 * only once a minute (at DEBUG in between, then with a count), so that an
 * endpoint that is down for an hour, or a retry loop without backoff, does
 * not flood the log.
 */
export class ProblemLog {
  readonly #log: Log;
  readonly #clock: Clock;
  #lastKind: string | undefined;
  #lastAt = 0;
  #repeats = 0;

  /** A log writing to `log`, timed by `clock`. */
  constructor(log: Log, clock: Clock) {
    this.#log = log;
    this.#clock = clock;
  }

  /** Logs `message`; `kind` identifies repeats of the same problem. */
  report(kind: string, message: string): void {
    const now = this.#clock.now();
    if (kind === this.#lastKind && now - this.#lastAt < REPEAT_LOG_MS) {
      this.#repeats++;
      this.#log.debug(message);
      return;
    }
    const repeats = kind === this.#lastKind && this.#repeats > 0
      ? ` (${this.#repeats} more like it since the last warning)`
      : "";
    this.#log.warn(`${message}${repeats}`);
    this.#lastKind = kind;
    this.#lastAt = now;
    this.#repeats = 0;
  }

  /** Forgets the last problem: the next one is logged at WARN whatever its kind. */
  reset(): void {
    this.#lastKind = undefined;
    this.#repeats = 0;
  }
}
