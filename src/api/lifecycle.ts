/**
 * What a `process()` call asks of its runner: READY, go on at once;
 * BACKOFF, wait (Flume's meaning: a failure, or a sink told to back off);
 * IDLE, the channel had nothing more to take, so wait for the next commit
 * (or the backoff delay, whichever comes first). Flume has no IDLE; its
 * sinks return BACKOFF there and its channel's take blocks instead.
 */
export type Status = "READY" | "BACKOFF" | "IDLE";

/** Something that starts and stops with the agent. */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}
