import type { Channel } from "./channel.ts";
import type { CounterGroup, SinkCounter } from "./counters.ts";
import type { Event } from "./event.ts";
import type { ComponentHealth } from "./health.ts";
import type { Lifecycle, Status } from "./lifecycle.ts";

/**
 * What a sink's output step answers for one batch. `commit` makes the
 * takes final, `rollback` returns the events to the channel, in order, for
 * a later retry. `backoff` asks the runner to wait before the next batch
 * (Flume's Status.BACKOFF).
 */
export interface Delivery {
  readonly outcome: "commit" | "rollback";
  /** @default false for a commit, true for a rollback */
  readonly backoff?: boolean;
  /** Events counted as drained (EventDrainSuccessCount). @default the batch on commit, 0 on rollback */
  readonly drained?: number;
  /** Events counted as failed writes (EventWriteFail). @default 0 */
  readonly failed?: number;
  /** Events counted as drain attempts (EventDrainAttemptCount). @default the batch */
  readonly attempted?: number;
  /** Why a rollback happened, in plain words and without secrets, for `/health`. */
  readonly reason?: string;
}

/**
 * What a sink definition makes: its output step. The framework owns the
 * channel transaction around it (begin, take up to `batchSize`, commit or
 * roll back, close), Flume's sink counters, and channel errors. A
 * `deliver` that throws rolls the batch back and counts EventWriteFail.
 */
export interface SinkWriter {
  /** Most events per transaction. */
  readonly batchSize: number;
  /** Opens what the sink writes to. */
  start?(): Promise<void>;
  /** Closes it; no deliver() runs after. */
  stop?(): Promise<void>;
  /**
   * Runs at the start of every transaction, also one that finds the channel
   * empty (a file sink closes a file whose roll interval has passed).
   */
  beforeTake?(): void;
  /** Writes a non-empty batch, in order. */
  deliver(events: readonly Event[]): Promise<Delivery>;
}

/** A running sink as its runner and sink processor see it: one transaction per process(). */
export interface Sink extends Lifecycle {
  readonly name: string;
  readonly channel: Channel;
  readonly counters: CounterGroup<SinkCounter>;
  /** Takes up to a batch in one transaction; IDLE when the channel had no more. */
  process(): Promise<Status>;
  /** Its failed batches in a row, for `/health`. @default no failures */
  health?(): ComponentHealth;
}
