/**
 * Applying a new configuration to a running agent as a diff: what did not
 * change keeps running untouched; what changed or went away stops
 * (sources first, then sink units, then channels); what is new or changed
 * starts (channels, then sink units, then sources).
 *
 * @module
 */
import type { CounterGroup } from "../api/counters.ts";
import type { Log } from "../api/log.ts";
import type { AgentConfig } from "../config/agent_config.ts";
import { errorMessage } from "../util/errors.ts";
import type { Sink } from "../api/sink.ts";
import {
  type AgentParts,
  newChannel,
  newSource,
  newUnit,
  type PartsEnvironment,
} from "./agent_parts.ts";
import type { RunningSource } from "./components.ts";
import { type Change, type ConfigDiff, diffConfigs, unitLabel } from "./config_diff.ts";
import { type RunningUnit, unitCounterIds } from "./running_unit.ts";
import { type SinkUnit, sinkUnits } from "./sink_processors.ts";
import { stopParts } from "./stop_parts.ts";

/** Put before every line a reload logs. */
const PREFIX = "Reload: ";

/** One component a reload added, removed or restarted. */
export interface ReloadChange {
  /** `source w1`, `channel c1`, `sink k1`, `sink group g1`. */
  readonly component: string;
  readonly change: Exclude<Change, "unchanged">;
}

/** A component a reload could not start, and why. */
export interface ReloadFailure {
  readonly component: string;
  readonly cause: string;
}

/** What a reload did. */
export interface ReloadSummary {
  /** Components added, removed or restarted (those that failed to start included). */
  readonly changes: readonly ReloadChange[];
  /** Components left running untouched. */
  readonly unchanged: number;
  /** Components that did not start; the rest runs the new configuration. */
  readonly failures: readonly ReloadFailure[];
}

/** Options of {@linkcode applyReload}. */
export interface ApplyOptions {
  readonly env: PartsEnvironment;
  /** The agent's log. */
  readonly log: Log;
  /** How long the stopping sources and sinks may hand over and drain. */
  readonly drainTimeoutMs: number;
  /** Aborting ends that drain at once. */
  readonly signal?: AbortSignal;
  /** Takes the closes of sinks still busy after the drain (they end on their own). */
  readonly lingering: (closing: Promise<void>) => void;
}

/**
 * Applies `next` to the running `parts` (which it updates). Logs one line
 * per change and a summary; a component that fails to start is logged
 * with its cause and left out of `parts.config`, so that the next reload
 * tries it again.
 */
export async function applyReload(
  parts: AgentParts,
  next: AgentConfig,
  options: ApplyOptions,
): Promise<ReloadSummary> {
  const { log, env } = options;
  const diff = diffConfigs(parts.config, next);
  const unchanged = count(diff, (c) => c === "unchanged");
  const changes: ReloadChange[] = [];
  if (unchanged === count(diff, () => true)) {
    parts.config = next;
    log.info(`${PREFIX}configuration unchanged: nothing to do`);
    return { changes, unchanged, failures: [] };
  }
  const clock = env.clock;
  const started = (group: CounterGroup<string>): void => group.start(clock.now());
  changes.push(...await stopGoing(parts, diff, options));

  // Start: channels, then sink units, then sources.
  const failures: ReloadFailure[] = [];
  const failed = new Set<string>();
  const attempt = async (
    component: string,
    change: Change,
    needs: readonly string[],
    start: () => Promise<void>,
  ): Promise<void> => {
    if (change === "unchanged" || change === "removed") return;
    changes.push({ component, change });
    const blocked = needs.find((c) => failed.has(c));
    try {
      if (blocked !== undefined) throw new Error(`${blocked} did not start`);
      await start();
      log.info(`${PREFIX}${component} ${change === "added" ? "added" : "changed, restarted"}`);
    } catch (err) {
      failed.add(component);
      const cause = errorMessage(err);
      failures.push({ component, cause });
      log.error(`${PREFIX}${component} ${change} but did not start: ${cause}`);
    }
  };
  for (const c of next.channels) {
    await attempt(`channel ${c.name}`, diff.channels.get(c.name)!, [], async () => {
      try {
        const channel = newChannel(next, c.name, env);
        await channel.start();
        started(channel.counters);
        parts.channels.set(c.name, channel);
      } catch (err) {
        env.counters.remove(`CHANNEL.${c.name}`);
        throw err;
      }
    });
  }
  for (const unit of sinkUnits(next)) {
    const label = unitLabel(unit);
    const needs = unit.sinks.map((n) => `channel ${next.sinks.find((s) => s.name === n)!.channel}`);
    await attempt(label, diff.units.get(label)!, needs, async () => {
      const running = await startUnit(next, unit, parts, options);
      for (const sink of running.sinks) started(sink.counters);
      running.runner.start();
      parts.units.set(label, running);
    });
  }
  for (const s of next.sources) {
    const needs = s.channels.map((c) => `channel ${c}`);
    await attempt(`source ${s.name}`, diff.sources.get(s.name)!, needs, async () => {
      let source: RunningSource | undefined;
      try {
        source = newSource(s, parts.channels, env);
        await source.start();
      } catch (err) {
        await source?.stop().catch(() => 0);
        env.counters.remove(`SOURCE.${s.name}`);
        throw err;
      }
      started(source.counters);
      parts.sources.set(s.name, source);
    });
  }
  parts.config = applied(next, failed);
  reorder(parts);
  const summary = { changes, unchanged, failures };
  summarize(summary, log);
  return summary;
}

