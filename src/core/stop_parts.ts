/**
 * Stopping a set of running components in Flume's order, with a drain:
 * the whole agent at shutdown, or what a reload removes or replaces.
 *
 * @module
 */
import type { Channel } from "../api/channel.ts";
import type { Clock } from "../api/clock.ts";
import type { Log } from "../api/log.ts";
import type { Sink } from "../api/sink.ts";
import { errorMessage } from "../util/errors.ts";
import type { RunningSource } from "./components.ts";
import type { RunningUnit } from "./running_unit.ts";

/**
 * How long, once the drain has ended, a sink's batch in progress (and a
 * source's own stop) is waited for before going on without them.
 */
export const STOP_GRACE_MS = 500;

/** The components to stop. */
export interface StoppingParts {
  readonly sources: readonly RunningSource[];
  readonly units: readonly RunningUnit[];
  /** Channels that stop with them (after them). */
  readonly channels: readonly Channel[];
}

/** Options of {@linkcode stopParts}. */
export interface StopPartsOptions {
  readonly clock: Clock;
  readonly log: Log;
  /** How long the sources' hand-over and the sinks' drain may take in all. */
  readonly drainTimeoutMs: number;
  /** Aborting ends the drain at once. */
  readonly signal?: AbortSignal;
  /** Put before every log line: `Reload: `. @default "" */
  readonly prefix?: string;
  /**
   * A reload, after which the agent goes on: a sink still busy after the
   * grace is closed once its batch ends rather than left as it is, and a
   * sink or channel that fails to stop is logged rather than thrown.
   * @default false (a shutdown)
   */
  readonly reload?: boolean;
  /** Called when a component stopped, with its counter group (StopTime). */
  readonly stopped: (group: { stop(now: number): void }) => void;
}

/**
 * Stops the sources, handing their backlogs over into their channels, and
 * lets the stopping sinks drain the stopping channels they take from, both
 * for at most `drainTimeoutMs` in all; a channel that stays is not drained
 * (its events wait for its next sink). Then stops the runners, waiting at
 * most STOP_GRACE_MS for a batch in progress, the sinks, and the channels,
 * logging what memory channels lose. Resolves with the late closes of a
 * reload's busy sinks (`late`, never rejects).
 */
export async function stopParts(
  parts: StoppingParts,
  options: StopPartsOptions,
): Promise<{ late: Promise<void> }> {
  const { clock, log, prefix = "" } = options;
  const ended = new AbortController();
  const forced = options.signal;
  const onForced = (): void => ended.abort();
  if (forced?.aborted) ended.abort();
  forced?.addEventListener("abort", onForced, { once: true });
  const timeout = clock.sleep(options.drainTimeoutMs, ended.signal).then(() => ended.abort());
  try {
    for (const source of parts.sources) source.sender.handOverUntil(ended.signal);
    const closing = parts.sources.map((source) => stopSource(source, options));
    const stopping = new Set(parts.channels);
    const drained = [
      ...new Set(parts.units.flatMap(({ sinks }) => sinks.map((s) => s.channel))),
    ].filter((c) => stopping.has(c));
    await drain(Promise.all(closing), drained, { clock, signal: ended.signal });
    ended.abort();
    await timeout;
    const left = drained.reduce((n, c) => n + c.size(), 0);
    if (left > 0) log.warn(`${prefix}Stopping with ${left} event(s) still in channels`);
    const grace = new AbortController();
    const graceOver = clock.sleep(STOP_GRACE_MS, grace.signal).then(() => false);
    const within = (work: Promise<unknown>): Promise<boolean> =>
      Promise.race([work.then(() => true), graceOver]);
    const runnersStopped = parts.units.map(({ runner }) => runner.stop());
    const [sinksDone, sourcesDone] = await Promise.all([
      Promise.all(runnersStopped.map(within)),
      Promise.all(closing.map(within)),
    ]);
    grace.abort();
    const late = await stopSinks(parts.units, sinksDone, runnersStopped, options);
    reportLost(parts.channels, options);
    for (const channel of parts.channels) {
      await tolerant(() => channel.stop(), `Channel ${channel.name}`, options);
      options.stopped(channel.counters);
    }
    for (const [i, source] of parts.sources.entries()) {
      if (!sourcesDone[i]) {
        log.warn(`${prefix}Source ${source.name} did not stop in time: not waiting for it`);
      }
    }
    return { late: Promise.all(late).then(() => {}) };
  } finally {
    forced?.removeEventListener("abort", onForced);
  }
}

