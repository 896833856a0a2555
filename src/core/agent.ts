import type { Channel } from "../api/channel.ts";
import type { Clock } from "../api/clock.ts";
import { type CounterGroup, CounterRegistry } from "../api/counters.ts";
import { type ComponentHealth, NO_FAILURES } from "../api/health.ts";
import type { Log } from "../api/log.ts";
import type { Monitor, MonitoredAgent } from "../api/monitor.ts";
import type { Sink } from "../api/sink.ts";
import type { AgentConfig } from "../config/agent_config.ts";
import type { MonitorConfig } from "../config/monitoring_settings.ts";
import {
  type AgentParts,
  buildParts,
  componentTypes,
  type LogCategory,
  type PartsEnvironment,
} from "./agent_parts.ts";
import type { RunningSource } from "./components.ts";
import { applyReload, type ReloadSummary } from "./reload.ts";
import { STOP_GRACE_MS, stopParts } from "./stop_parts.ts";
import { errorMessage } from "../util/errors.ts";

export type { ReloadSummary } from "./reload.ts";

/** Collaborators of an Agent. */
export interface AgentOptions {
  readonly clock: Clock;
  /** The log for a component, e.g. `logFor("sink", "l1")`. */
  readonly logFor: (category: LogCategory, name: string) => Log;
  /** @default a new CounterRegistry */
  readonly counters?: CounterRegistry;
  /** The monitoring server (`-Dflume.monitoring.*`). @default none */
  readonly monitor?: MonitorConfig;
}

/** Options of {@linkcode Agent.stop} and {@linkcode Agent.reconfigure}. */
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
 * One running agent: its channels, sinks (each sink unit on a
 * PollingRunner through its sink processor) and sources, built from a
 * validated AgentConfig, and its monitoring server. Starts the monitoring
 * server, then channels, then sinks, then sources; stops in the reverse
 * order after draining, so that monitoring answers until the very end.
 * {@linkcode Agent.reconfigure} applies a new configuration while it runs.
 */
export class Agent implements MonitoredAgent {
  readonly name: string;
  readonly counters: CounterRegistry;
  /** The monitoring server, if one was asked for. */
  readonly monitor: Monitor | undefined;
  readonly #parts: AgentParts;
  readonly #env: PartsEnvironment;
  #types: ReadonlyMap<string, string>;
  readonly #monitorWarnings: readonly string[];
  readonly #log: Log;
  readonly #clock: Clock;
  /** The reload in progress, if any: reloads and stop() run one at a time. */
  #busy: Promise<unknown> = Promise.resolve();
  #state: "built" | "running" | "stopping" = "built";
  /** Closes of sinks a reload left finishing a batch. */
  readonly #lingering = new Set<Promise<void>>();

