import type { Channel } from "../api/channel.ts";
import type { Clock } from "../api/clock.ts";
import { CounterRegistry } from "../api/counters.ts";
import type { Log } from "../api/log.ts";
import type { Sink } from "../api/sink.ts";
import type { AgentConfig } from "../config/agent_config.ts";
import { buildChannel, buildSink, buildSource, type RunningSource } from "./components.ts";
import { DefaultSinkProcessor } from "./default_sink_processor.ts";
import { PollingRunner } from "./polling_runner.ts";

/** How long a busy sink runner may keep the event loop: see the runner's options. */
const SINK_YIELD_EVERY_MS = 250;

/** Collaborators of an Agent. */
export interface AgentOptions {
  readonly clock: Clock;
  /** The log for a component, e.g. `logFor("sink", "l1")`. */
  readonly logFor: (category: "agent" | "source" | "channel" | "sink", name: string) => Log;
  /** @default a new CounterRegistry */
  readonly counters?: CounterRegistry;
}

/** Options of {@linkcode Agent.stop}. */
export interface StopOptions {
  /** How long sinks may drain the channels after the sources stop. @default 5000 */
  readonly drainTimeoutMs?: number;
  /** Aborting ends the drain at once (a second signal). */
  readonly signal?: AbortSignal;
}

/**
 * One running agent: its channels, sinks (each on a PollingRunner through
 * Flume's default sink processor) and sources, built from a validated
 * AgentConfig. Starts channels, then sinks, then sources; stops in the
 * reverse order after draining.
 */
export class Agent {
  readonly name: string;
  readonly counters: CounterRegistry;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly sinks: readonly Sink[];
  readonly sources: readonly RunningSource[];
  readonly #runners: readonly PollingRunner[];
  readonly #log: Log;
  readonly #clock: Clock;

  /** Builds every component; nothing runs until start(). */
  constructor(config: AgentConfig, options: AgentOptions) {
    const { clock, logFor } = options;
    this.name = config.agent;
    const counters = options.counters ?? new CounterRegistry();
    this.counters = counters;
    this.#log = logFor("agent", config.agent);
    this.#clock = clock;
    this.channels = new Map(
      config.channels.map((
        c,
      ) => [c.name, buildChannel(c, { counters, clock, log: logFor("channel", c.name) })]),
    );
    this.sinks = config.sinks.map((c) =>
      buildSink(c, this.channels.get(c.channel)!, { counters, clock, log: logFor("sink", c.name) })
    );
    this.#runners = this.sinks.map((sink) => {
      const processor = new DefaultSinkProcessor(sink);
      return new PollingRunner(`sink ${sink.name}`, () => processor.process(), {
        clock,
        log: logFor("sink", sink.name),
        channels: [sink.channel],
        // A sink only runs while its channel holds events, and a WebSocket
        // flood keeps timers waiting: yielding to them every 10 ms would
        // stall the sink for the whole flood. A sink goes IDLE (and so lets
        // timers run) as soon as it has drained its channel, and does not
        // yield at all while the channel is over half full.
        yieldEveryMs: SINK_YIELD_EVERY_MS,
      });
    });
    this.sources = config.sources.map((c) =>
      buildSource(c, c.channels.map((n) => this.channels.get(n)!), {
        counters,
        clock,
        log: logFor("source", c.name),
      })
    );
  }

  /** Starts channels, then sinks and their runners, then sources. */
  async start(): Promise<void> {
    for (const channel of this.channels.values()) await channel.start();
    for (const sink of this.sinks) await sink.start();
    for (const runner of this.#runners) runner.start();
    for (const source of this.sources) await source.start();
    this.#log.info(
      `Agent ${this.name} started: ${this.sources.length} source(s), ` +
        `${this.channels.size} channel(s), ${this.sinks.length} sink(s)`,
    );
  }

  /**
   * Stops the sources, lets the sinks drain the channels for at most
   * `drainTimeoutMs` (or until `signal` aborts), then stops sinks and channels.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    for (const source of this.sources) await source.stop();
    const left = await this.#drain(options.drainTimeoutMs ?? 5000, options.signal);
    if (left > 0) this.#log.warn(`Stopping with ${left} event(s) still in channels`);
    for (const runner of this.#runners) await runner.stop();
    for (const sink of this.sinks) await sink.stop();
    for (const channel of this.channels.values()) await channel.stop();
    this.#log.info(`Agent ${this.name} stopped`);
  }

  /** Waits until the channels that sinks drain are empty; returns what is left. */
  async #drain(timeoutMs: number, signal?: AbortSignal): Promise<number> {
    const drained = [...new Set(this.sinks.map((s) => s.channel))];
    const held = (): number => drained.reduce((n, c) => n + c.size(), 0);
    const deadline = this.#clock.now() + timeoutMs;
    while (held() > 0 && this.#clock.now() < deadline && !signal?.aborted) {
      await this.#clock.sleep(Math.min(20, deadline - this.#clock.now()), signal);
    }
    return held();
  }
}
