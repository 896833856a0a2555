import type { Channel } from "../api/channel.ts";
import type { Clock } from "../api/clock.ts";
import { type CounterGroup, CounterRegistry } from "../api/counters.ts";
import { type ComponentHealth, NO_FAILURES } from "../api/health.ts";
import type { Log } from "../api/log.ts";
import type { Monitor, MonitoredAgent } from "../api/monitor.ts";
import type { Sink } from "../api/sink.ts";
import type { AgentConfig } from "../config/agent_config.ts";
import type { MonitorConfig } from "../config/monitoring_settings.ts";
import { buildChannel, buildSink, buildSource, type RunningSource } from "./components.ts";
import { PollingRunner } from "./polling_runner.ts";
import { buildProcessor, sinkUnits } from "./sink_processors.ts";
import { errorMessage } from "../util/errors.ts";

/** How long a busy sink runner may keep the event loop: see the runner's options. */
const SINK_YIELD_EVERY_MS = 250;
/**
 * How long stop() waits, once the drain has ended, for a sink's batch in
 * progress (and a source's own stop) before it goes on without them.
 */
const STOP_GRACE_MS = 500;

/** A channel that may say its events survive a restart (the file channel does). */

/** Collaborators of an Agent. */
export interface AgentOptions {
  readonly clock: Clock;
  /** The log for a component, e.g. `logFor("sink", "l1")`. */
  readonly logFor: (
    category: "agent" | "source" | "channel" | "sink" | "monitoring",
    name: string,
  ) => Log;
  /** @default a new CounterRegistry */
  readonly counters?: CounterRegistry;
  /** The monitoring server (`-Dflume.monitoring.*`). @default none */
  readonly monitor?: MonitorConfig;
}

/** Options of {@linkcode Agent.stop}. */
export interface StopOptions {
  /**
   * How long the whole drain may take: the sources handing their backlogs
   * over and the sinks draining the channels. @default 5000
   */
  readonly drainTimeoutMs?: number;
  /** Aborting ends the drain at once (a second signal). */
  readonly signal?: AbortSignal;
}

/**
 * One running agent: its channels, sinks (each on a PollingRunner through
 * Flume's default sink processor) and sources, built from a validated
 * AgentConfig, and its monitoring server. Starts the monitoring server,
 * then channels, then sinks, then sources; stops in the reverse order
 * after draining, so that monitoring answers until the very end.
 */
