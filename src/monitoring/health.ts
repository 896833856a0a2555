/**
 * The verdict of `GET /health`, from what each source and sink says about
 * itself: a source is up while it is connected, or while it retries within
 * its schedule after fewer than DOWN_AFTER_FAILURES failed connections in a
 * row; a sink is up while fewer than DOWN_AFTER_FAILURES batches in a row
 * failed. The agent is up when every one of them is.
 *
 * @module
 */
import type { ComponentHealth } from "../api/health.ts";

/** Failures in a row that make a component down (fewer are retries on schedule). */
export const DOWN_AFTER_FAILURES = 3;

/** `ok`, or `down` with a reason. */
export type HealthStatus = "ok" | "down";

/** One component's verdict, as `/health` shows it. */
export interface ComponentVerdict {
  readonly status: HealthStatus;
  /** Why it is down, or what it is retrying after while still up. */
  readonly reason?: string;
  /** The component type (`websocket`, `null`). */
  readonly type?: string;
  /** For a source that connects: whether it is connected now. */
  readonly connected?: boolean;
  readonly consecutiveFailures: number;
}

/** The body of `GET /health`. */
export interface HealthReport {
  readonly status: HealthStatus;
  /** By counter group id (`SOURCE.w1`, `SINK.l1`). */
  readonly components: Readonly<Record<string, ComponentVerdict>>;
}

/** Options of {@linkcode assessHealth}. */
export interface AssessOptions {
  /** The component type of a counter group id, for the report. */
  readonly typeOf?: (id: string) => string | undefined;
  /** @default DOWN_AFTER_FAILURES */
  readonly downAfter?: number;
}

/** The agent's health from its components' own accounts. */
export function assessHealth(
  states: ReadonlyMap<string, ComponentHealth>,
  options: AssessOptions = {},
): HealthReport {
  const downAfter = options.downAfter ?? DOWN_AFTER_FAILURES;
  const components: Record<string, ComponentVerdict> = {};
  let status: HealthStatus = "ok";
  for (const [id, state] of states) {
    const verdict = judge(id, state, downAfter, options.typeOf?.(id));
    if (verdict.status === "down") status = "down";
    components[id] = verdict;
  }
  return { status, components };
}

/** One component's verdict. */
function judge(
  id: string,
  state: ComponentHealth,
  downAfter: number,
  type: string | undefined,
): ComponentVerdict {
  const failures = state.consecutiveFailures;
  const base = {
    ...(type === undefined ? {} : { type }),
    ...(state.connected === undefined ? {} : { connected: state.connected }),
    consecutiveFailures: failures,
  };
  if (state.connected === true || failures === 0) return { status: "ok", ...base };
  const cause = state.lastError ? ` (${state.lastError})` : "";
  const run = `${failures} ${noun(id, state, failures)} failed in a row${cause}`;
  if (failures < downAfter) return { status: "ok", reason: `retrying: ${run}`, ...base };
  const what = state.connected === false
    ? "not connected"
    : id.startsWith("SOURCE.")
    ? "failing"
    : "not draining";
  return { status: "down", reason: `${what}: ${run}`, ...base };
}

/** What a component's failures are: connection attempts, polls or batches. */
function noun(id: string, state: ComponentHealth, count: number): string {
  const one = state.connected !== undefined
    ? "attempt"
    : id.startsWith("SOURCE.")
    ? "poll"
    : "batch";
  return count === 1 ? one : one === "batch" ? "batches" : `${one}s`;
}
