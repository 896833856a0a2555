import type { Clock } from "../api/clock.ts";
import { defineProcessor } from "../api/component.ts";
import type { Status } from "../api/lifecycle.ts";
import type { Log } from "../api/log.ts";
import { duration } from "../api/properties.ts";
import type { Sink } from "../api/sink.ts";
import type { SinkProcessor } from "../api/sink_processor.ts";
import { failoverPriorities } from "../config/sink_groups.ts";
import { type Attempt, attemptProcess } from "./_sink_attempt.ts";

/** Flume's FAILURE_PENALTY: the cool-down unit, doubled per failure in a row. */
const PENALTY_UNIT_MS = 1000;
/** Failures in a row past which the cool-down no longer grows (it is at the cap long before). */
const MAX_COUNTED_FAILURES = 30;

/**
 * The cool-down of a sink after `failures` failures in a row, as Flume's
 * FailoverSinkProcessor computes it: `min(maxPenalty, 2^failures × 1 s)`,
 * so 2 s after the first failure, then 4 s, 8 s, … up to `maxPenaltyMs`.
 */
export function failoverPenalty(failures: number, maxPenaltyMs: number): number {
  return Math.min(maxPenaltyMs, 2 ** Math.min(failures, MAX_COUNTED_FAILURES) * PENALTY_UNIT_MS);
}

/** A sink of the group with its priority (higher runs first). */
interface Member {
  readonly sink: Sink;
  readonly priority: number;
}

/** A sink in the failed set: tried again once `retryAt` has come. */
interface Failed extends Member {
  failures: number;
  retryAt: number;
}

/** Options of a FailoverSinkProcessor. */
export interface FailoverOptions {
  /** Each sink's priority, by name; higher runs first. */
  readonly priorities: ReadonlyMap<string, number>;
  /** The longest cool-down of a failed sink. @default 30000 */
  readonly maxPenaltyMs?: number;
  readonly clock: Clock;
  readonly log: Log;
  /** The sink group's name, for messages. */
  readonly group: string;
}

/**
 * Flume's FailoverSinkProcessor: the live sink with the highest priority
 * takes every batch. When its process() fails it goes to the failed set
 * for a cool-down that doubles with its failures in a row (up to
 * `maxPenaltyMs`), and the next live sink takes over in the same call.
 * A failed sink whose cool-down is over is tried first; once it delivers a
 * batch it is live again, and active again if its priority is the highest.
 */
export class FailoverSinkProcessor implements SinkProcessor {
  readonly sinks: readonly Sink[];
  readonly #options: FailoverOptions;
  readonly #maxPenaltyMs: number;
  /** Highest priority first. */
  #live: Member[];
  #failed: Failed[] = [];

  /** A processor over `sinks` (every one with a priority in `options.priorities`). */
  constructor(sinks: readonly Sink[], options: FailoverOptions) {
    this.sinks = sinks;
    this.#options = options;
    this.#maxPenaltyMs = options.maxPenaltyMs ?? 30_000;
    this.#live = sinks.map((sink) => ({ sink, priority: options.priorities.get(sink.name) ?? 0 }))
      .sort((a, b) => b.priority - a.priority);
  }

  /** The sink that takes the next batch (after any retry of a cooled-down sink), if any is live. */
  get active(): Sink | undefined {
    return this.#live[0]?.sink;
  }

