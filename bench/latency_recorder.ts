/**
 * Latency samples in a preallocated typed array: recording one is a store
 * and an increment, with no allocation; percentiles are exact (sorted once
 * at the end).
 *
 * @module
 */

/** Percentiles of the recorded latencies, in milliseconds. */
export interface LatencySummary {
  /** Samples recorded (at most the capacity). */
  readonly count: number;
  /** Samples that did not fit. */
  readonly overflow: number;
  /** Samples whose timestamp could not be read. */
  readonly unreadable: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** Holds up to `capacity` latencies, in microseconds. */
export class LatencyRecorder {
  readonly #samples: Float64Array;
  #count = 0;
  #overflow = 0;
  #unreadable = 0;

  /** A recorder with room for `capacity` samples. */
  constructor(capacity: number) {
    this.#samples = new Float64Array(capacity);
  }

  /** Samples recorded so far. */
  get count(): number {
    return this.#count;
  }

  /** Records one latency in microseconds; NaN counts as unreadable. */
  record(micros: number): void {
    if (Number.isNaN(micros)) this.#unreadable++;
    else if (this.#count < this.#samples.length) this.#samples[this.#count++] = micros;
    else this.#overflow++;
  }

  /** Percentiles over what was recorded (all zero when nothing was). */
  summary(): LatencySummary {
    const sorted = this.#samples.slice(0, this.#count).sort();
    const at = (q: number): number =>
      sorted.length === 0
        ? 0
        : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    let sum = 0;
    for (const v of sorted) sum += v;
    const ms = (micros: number): number => Math.round(micros) / 1000;
    return {
      count: this.#count,
      overflow: this.#overflow,
      unreadable: this.#unreadable,
      p50Ms: ms(at(0.5)),
      p90Ms: ms(at(0.9)),
      p99Ms: ms(at(0.99)),
      p999Ms: ms(at(0.999)),
      maxMs: ms(sorted.length === 0 ? 0 : sorted[sorted.length - 1]),
      meanMs: ms(sorted.length === 0 ? 0 : sum / sorted.length),
    };
  }
}
