/**
 * Reads the monitoring server's settings from the `-D` properties, as
 * flume-ng takes them (`-Dflume.monitoring.type=http
 * -Dflume.monitoring.port=41414`): the type picks a monitor definition, the
 * other `flume.monitoring.*` values are its properties, parsed and checked
 * by their declarations as every component's are.
 *
 * @module
 */
import type { ComponentLookup, MonitorDefinition } from "../api/component.ts";
import { MONITORING_PREFIX, MonitoringError } from "../api/monitor.ts";
import {
  type CheckedProperties,
  type ConfigOf,
  type PropertyDecls,
  PropertyError,
  type PropertyProblem,
  type RawProperty,
} from "../api/properties.ts";
import { parseValue, type PropertyValue } from "./parse_value.ts";
import { Settings } from "./settings.ts";
import { didYouMean, didYouMeanProperty } from "../util/suggest.ts";

/** The monitoring server to run, resolved against its definition. */
export interface MonitorConfig {
  /** The type as given (`http`, `prometheus`, a class name). */
  readonly type: string;
  readonly definition: MonitorDefinition;
  readonly settings: Settings;
  /** The typed configuration handed to the factory. */
  readonly config: ConfigOf<PropertyDecls>;
  /** What the definition's `prepare` made. */
  readonly prepared: unknown;
  /** Problems that do not stop it (an unknown `-Dflume.monitoring.*` name), for the log. */
  readonly warnings: readonly string[];
}

/** `-Dflume.monitoring.NAME`, as messages name a property. */
export function monitoringFlag(name: string): string {
  return `-D${MONITORING_PREFIX}${name}`;
}

/**
 * The monitoring server that `sys` asks for, or undefined when no
 * `flume.monitoring.*` property is set. Throws MonitoringError, one line
 * naming the flag, for a missing or unknown type or a value its
 * declaration refuses.
 */
export function resolveMonitoring(
  sys: Readonly<Record<string, string>>,
  lookup: ComponentLookup,
): MonitorConfig | undefined {
  const given = Object.keys(sys).filter((k) => k.startsWith(MONITORING_PREFIX));
  if (given.length === 0) return undefined;
  const known = lookup.all("monitor").map((d) => d.type);
  const expected = `expected ${known.join(" or ")}`;
  const type = sys[`${MONITORING_PREFIX}type`]?.trim();
  if (type === undefined || type === "") {
    const others = given.filter((k) => k !== `${MONITORING_PREFIX}type`).map((k) => `-D${k}`);
    const needs = others.length > 0 ? ` (${others.join(", ")} takes effect only with it)` : "";
    throw new MonitoringError(`Missing ${monitoringFlag("type")}: ${expected}${needs}`);
  }
  const definition = lookup.find("monitor", type);
  if (!definition) {
    const names = lookup.all("monitor").flatMap((d) => [d.type, ...(d.aliases ?? [])]);
    const hint = didYouMean(type, names);
    throw new MonitoringError(
      `Invalid ${monitoringFlag("type")} "${type}": ${expected}${hint ? ` (${hint})` : ""}`,
    );
  }
  const raw = new Map<string, RawProperty>();
  for (const key of given) {
    const name = key.slice(MONITORING_PREFIX.length);
    if (name !== "type") raw.set(name, { value: sys[key], line: 0 });
  }
  return resolveDefinition(type, definition, raw);
}

/** Parses and checks `raw` against `definition`; throws MonitoringError with every error. */
function resolveDefinition(
  type: string,
  definition: MonitorDefinition,
  raw: ReadonlyMap<string, RawProperty>,
): MonitorConfig {
  const errors: string[] = [];
  const warnings: string[] = [];
  const report = (problem: PropertyProblem): void => {
    const flag = problem.property === undefined ? "" : `${monitoringFlag(problem.property)}: `;
    const text = problem.message.startsWith("Invalid ")
      ? problem.message
      : `${flag}${problem.message}`;
    const line = problem.hint ? `${text} (${problem.hint})` : text;
    (problem.severity === "warning" ? warnings : errors).push(line);
  };
  const decls = definition.properties;
  const values = new Map<string, PropertyValue>();
  for (const [name, { value }] of raw) {
    if (!Object.hasOwn(decls, name)) {
      const hint = didYouMeanProperty(name, Object.keys(decls));
      warnings.push(
        `Unknown ${monitoringFlag(name)} for monitoring type ${definition.type}: ignored` +
          (hint ? ` (${hint})` : ""),
      );
      continue;
    }
    const parsed = parseValue(monitoringFlag(name), decls[name], value);
    if ("error" in parsed) report({ message: parsed.error, hint: parsed.hint });
    else values.set(name, parsed.value);
  }
  for (const [name, decl] of Object.entries(decls)) {
    if (decl.required && !raw.has(name)) report({ property: name, message: "Missing value" });
  }
  const settings = new Settings("monitoring", definition, raw, values);
  definition.check?.(settings as CheckedProperties<PropertyDecls>, report);
  let prepared: unknown;
  if (errors.length === 0 && definition.prepare) {
    try {
      prepared = definition.prepare(settings.toConfig(), settings);
    } catch (err) {
      if (!(err instanceof PropertyError)) throw err;
      report({ property: err.property, message: err.message, hint: err.hint });
    }
  }
  if (errors.length > 0) throw new MonitoringError(errors.join("; "));
  return { type, definition, settings, config: settings.toConfig(), prepared, warnings };
}
