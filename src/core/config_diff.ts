/**
 * What a new configuration changes in the running one, component by
 * component: the plan of a live reload. Pure: it compares two validated
 * AgentConfigs and touches nothing.
 *
 * @module
 */
import type { RawProperty } from "../api/properties.ts";
import type {
  AgentConfig,
  ComponentConfig,
  SinkConfig,
  SinkGroupConfig,
  SourceConfig,
} from "../config/agent_config.ts";
import { type SinkUnit, sinkUnits } from "./sink_processors.ts";

/** What became of one component. */
export type Change = "added" | "removed" | "changed" | "unchanged";

/** The change of every component of either configuration, by name. */
export interface ConfigDiff {
  readonly channels: ReadonlyMap<string, Change>;
  /** By {@linkcode unitLabel}: `sink k1`, `sink group g1`. */
  readonly units: ReadonlyMap<string, Change>;
  readonly sources: ReadonlyMap<string, Change>;
}

/** How a sink unit is named in the reload's log lines: `sink k1` or `sink group g1`. */
export function unitLabel(unit: SinkUnit): string {
  return unit.group ? `sink group ${unit.name}` : `sink ${unit.name}`;
}

/**
 * Compares `prev` (running) with `next`. A component is unchanged when its
 * type and its properties as written (values, not lines) are equal; a
 * source also needs the same channels, selector and interceptors, and
 * every channel it writes to unchanged; a sink the same channel, unchanged;
 * a sink unit the same group settings and sinks, each unchanged.
 */
export function diffConfigs(prev: AgentConfig, next: AgentConfig): ConfigDiff {
  const channels = compare(
    byName(prev.channels),
    byName(next.channels),
    (a, b) => sameComponent(a, b),
  );
  const kept = (name: string): boolean => channels.get(name) === "unchanged";
  const prevSinks = byName(prev.sinks);
  const nextSinks = byName(next.sinks);
  const sameSink = (a: SinkConfig, b: SinkConfig): boolean =>
    sameComponent(a, b) && a.channel === b.channel && kept(b.channel);
  const units = compare(
    new Map(sinkUnits(prev).map((u) => [unitLabel(u), u])),
    new Map(sinkUnits(next).map((u) => [unitLabel(u), u])),
    (a, b) =>
      sameGroup(a.group, b.group) && sameList(a.sinks, b.sinks) &&
      b.sinks.every((name) => sameSink(prevSinks.get(name)!, nextSinks.get(name)!)),
  );
  const sources = compare(
    byName(prev.sources),
    byName(next.sources),
    (a, b) => sameSource(a, b) && b.channels.every(kept),
  );
  return { channels, units, sources };
}

/** True when nothing changed at all. */
export function isEmptyDiff(diff: ConfigDiff): boolean {
  return [diff.channels, diff.units, diff.sources].every((m) =>
    [...m.values()].every((c) => c === "unchanged")
  );
}

/** The change of every name in either map; `same` decides for a name in both. */
function compare<T>(
  prev: ReadonlyMap<string, T>,
  next: ReadonlyMap<string, T>,
  same: (a: T, b: T) => boolean,
): Map<string, Change> {
  const out = new Map<string, Change>();
  for (const name of prev.keys()) if (!next.has(name)) out.set(name, "removed");
  for (const [name, b] of next) {
    const a = prev.get(name);
    out.set(name, a === undefined ? "added" : same(a, b) ? "unchanged" : "changed");
  }
  return out;
}

function byName<T extends { readonly name: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.name, item]));
}

/** Same type (aliases included) and the same properties as written, lines aside. */
function sameComponent(a: ComponentConfig, b: ComponentConfig): boolean {
  return a.definition.type === b.definition.type &&
    sameProperties(a.settings.rawProperties, b.settings.rawProperties);
}

function sameProperties(
  a: ReadonlyMap<string, RawProperty>,
  b: ReadonlyMap<string, RawProperty>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [name, property] of a) {
    if (b.get(name)?.value !== property.value) return false;
  }
  return true;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** Both lone sinks, or the same group settings (processor and sinks). */
function sameGroup(a: SinkGroupConfig | undefined, b: SinkGroupConfig | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return sameList(a.sinks, b.sinks) && sameComponent(a.processor, b.processor);
}

/** The source itself, its channel list, selector and interceptors (names and order). */
function sameSource(a: SourceConfig, b: SourceConfig): boolean {
  return sameComponent(a, b) && sameList(a.channels, b.channels) &&
    sameComponent(a.selector, b.selector) &&
    a.interceptors.length === b.interceptors.length &&
    a.interceptors.every((i, n) =>
      i.name === b.interceptors[n].name && sameComponent(i, b.interceptors[n])
    );
}
