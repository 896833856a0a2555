/**
 * The agent's periodic status line, read from Flume's counters:
 * `status: source w1 connected 1,234 ev/s | channel c1 12% full | sink k1 1,230 ev/s, 0 failed`.
 *
 * @module
 */
import type { Clock } from "../api/clock.ts";
import type { CounterRegistry } from "../api/counters.ts";

/** What `CounterRegistry.snapshot()` returns: `{ "SOURCE.w1": { EventAcceptedCount: 3, … } }`. */
export type CounterSnapshot = Readonly<Record<string, Readonly<Record<string, number | string>>>>;

/** A source's part of the status: `connected` only for a source that connects. */
export interface SourceStatus {
  /** Whether its connection is open now (OpenConnectionCount); absent for a source that does not connect. */
  readonly connected?: boolean;
  /** Events accepted per second over the interval (EventAcceptedCount). */
  readonly eventsPerSecond: number;
}

/** A channel's part of the status. */
export interface ChannelStatus {
  /** How full it is now, 0 to 100 (ChannelFillPercentage). */
  readonly fillPercentage: number;
}

/** A sink's part of the status. */
export interface SinkStatus {
  /** Events delivered per second over the interval (EventDrainSuccessCount). */
  readonly eventsPerSecond: number;
  /** Failures in the interval: EventWriteFail + ChannelReadFail + ConnectionFailedCount. */
  readonly failed: number;
}

/** The status of every component, as the JSON log format's `fields` carries it. */
export interface StatusFields {
  /** The seconds the rates are measured over. */
  readonly intervalSeconds: number;
  readonly sources: Readonly<Record<string, SourceStatus>>;
  readonly channels: Readonly<Record<string, ChannelStatus>>;
  readonly sinks: Readonly<Record<string, SinkStatus>>;
}

/** The line and its fields. */
export interface Status {
  /** One line, starting `status: `. */
  readonly line: string;
  readonly fields: StatusFields;
}

/** The sink counters that count a failure. */
const SINK_FAILURES = ["EventWriteFail", "ChannelReadFail", "ConnectionFailedCount"] as const;

/**
 * The status between two snapshots taken `elapsedMs` apart: per source,
 * `connected`/`disconnected` (a source with a ConnectionAttemptCount
 * counter, that is one that connects) and its accepted events per second;
 * per channel, how full it is; per sink, its delivered events per second
 * and its failures in the interval. Components are listed sources first,
 * then channels, then sinks, each in the configuration's order.
 */
export function describeStatus(
  previous: CounterSnapshot,
  current: CounterSnapshot,
  elapsedMs: number,
): Status {
  const seconds = Math.max(elapsedMs, 1) / 1000;
  const delta = (id: string, counter: string): number =>
    Math.max(0, num(current[id]?.[counter]) - num(previous[id]?.[counter]));
  const sources: Record<string, SourceStatus> = {};
  const channels: Record<string, ChannelStatus> = {};
  const sinks: Record<string, SinkStatus> = {};
  const parts: Record<"SOURCE" | "CHANNEL" | "SINK", string[]> = {
    SOURCE: [],
    CHANNEL: [],
    SINK: [],
  };
  for (const [id, counters] of Object.entries(current)) {
    const dot = id.indexOf(".");
    const kind = id.slice(0, dot);
    const name = id.slice(dot + 1);
    if (kind === "SOURCE") {
      const eventsPerSecond = delta(id, "EventAcceptedCount") / seconds;
      const connects = "ConnectionAttemptCount" in counters;
      const connected = connects ? num(counters.OpenConnectionCount) > 0 : undefined;
      sources[name] = connects ? { connected, eventsPerSecond } : { eventsPerSecond };
      const state = connects ? (connected ? " connected" : " disconnected") : "";
      parts.SOURCE.push(`source ${name}${state} ${formatRate(eventsPerSecond)} ev/s`);
    } else if (kind === "CHANNEL") {
      const fillPercentage = num(counters.ChannelFillPercentage);
      channels[name] = { fillPercentage };
      parts.CHANNEL.push(`channel ${name} ${formatPercent(fillPercentage)} full`);
    } else if (kind === "SINK") {
      const eventsPerSecond = delta(id, "EventDrainSuccessCount") / seconds;
      const failed = SINK_FAILURES.reduce((n, c) => n + delta(id, c), 0);
      sinks[name] = { eventsPerSecond, failed };
      parts.SINK.push(
        `sink ${name} ${formatRate(eventsPerSecond)} ev/s, ${formatCount(failed)} failed`,
      );
    }
  }
  const all = [...parts.SOURCE, ...parts.CHANNEL, ...parts.SINK];
  return {
    line: `status: ${all.length > 0 ? all.join(" | ") : "no components"}`,
    fields: { intervalSeconds: seconds, sources, channels, sinks },
  };
}

/** A rate as the line shows it: `1,234`, `12`, `0.4` (one decimal below 10). */
export function formatRate(perSecond: number): string {
  return perSecond.toLocaleString("en-US", { maximumFractionDigits: perSecond < 10 ? 1 : 0 });
}

/** A fill percentage: `0%`, `<1%`, `12%` (rounded down, so 100% means full). */
export function formatPercent(percent: number): string {
  if (percent <= 0) return "0%";
  if (percent < 1) return "<1%";
  return `${Math.floor(percent)}%`;
}

function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

function num(value: number | string | undefined): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** Options of {@linkcode StatusReporter}. */
export interface StatusReporterOptions {
  readonly clock: Clock;
  /** Milliseconds between two lines. */
  readonly intervalMs: number;
  /** Where each line goes (the agent logs it at INFO, with its fields). */
  readonly report: (line: string, fields: StatusFields) => void;
}

/**
 * Reports {@linkcode describeStatus} every `intervalMs` from `start()` to
 * `stop()`: the first line one interval after the start, each with the
 * rates since the line before.
 */
export class StatusReporter {
  readonly #counters: CounterRegistry;
  readonly #options: StatusReporterOptions;
  #stop: AbortController | undefined;
  #loop: Promise<void> | undefined;

  /** A reporter over `counters`; nothing runs until start(). */
  constructor(counters: CounterRegistry, options: StatusReporterOptions) {
    this.#counters = counters;
    this.#options = options;
  }

  /** Starts reporting; a second call does nothing. */
  start(): void {
    if (this.#loop) return;
    this.#stop = new AbortController();
    this.#loop = this.#run(this.#stop.signal);
  }

  /** Stops reporting and waits for the loop to end. */
  async stop(): Promise<void> {
    this.#stop?.abort();
    await this.#loop;
    this.#loop = undefined;
  }

  async #run(signal: AbortSignal): Promise<void> {
    const { clock, intervalMs, report } = this.#options;
    let previous = this.#counters.snapshot();
    let since = clock.now();
    while (true) {
      await clock.sleep(intervalMs, signal);
      if (signal.aborted) return;
      const now = clock.now();
      const current = this.#counters.snapshot();
      const { line, fields } = describeStatus(previous, current, now - since);
      report(line, fields);
      previous = current;
      since = now;
    }
  }
}