/** Stops a source; resolves with the events its sender dropped, never rejects. */
async function stopSource(source: RunningSource, options: StopPartsOptions): Promise<number> {
  try {
    return await source.stop();
  } catch (err) {
    options.log.error(
      `${options.prefix ?? ""}Source ${source.name} failed to stop: ${errorMessage(err)}`,
    );
    return 0;
  } finally {
    options.stopped(source.counters);
  }
}

/**
 * Waits until every source has handed its backlog over and the `drained`
 * channels are empty, or until `signal` aborts.
 */
async function drain(
  sourcesStopped: Promise<unknown>,
  drained: readonly Channel[],
  { clock, signal }: { clock: Clock; signal: AbortSignal },
): Promise<void> {
  let stopped = false;
  void sourcesStopped.then(() => stopped = true);
  const held = (): number => drained.reduce((n, c) => n + c.size(), 0);
  while (!signal.aborted && (!stopped || held() > 0)) {
    await clock.sleep(20, signal);
  }
}

/**
 * Stops the sinks of the units whose runner stopped (`done`, by unit). A
 * sink still busy is not closed under its batch: its events stay in its
 * channel until that batch commits; in a reload it is closed once its
 * runner ends. Resolves with those late closes.
 */
async function stopSinks(
  units: readonly RunningUnit[],
  done: readonly boolean[],
  runnersStopped: readonly Promise<void>[],
  options: StopPartsOptions,
): Promise<Promise<void>[]> {
  const { log, prefix = "" } = options;
  const late: Promise<void>[] = [];
  for (const [i, { sinks }] of units.entries()) {
    for (const sink of sinks) {
      if (done[i]) {
        await stopSink(sink, options);
        continue;
      }
      log.warn(
        `${prefix}Sink ${sink.name} is still delivering a batch ${STOP_GRACE_MS} ms after the ` +
          `drain: stopping without it; its events stay in channel "${sink.channel.name}" ` +
          `until it commits`,
      );
      if (options.reload) late.push(runnersStopped[i].then(() => stopSink(sink, options)));
    }
  }
  return late;
}

/** Stops one sink. */
async function stopSink(sink: Sink, options: StopPartsOptions): Promise<void> {
  await tolerant(() => sink.stop(), `Sink ${sink.name}`, options);
  options.stopped(sink.counters);
}

/** Runs `stop`; in a reload a failure is logged (`what failed to stop: …`), not thrown. */
async function tolerant(
  stop: () => Promise<void>,
  what: string,
  options: StopPartsOptions,
): Promise<void> {
  if (!options.reload) return await stop();
  try {
    await stop();
  } catch (err) {
    options.log.error(`${options.prefix ?? ""}${what} failed to stop: ${errorMessage(err)}`);
  }
}

/**
 * Logs the events that memory channels still hold: they are lost. A
 * durable channel keeps its events and says how many as it closes.
 */
function reportLost(channels: readonly Channel[], options: StopPartsOptions): void {
  for (const channel of channels) {
    const size = channel.volatileSize?.() ?? (channel.durable ? 0 : channel.size());
    if (size === 0) continue;
    options.log.error(
      `${options.prefix ?? ""}Channel ${channel.name} holds its events in memory: ` +
        `${size} undelivered event(s) are lost`,
    );
  }
}
