import type { ChannelCounter, CounterGroup } from "./counters.ts";
import type { Event } from "./event.ts";

/** Flume's ChannelException: a put, take or commit that the channel refused. */
export class ChannelError extends Error {
  override name = "ChannelError";
}

/**
 * Flume's ChannelFullException: no room for a commit after waiting
 * `keep-alive` seconds. Sources retry; nothing is lost.
 */
export class ChannelFullError extends ChannelError {
  override name = "ChannelFullError";
}

/**
 * One unit of work on a channel. Puts become visible to takers only after
 * commit; a rolled-back take returns its events to the head of the channel,
 * in order. Use it once: begin, put or take, commit or rollback, close.
 */
export interface Transaction {
  /** Starts the transaction. */
  begin(): void;
  /** Stages an event; throws ChannelError beyond `transactionCapacity`. */
  put(event: Event): void;
  /** Stages many events in order; same limits as `put`. */
  putAll(events: readonly Event[]): void;
  /** Takes the next event, or undefined when the channel is empty. */
  take(): Event | undefined;
  /** Makes the puts visible and the takes final; ChannelFullError when there is no room. */
  commit(): Promise<void>;
  /** Discards the puts and returns the takes to the head of the channel. */
  rollback(): void;
  /** Ends the transaction; rolls back one that was begun but never completed. */
  close(): void;
}

/** A named buffer between sources and sinks. */
export interface Channel {
  readonly name: string;
  readonly counters: CounterGroup<ChannelCounter>;
  /** Most events the channel holds. */
  readonly capacity: number;
  /** Most events one transaction may put or take. */
  readonly transactionCapacity: number;
  /** True when the events survive a restart (the file channel): undelivered ones are kept, not lost. */
  readonly durable?: boolean;
  /**
   * Events held in memory only, which the end of the process loses (the
   * spillable channel's memory part). @default all of size(), none when durable
   */
  volatileSize?(): number;
  /** Opens the channel (files, locks). */
  start(): Promise<void>;
  /** Closes the channel. */
  stop(): Promise<void>;
  /** A new transaction. */
  getTransaction(): Transaction;
  /** Events held, including those taken by transactions not yet committed. */
  size(): number;
  /** Events a commit could add now without waiting for room (capacity less size). */
  room(): number;
  /**
   * Resolves once the channel holds an event that can be taken (at once if
   * it already does), or when `signal` aborts.
   */
  whenReadable(signal: AbortSignal): Promise<void>;
}
