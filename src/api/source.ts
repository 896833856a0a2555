import type { Event } from "./event.ts";
import type { ComponentHealth } from "./health.ts";
import type { Status } from "./lifecycle.ts";

/**
 * How a source hands its events to the channels. The framework owns
 * batching, partial puts when a channel has room for part of a batch,
 * retries on exactly the channels that did not take a batch, the backlog
 * that holds events meanwhile, and the counting of what is received,
 * accepted and dropped.
 */
export interface SourceSender {
  /**
   * Queues one event (a push source's frame); false when the backlog was
   * full and the event was dropped (counted and logged by the sender).
   */
  send(event: Event): boolean;
  /**
   * Queues a batch and resolves once every required channel committed it,
   * retrying with backoff meanwhile; waits first while the sender is
   * paused. Resolves false when the sender closed before that.
   */
  sendBatch(events: readonly Event[]): Promise<boolean>;
  /**
   * Puts a whole batch now, all or nothing, for a source that answers its
   * client (an HTTP 503): one transaction per channel, only while nothing
   * waits in the backlog and every required channel has room for all of it
   * at once; never queued, never retried. Resolves true once every required
   * channel committed it; false, counted as ChannelWriteFail, when it was
   * refused (as with Flume's ChannelProcessor, a required channel may have
   * committed it before a later one refused it). Calls run one at a time.
   */
  tryBatch(events: readonly Event[]): Promise<boolean>;
  /** Events queued and not yet accepted by the channels. */
  readonly size: number;
  /**
   * True while the backlog is full: a source that can stop reading (its
   * socket, its file) should, until {@linkcode SourceSender.whenResumed}.
   */
  readonly paused: boolean;
  /** Resolves when the sender takes events again (at once when it does), or when `signal` aborts. */
  whenResumed(signal?: AbortSignal): Promise<void>;
}

/**
 * What a source definition makes. A push source starts its own loop in
 * `start` and sends through the sender; a pollable source implements
 * `poll`, which the framework calls in Flume's PollableSourceRunner loop.
 */
export interface Source {
  /** Starts the source's own work (connections, timers). */
  start?(): Promise<void>;
  /** Stops it; the framework closes the sender afterwards. */
  stop?(): Promise<void>;
  /** One round of a pollable source: READY to go on, BACKOFF to wait (1 s more each time, ≤ 5 s). */
  poll?(): Promise<Status>;
  /** How it is doing, for `/health`: a connecting source says whether it is connected. @default no failures */
  health?(): ComponentHealth;
}
