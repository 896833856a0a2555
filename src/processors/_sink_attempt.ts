import type { Status } from "../api/lifecycle.ts";
import type { Sink } from "../api/sink.ts";
import { errorMessage } from "../util/errors.ts";

/** How one `process()` call of a group's sink went. */
export type Attempt =
  | {
    readonly failed: true;
    /** Why, in plain words. */
    readonly error: string;
  }
  | {
    readonly failed: false;
    readonly status: Status;
    /**
     * True when the sink has no failures in a row after the call: a sink
     * that had failed has delivered a batch again. A call that found its
     * channel empty proves nothing and leaves it false for such a sink.
     */
    readonly recovered: boolean;
  };

/**
 * Calls `sink.process()` once and tells whether it failed. A call fails
 * when it throws (Flume's only failure) and also when it rolls its batch
 * back, as a sink's health counts it (an HTTP sink answered 503): the
 * events stay in the channel either way. An IDLE call (the channel held no
 * more) and a commit that asks to back off are not failures.
 */
export async function attemptProcess(sink: Sink): Promise<Attempt> {
  const before = sink.health?.();
  let status: Status;
  try {
    status = await sink.process();
  } catch (err) {
    return { failed: true, error: errorMessage(err) };
  }
  const after = sink.health?.();
  if (before === undefined || after === undefined) {
    return { failed: false, status, recovered: status === "READY" };
  }
  if (after.consecutiveFailures > before.consecutiveFailures) {
    return { failed: true, error: after.lastError ?? "the sink rolled its batch back" };
  }
  return { failed: false, status, recovered: after.consecutiveFailures === 0 };
}