  /** The failed sinks and when each is tried again, soonest first. */
  failed(): { readonly name: string; readonly failures: number; readonly retryAt: number }[] {
    return this.#byRetry().map((f) => ({
      name: f.sink.name,
      failures: f.failures,
      retryAt: f.retryAt,
    }));
  }

  async start(): Promise<void> {
    for (const sink of this.sinks) await sink.start();
  }

  async stop(): Promise<void> {
    for (const sink of this.sinks) await sink.stop();
  }

  async process(): Promise<Status> {
    const { clock } = this.#options;
    const now = clock.now();
    for (const failed of this.#byRetry()) {
      if (failed.retryAt > now) break;
      const attempt = await attemptProcess(failed.sink);
      if (attempt.failed) {
        failed.failures++;
        this.#coolDown(failed, attempt, false);
        continue;
      }
      if (attempt.recovered) {
        this.#failed = this.#failed.filter((f) => f !== failed);
        this.#live = [...this.#live, failed].sort((a, b) => b.priority - a.priority);
        this.#options.log.info(
          `Sink ${failed.sink.name} delivered again: back in the live sinks of sink group ` +
            `${this.#options.group}${this.active === failed.sink ? ", and active" : ""}`,
        );
        return attempt.status;
      }
      // It found its channel empty: it stays failed, without a longer cool-down,
      // and the active sink runs, so that its channel is not left waiting.
    }
    while (this.#live.length > 0) {
      const active = this.#live[0];
      const attempt = await attemptProcess(active.sink);
      if (!attempt.failed) return attempt.status;
      this.#live.shift();
      const failed: Failed = { ...active, failures: 1, retryAt: 0 };
      this.#failed.push(failed);
      this.#coolDown(failed, attempt, true);
    }
    const next = this.#byRetry()[0];
    const retry = next === undefined
      ? ""
      : `; ${next.sink.name} is tried again in ${Math.max(0, next.retryAt - clock.now())} ms`;
    throw new Error(
      `Every sink of sink group ${this.#options.group} has failed: nothing left to fail over to` +
        retry,
    );
  }

  /** Sets a failed sink's cool-down from its failures in a row, and says so. */
  #coolDown(failed: Failed, attempt: Attempt & { failed: true }, wasActive: boolean): void {
    const penalty = failoverPenalty(failed.failures, this.#maxPenaltyMs);
    failed.retryAt = this.#options.clock.now() + penalty;
    const next = this.active;
    const then = next === undefined
      ? "no live sink is left"
      : `sink ${next.name} ${wasActive ? "takes over" : "stays active"}`;
    this.#options.log.warn(
      `Sink ${failed.sink.name} failed (${attempt.error}): out of sink group ` +
        `${this.#options.group} for ${penalty} ms after ${failed.failures} failure(s) in a row; ` +
        then,
    );
  }

  /** The failed sinks, soonest retry first. */
  #byRetry(): Failed[] {
    return [...this.#failed].sort((a, b) => a.retryAt - b.retryAt);
  }
}

/** The `failover` sink processor type. */
export const FAILOVER_PROCESSOR = defineProcessor({
  type: "failover",
  aliases: ["org.apache.flume.sink.FailoverSinkProcessor"],
  summary: "Sends every batch to the live sink with the highest priority; a sink that fails " +
    "sits out a cool-down that doubles per failure, and the next one takes over at once",
  example: `
a1.sinkgroups = g1
a1.sinkgroups.g1.sinks = k1 k2
a1.sinkgroups.g1.processor.type = failover
a1.sinkgroups.g1.processor.priority.k1 = 10
a1.sinkgroups.g1.processor.priority.k2 = 5
a1.sinkgroups.g1.processor.maxpenalty = 10000`,
  properties: {
    maxpenalty: duration({
      unit: "ms",
      default: 30000,
      doc: "Milliseconds a failed sink sits out at most; its cool-down is 2 s after one " +
        "failure and doubles per failure in a row up to this",
    }),
  },
  patterns: [{
    pattern: /^priority\..+$/,
    display: "priority.SINK",
    kind: "int",
    min: -(2 ** 31),
    doc: "The priority of the group's sink SINK: the live sink with the highest takes the " +
      "batches; sinks without one get -1, -2, … in the order listed, as in Flume; no two " +
      "sinks may share one",
  }],
  create: (ctx) =>
    new FailoverSinkProcessor(ctx.sinks, {
      priorities: failoverPriorities(ctx.sinks.map((s) => s.name), ctx.properties),
      maxPenaltyMs: ctx.config.maxpenalty,
      clock: ctx.clock,
      log: ctx.log,
      group: ctx.name,
    }),
});
