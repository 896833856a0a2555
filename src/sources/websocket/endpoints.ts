/**
 * Several endpoints for one source: `endpoint` may list URLs separated by
 * whitespace. A failed attempt moves on to the next one (round robin); a
 * healthy connection — one that delivered a message — sends the next
 * attempt back to the first, the preferred endpoint.
 *
 * @module
 */

/** The URLs of an `endpoint` value, in order. */
export function splitEndpoints(value: string): string[] {
  return value.trim().split(/\s+/).filter((url) => url !== "");
}

/** Which endpoint the next attempt goes to. A plain state machine: no I/O. */
export class EndpointRotation {
  readonly #urls: readonly string[];
  #index = 0;

  /** A rotation starting at the first of `urls` (at least one). */
  constructor(urls: readonly string[]) {
    if (urls.length === 0) throw new RangeError("Invalid endpoints: none");
    this.#urls = urls;
  }

  /** How many endpoints there are. */
  get size(): number {
    return this.#urls.length;
  }

  /** The index (0-based) of the endpoint the next attempt goes to. */
  get index(): number {
    return this.#index;
  }

  /** The URL the next attempt goes to. */
  get current(): string {
    return this.#urls[this.#index];
  }

  /**
   * Records how the attempt on the current endpoint ended and returns
   * whether the next attempt goes to another endpoint.
   */
  settle(healthy: boolean): boolean {
    const before = this.#index;
    this.#index = healthy ? 0 : (this.#index + 1) % this.#urls.length;
    return this.#index !== before;
  }
}