export class Agent implements MonitoredAgent {
  readonly name: string;
  readonly counters: CounterRegistry;
  readonly channels: ReadonlyMap<string, Channel>;
  readonly sinks: readonly Sink[];
  readonly sources: readonly RunningSource[];
  /** The monitoring server, if one was asked for. */
  readonly monitor: Monitor | undefined;
  /** One per sink unit (a sink group, or a sink in none), with the unit's sinks. */
  readonly #runners: readonly { runner: PollingRunner; sinks: readonly Sink[] }[];
  readonly #types: ReadonlyMap<string, string>;
  readonly #monitorWarnings: readonly string[];
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
    const byName = new Map(this.sinks.map((sink) => [sink.name, sink]));
    this.#runners = sinkUnits(config).map((unit) => {
      const sinks = unit.sinks.map((name) => byName.get(name)!);
      const log = logFor("sink", unit.name);
      const processor = buildProcessor(unit, sinks, { counters, clock, log });
      const runner = new PollingRunner(`sink ${unit.name}`, () => processor.process(), {
        clock,
        log,
        channels: [...new Set(sinks.map((sink) => sink.channel))],
        // A sink only runs while its channel holds events, and a WebSocket
        // flood keeps timers waiting: yielding to them every 10 ms would
        // stall the sink for the whole flood. A sink goes IDLE (and so lets
        // timers run) as soon as it has drained its channel, and does not
        // yield at all while the channel is over half full.
        yieldEveryMs: SINK_YIELD_EVERY_MS,
      });
      return { runner, sinks };
    });
    this.sources = config.sources.map((c) =>
      buildSource(c, c.channels.map((n) => this.channels.get(n)!), {
        counters,
        clock,
        log: logFor("source", c.name),
      })
    );
    this.#types = new Map([
      ...config.sources.map((c) => [`SOURCE.${c.name}`, c.definition.type] as const),
      ...config.channels.map((c) => [`CHANNEL.${c.name}`, c.definition.type] as const),
      ...config.sinks.map((c) => [`SINK.${c.name}`, c.definition.type] as const),
    ]);
    const monitor = options.monitor;
    this.#monitorWarnings = monitor?.warnings ?? [];
    this.monitor = monitor?.definition.create({
      name: monitor.definition.type,
      config: monitor.config,
      prepared: monitor.prepared,
      properties: monitor.settings,
      log: logFor("monitoring", monitor.definition.type),
      clock,
      agent: this,
    });
  }

  /** The type (`websocket`, `memory`) of the component whose counter group is `id`. */
  componentType(id: string): string | undefined {
    return this.#types.get(id);
  }

  /** What each source and sink says about itself, by counter group id. */
  health(): ReadonlyMap<string, ComponentHealth> {
    const out = new Map<string, ComponentHealth>();
    for (const source of this.sources) out.set(source.counters.id, source.health());
    for (const sink of this.sinks) out.set(sink.counters.id, sink.health?.() ?? NO_FAILURES);
    return out;
  }

  /**
   * Starts the monitoring server, then channels, then sinks and their
   * runners, then sources. A monitoring server that cannot listen fails
   * the start (MonitoringError) before anything else runs.
   */
  async start(): Promise<void> {
    for (const warning of this.#monitorWarnings) this.#log.warn(warning);
    await this.monitor?.start();
    try {
      for (const channel of this.channels.values()) {
        await channel.start();
        this.#started(channel.counters);
      }
      for (const sink of this.sinks) {
        await sink.start();
        this.#started(sink.counters);
      }
      for (const { runner } of this.#runners) runner.start();
      for (const source of this.sources) {
        await source.start();
        this.#started(source.counters);
      }
    } catch (err) {
      await this.monitor?.stop();
      throw err;
    }
    this.#log.info(
      `Agent ${this.name} started: ${this.sources.length} source(s), ` +
        `${this.channels.size} channel(s), ${this.sinks.length} sink(s)`,
    );
  }

  /**
   * Stops the sources and lets the sinks drain the channels, both for at
   * most `drainTimeoutMs` in all (or until `signal` aborts): a source's
   * backlog goes on into the channels meanwhile. Then it stops the sinks,
   * waiting at most STOP_GRACE_MS for a batch in progress (and for sources
   * still stopping), and the channels. What is not delivered by then is
   * counted and logged: dropped from a source's backlog (by its sender),
   * kept by a durable channel (which says how many as it closes), or lost
   * with a memory channel.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    const clock = this.#clock;
    const drainMs = options.drainTimeoutMs ?? 5000;
    const ended = new AbortController();
    const forced = options.signal;
    const onForced = (): void => ended.abort();
    if (forced?.aborted) ended.abort();
    forced?.addEventListener("abort", onForced, { once: true });
    const timeout = clock.sleep(drainMs, ended.signal).then(() => ended.abort());
    try {
      for (const source of this.sources) source.sender.handOverUntil(ended.signal);
      const closing = this.sources.map((source) => this.#stopSource(source));
      await this.#drain(Promise.all(closing), ended.signal);
      ended.abort();
      await timeout;
      const left = this.#drainedChannels().reduce((n, c) => n + c.size(), 0);
      if (left > 0) this.#log.warn(`Stopping with ${left} event(s) still in channels`);
      const grace = new AbortController();
      const graceOver = clock.sleep(STOP_GRACE_MS, grace.signal).then(() => false);
      const within = (work: Promise<unknown>): Promise<boolean> =>
        Promise.race([work.then(() => true), graceOver]);
      const [sinksDone, sourcesDone] = await Promise.all([
        Promise.all(this.#runners.map(({ runner }) => within(runner.stop()))),
        Promise.all(closing.map(within)),
      ]);
      grace.abort();
      await this.#stopSinks(sinksDone);
      this.#reportLost();
      for (const channel of this.channels.values()) {
        await channel.stop();
        this.#stopped(channel.counters);
      }
      for (const [i, source] of this.sources.entries()) {
        if (!sourcesDone[i]) {
          this.#log.warn(`Source ${source.name} did not stop in time: not waiting for it`);
        }
      }
    } finally {
      forced?.removeEventListener("abort", onForced);
      await this.monitor?.stop();
    }
    this.#log.info(`Agent ${this.name} stopped`);
  }

  /** Marks a component's counter group started now (StartTime). */
  #started(group: CounterGroup<string>): void {
    group.start(this.#clock.now());
  }

  /** Marks a component's counter group stopped now (StopTime). */
  #stopped(group: CounterGroup<string>): void {
    group.stop(this.#clock.now());
  }

  /** Stops a source; resolves with the events its sender dropped, never rejects. */
  async #stopSource(source: RunningSource): Promise<number> {
    try {
      return await source.stop();
    } catch (err) {
      this.#log.error(`Source ${source.name} failed to stop: ${errorMessage(err)}`);
      return 0;
    } finally {
      this.#stopped(source.counters);
    }
  }

  /** The channels that sinks drain. */
  #drainedChannels(): Channel[] {
    return [...new Set(this.sinks.map((s) => s.channel))];
  }

  /**
   * Waits until every source has handed its backlog over and the channels
   * that sinks drain are empty, or until `signal` aborts.
   */
  async #drain(sourcesStopped: Promise<unknown>, signal: AbortSignal): Promise<void> {
    let stopped = false;
    void sourcesStopped.then(() => stopped = true);
    const drained = this.#drainedChannels();
    const held = (): number => drained.reduce((n, c) => n + c.size(), 0);
    while (!signal.aborted && (!stopped || held() > 0)) {
      await this.#clock.sleep(20, signal);
    }
  }

  /**
   * Stops the sinks whose runner stopped (`stopped`, by runner index). A
   * sink still busy is left running, not closed under its batch: its events
   * stay in its channel until that batch commits.
   */
  async #stopSinks(stopped: readonly boolean[]): Promise<void> {
    const done = new Set(this.#runners.flatMap(({ sinks }, i) => stopped[i] ? sinks : []));
    for (const sink of this.sinks) {
      if (done.has(sink)) {
        await sink.stop();
        this.#stopped(sink.counters);
        continue;
      }
      this.#log.warn(
        `Sink ${sink.name} is still delivering a batch ${STOP_GRACE_MS} ms after the drain: ` +
          `stopping without it; its events stay in channel "${sink.channel.name}" until it commits`,
      );
    }
  }

  /**
   * Logs the events that memory channels still hold: they are lost. A
   * durable channel keeps its events and says how many as it closes.
   */
  #reportLost(): void {
    for (const channel of this.channels.values()) {
      const size = channel.size();
      if (size === 0 || channel.durable) continue;
      this.#log.error(
        `Channel ${channel.name} holds its events in memory: ${size} undelivered event(s) ` +
          `are lost`,
      );
    }
  }
}