/**
 * Stops what the diff removes or changes (sources first, their backlogs
 * going into the old channels), drops it from `parts` and its counter
 * groups from the registry; returns the removals, logged.
 */
async function stopGoing(
  parts: AgentParts,
  diff: ConfigDiff,
  options: ApplyOptions,
): Promise<ReloadChange[]> {
  const { log, env } = options;
  const clock = env.clock;
  const going = (changes: ReadonlyMap<string, Change>): string[] =>
    [...changes].filter(([, c]) => c === "removed" || c === "changed").map(([name]) => name);
  // What runs (a name can only be missing after a reload that failed part way).
  const sources = going(diff.sources).flatMap((n) => parts.sources.get(n) ?? []);
  const units = going(diff.units).flatMap((n) => parts.units.get(n) ?? []);
  const channels = going(diff.channels).flatMap((n) => parts.channels.get(n) ?? []);
  const { late } = await stopParts({ sources, units, channels }, {
    clock,
    log,
    drainTimeoutMs: options.drainTimeoutMs,
    signal: options.signal,
    prefix: PREFIX,
    reload: true,
    stopped: (group) => group.stop(clock.now()),
  });
  options.lingering(late);
  for (const source of sources) forget(parts.sources, source.name, [source.counters.id], env);
  for (const unit of units) forget(parts.units, unitLabel(unit.unit), unitCounterIds(unit), env);
  for (const channel of channels) forget(parts.channels, channel.name, [channel.counters.id], env);
  const removals: ReloadChange[] = [];
  const kinds = [["source ", diff.sources], ["", diff.units], ["channel ", diff.channels]] as const;
  for (const [kind, changed] of kinds) {
    for (const [name, change] of changed) {
      if (change !== "removed") continue;
      removals.push({ component: `${kind}${name}`, change });
      log.info(`${PREFIX}${kind}${name} removed`);
    }
  }
  return removals;
}

/**
 * Builds a unit and starts its sinks (not its runner); on a failure the
 * sinks already started are stopped and its counter groups removed.
 */
async function startUnit(
  config: AgentConfig,
  unit: SinkUnit,
  parts: AgentParts,
  { env, log }: ApplyOptions,
): Promise<RunningUnit> {
  const up: Sink[] = [];
  try {
    const running = newUnit(config, unit, parts.channels, env);
    for (const sink of running.sinks) {
      await sink.start();
      up.push(sink);
    }
    return running;
  } catch (err) {
    for (const sink of up) {
      await sink.stop().catch((e) =>
        log.error(`${PREFIX}Sink ${sink.name} failed to stop: ${errorMessage(e)}`)
      );
    }
    const ids = unit.sinks.map((n) => `SINK.${n}`);
    if (unit.group) ids.push(`SINK_PROCESSOR.${unit.name}`);
    for (const id of ids) env.counters.remove(id);
    throw err;
  }
}

/** Drops a stopped component from `parts` and its counter groups from the registry. */
function forget<T>(
  map: Map<string, T>,
  key: string,
  ids: readonly string[],
  env: PartsEnvironment,
): void {
  map.delete(key);
  for (const id of ids) env.counters.remove(id);
}

/** How many components of the diff `test` picks. */
function count(diff: ConfigDiff, test: (change: Change) => boolean): number {
  return [diff.channels, diff.units, diff.sources]
    .reduce((n, m) => n + [...m.values()].filter(test).length, 0);
}

/**
 * `next` without the components that failed to start (`channel c1`,
 * `sink k1`, `sink group g1`, `source w1`): what actually runs.
 */
function applied(next: AgentConfig, failed: ReadonlySet<string>): AgentConfig {
  if (failed.size === 0) return next;
  const units = sinkUnits(next).filter((u) => failed.has(unitLabel(u)));
  const lostSinks = new Set(units.flatMap((u) => u.sinks));
  return {
    ...next,
    channels: next.channels.filter((c) => !failed.has(`channel ${c.name}`)),
    sinks: next.sinks.filter((s) => !lostSinks.has(s.name)),
    sinkGroups: next.sinkGroups.filter((g) => !failed.has(`sink group ${g.name}`)),
    sources: next.sources.filter((s) => !failed.has(`source ${s.name}`)),
  };
}

/** Puts the running components back in the order the configuration lists them. */
function reorder(parts: AgentParts): void {
  const sortBy = <T>(map: Map<string, T>, keys: readonly string[]): void => {
    const entries = keys.flatMap((k) => map.has(k) ? [[k, map.get(k)!] as const] : []);
    map.clear();
    for (const [k, v] of entries) map.set(k, v);
  };
  sortBy(parts.channels, parts.config.channels.map((c) => c.name));
  sortBy(parts.units, sinkUnits(parts.config).map(unitLabel));
  sortBy(parts.sources, parts.config.sources.map((s) => s.name));
}

/** The reload's last line: what changed, or what did not start. */
function summarize(summary: ReloadSummary, log: Log): void {
  const { changes, unchanged, failures } = summary;
  const n = (change: Change): number => changes.filter((c) => c.change === change).length;
  const counts = `${n("added")} added, ${n("changed")} changed, ${n("removed")} removed, ` +
    `${unchanged} unchanged`;
  if (failures.length === 0) {
    log.info(`${PREFIX}new configuration applied: ${counts}`);
    return;
  }
  log.error(
    `${PREFIX}new configuration partly applied (${counts}): ${failures.length} component(s) ` +
      `did not start: ${failures.map((f) => f.component).join(", ")}; the others run, ` +
      `and the next reload tries these again`,
  );
}