  /** Builds every component; nothing runs until start(). */
  constructor(config: AgentConfig, options: AgentOptions) {
    const { clock, logFor } = options;
    this.name = config.agent;
    const counters = options.counters ?? new CounterRegistry();
    this.counters = counters;
    this.#log = logFor("agent", config.agent);
    this.#clock = clock;
    this.#env = { counters, clock, logFor };
    this.#parts = buildParts(config, this.#env);
    this.#types = componentTypes(config);
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

  /** The channels, by name, in the order configured. */
  get channels(): ReadonlyMap<string, Channel> {
    return this.#parts.channels;
  }

  /** Every sink, by sink unit. */
  get sinks(): readonly Sink[] {
    return [...this.#parts.units.values()].flatMap((unit) => unit.sinks);
  }

  /** The sources, in the order configured. */
  get sources(): readonly RunningSource[] {
    return [...this.#parts.sources.values()];
  }

  /** The configuration running now (a reload's, without what failed to start). */
  get config(): AgentConfig {
    return this.#parts.config;
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
      for (const { runner } of this.#parts.units.values()) runner.start();
      for (const source of this.sources) {
        await source.start();
        this.#started(source.counters);
      }
    } catch (err) {
      await this.monitor?.stop();
      throw err;
    }
    this.#state = "running";
    this.#log.info(
      `Agent ${this.name} started: ${this.sources.length} source(s), ` +
        `${this.channels.size} channel(s), ${this.sinks.length} sink(s)`,
    );
  }

  /**
   * Applies `next` (validated, for the same agent) while the agent runs:
   * components whose configuration did not change keep running untouched
   * (an unchanged memory channel keeps its events); changed and removed
   * ones stop as stop() stops them, sources first (their backlogs go into
   * the old channels, and sinks drain a channel that goes away for at most
   * `drainTimeoutMs`); new and changed ones start, channels first. Counter
   * groups of removed components go, rebuilt ones start from zero. A
   * component that fails to start is logged with its cause and the rest
   * runs (see the summary's `failures`). Reloads run one at a time.
   */
  reconfigure(next: AgentConfig, options: StopOptions = {}): Promise<ReloadSummary> {
    if (this.#state !== "running") {
      return Promise.reject(new Error(`Agent ${this.name} is not running: cannot reload`));
    }
    const run = this.#busy.then(async () => {
      if (this.#state !== "running") {
        throw new Error(`Agent ${this.name} is stopping: reload abandoned`);
      }
      try {
        return await applyReload(this.#parts, next, {
          env: this.#env,
          log: this.#log,
          drainTimeoutMs: options.drainTimeoutMs ?? 5000,
          signal: options.signal,
          lingering: (closing) => this.#linger(closing),
        });
      } catch (err) {
        this.#log.error(
          `Reload: failed part way (${errorMessage(err)}): the agent runs what was applied ` +
            `so far; fix the file (or send SIGHUP) to reload again`,
        );
        throw err;
      } finally {
        this.#types = componentTypes(this.#parts.config);
      }
    });
    this.#busy = run.catch(() => {});
    return run;
  }

  /**
   * Stops the sources and lets the sinks drain the channels, both for at
   * most `drainTimeoutMs` in all (or until `signal` aborts): a source's
   * backlog goes on into the channels meanwhile. Then it stops the sinks,
   * waiting at most STOP_GRACE_MS for a batch in progress (and for sources
   * still stopping), and the channels. What is not delivered by then is
   * counted and logged: dropped from a source's backlog (by its sender),
   * kept by a durable channel (which says how many as it closes), or lost
   * with a memory channel. A reload in progress ends first.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    this.#state = "stopping";
    await this.#busy;
    const clock = this.#clock;
    try {
      await stopParts({
        sources: this.sources,
        units: [...this.#parts.units.values()],
        channels: [...this.channels.values()],
      }, {
        clock,
        log: this.#log,
        drainTimeoutMs: options.drainTimeoutMs ?? 5000,
        signal: options.signal,
        stopped: (group) => group.stop(clock.now()),
      });
      await this.#finishLingering();
    } finally {
      await this.monitor?.stop();
    }
    this.#log.info(`Agent ${this.name} stopped`);
  }

  /** Marks a component's counter group started now (StartTime). */
  #started(group: CounterGroup<string>): void {
    group.start(this.#clock.now());
  }

  /** Keeps `closing` until it ends, for stop() to wait on. */
  #linger(closing: Promise<void>): void {
    this.#lingering.add(closing);
    void closing.then(() => this.#lingering.delete(closing));
  }

  /** Waits at most STOP_GRACE_MS for sinks a reload left finishing a batch. */
  async #finishLingering(): Promise<void> {
    if (this.#lingering.size === 0) return;
    const grace = new AbortController();
    const over = this.#clock.sleep(STOP_GRACE_MS, grace.signal).then(() => false);
    const done = await Promise.race([Promise.all([...this.#lingering]).then(() => true), over]);
    grace.abort();
    if (!done) {
      this.#log.warn("A sink replaced by a reload is still delivering: not waiting for it");
    }
  }
}
