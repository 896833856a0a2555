/**
 * Sink groups (`a1.sinkgroups`): a processor over several sinks. Flume
 * drops a group, or a sink of it, that breaks a rule and logs a warning;
 * flume-ws reports each as an error, with the line and a hint.
 *
 * @module
 */
import type { RawProperties, RawProperty } from "../api/properties.ts";
import type { ConfigIssue } from "./diagnostics.ts";
import { componentLine, type ListedComponent } from "./group_components.ts";
import { splitList } from "./parse_value.ts";
import {
  type ComponentConfig,
  type ResolveContext,
  resolveProcessor,
} from "./resolve_components.ts";
import { didYouMean } from "../util/suggest.ts";

/** A sink group: its processor and its sinks, in the order the group lists them. */
export interface SinkGroupConfig {
  readonly name: string;
  /** `sinkgroups.g1`. */
  readonly id: string;
  /** Its sinks, in the order `sinks` lists them; each belongs to this group only. */
  readonly sinks: readonly string[];
  readonly processor: ComponentConfig<"processor">;
  /** The line of the group's `sinks`. */
  readonly line: number;
}

/** What resolving the sink groups needs besides the registry. */
export interface SinkGroupContext extends ResolveContext {
  /** The sinks the agent's `sinks` lists. */
  readonly sinks: readonly string[];
}

/** Matches a failover processor's `priority.SINK` property. */
export const PRIORITY_PROPERTY = /^priority\.(.+)$/;

const WHOLE = /^[+-]?\d+$/;

/**
 * The failover priority of each of `sinks` (in the group's order): the
 * `priority.SINK` written, or else, as Flume does, -1, -2, … in the order
 * listed for the sinks without one. Higher runs first.
 */
export function failoverPriorities(
  sinks: readonly string[],
  props: RawProperties,
): Map<string, number> {
  const out = new Map<string, number>();
  let next = 0;
  for (const sink of sinks) {
    const written = props.raw(`priority.${sink}`)?.trim();
    out.set(sink, written !== undefined && WHOLE.test(written) ? Number(written) : --next);
  }
  return out;
}

/**
 * Resolves the agent's sink groups, in the order listed: each group's
 * `sinks` (listed in the agent's `sinks`, each in one group at most) and its
 * processor (`processor.type`, default `default`, and `processor.*`),
 * with Flume's rules about how many sinks a processor takes and which
 * sinks a failover priority may name.
 */
export function resolveSinkGroups(
  groups: readonly ListedComponent[],
  context: SinkGroupContext,
): { value: SinkGroupConfig[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const owner = new Map<string, string>();
  const value: SinkGroupConfig[] = [];
  for (const group of groups) {
    issues.push(...unknownKeys(group, context));
    const sinks = groupSinks(group, owner, context, issues);
    const processor = resolveProcessor(group, context);
    // A misplaced processor.sinks is what the missing `sinks` error already points at.
    issues.push(...processor.issues.filter((i) => sinks || i.property !== "processor.sinks"));
    if (!sinks || !processor.value) continue;
    const config: SinkGroupConfig = {
      name: group.name,
      id: group.id,
      sinks: sinks.names,
      processor: processor.value,
      line: group.props.get("sinks")!.line,
    };
    // The rules run on the sinks as listed, known or not, so that every problem shows at once.
    issues.push(...processorRules(config, context));
    if (sinks.ok) value.push(config);
  }
  return { value, issues };
}

/** Keys of a group other than `sinks`, `processor.type` and `processor.*`: warnings. */
function unknownKeys(group: ListedComponent, context: SinkGroupContext): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [key, raw] of group.props) {
    if (key === "sinks" || key.startsWith("processor.")) continue;
    issues.push({
      severity: "warning",
      file: context.file,
      line: raw.line,
      component: group.id,
      property: key,
      message: `Unknown property "${key}" for a sink group: ignored`,
      hint: key === "processor" || key === "type"
        ? `the processor is set as ${context.prefix}${group.id}.processor.type`
        : didYouMean(key, ["sinks", "processor.type"]) ??
          "a sink group takes sinks, processor.type and processor.PROPERTY",
    });
  }
  return issues;
}

/**
 * The group's sinks, each once, in order, and whether they are all fine
 * (each listed in the agent's `sinks`, none in another group); undefined
 * when it lists none. Every problem is reported.
 */
function groupSinks(
  group: ListedComponent,
  owner: Map<string, string>,
  context: SinkGroupContext,
  issues: ConfigIssue[],
): { names: string[]; ok: boolean } | undefined {
  const { file, prefix } = context;
  const raw: RawProperty | undefined = group.props.get("sinks");
  const at = { severity: "error", file, component: group.id, property: "sinks" } as const;
  if (raw === undefined || splitList(raw.value).length === 0) {
    const misplaced = group.props.has("processor.sinks");
    issues.push({
      ...at,
      line: raw?.line ?? componentLine(group),
      message: raw === undefined ? `Missing required property "sinks"` : "Lists no sinks",
      hint: misplaced
        ? `list them as ${prefix}${group.id}.sinks (not processor.sinks, which Flume ignores too)`
        : `add ${prefix}${group.id}.sinks = k1 k2, naming sinks of ${prefix}sinks`,
    });
    return undefined;
  }
  const names = splitList(raw.value);
  const once = [...new Set(names)];
  if (once.length < names.length) {
    issues.push({
      ...at,
      severity: "warning",
      line: raw.line,
      message: "A sink is listed more than once: used once",
      hint: `list each sink once: ${prefix}${group.id}.sinks = ${once.join(" ")}`,
    });
  }
  let ok = true;
  for (const sink of once) {
    const other = owner.get(sink);
    if (!context.sinks.includes(sink)) {
      ok = false;
      issues.push({
        ...at,
        line: raw.line,
        message: `Sink "${sink}" is not listed in ${prefix}sinks`,
        hint: didYouMean(sink, context.sinks) ??
          `add "${sink}" to ${prefix}sinks and configure it, or remove it from the group`,
      });
    } else if (other !== undefined) {
      ok = false;
      issues.push({
        ...at,
        line: raw.line,
        message: `Sink "${sink}" already belongs to sink group "${other}"`,
        hint: `a sink belongs to one sink group at most: remove "${sink}" from ` +
          `${prefix}sinkgroups.${group.name}.sinks or from ${prefix}sinkgroups.${other}.sinks`,
      });
    } else {
      owner.set(sink, group.name);
    }
  }
  return { names: once, ok };
}

/**
 * Flume's rules about the sinks of a processor type: `default` runs one,
 * `load_balance` needs two or more, a `failover` priority names a sink of
 * the group and no two sinks share one.
 */
function processorRules(group: SinkGroupConfig, context: SinkGroupContext): ConfigIssue[] {
  const { file, prefix } = context;
  const { processor, sinks } = group;
  const type = processor.definition.type;
  const where = `${prefix}${group.id}`;
  const at = { severity: "error", file, component: group.id } as const;
  const issues: ConfigIssue[] = [];
  if (type === "default" && sinks.length !== 1) {
    issues.push({
      ...at,
      line: group.line,
      property: "sinks",
      message: `The default processor runs exactly one sink; the group lists ${sinks.length}`,
      hint: `set ${where}.processor.type = failover or load_balance, or list one sink`,
    });
  }
  if (type === "load_balance" && sinks.length < 2) {
    issues.push({
      ...at,
      line: group.line,
      property: "sinks",
      message: "The load_balance processor needs at least two sinks; the group lists one",
      hint: `add a sink to ${where}.sinks, or remove the group: a sink in no group runs on its own`,
    });
  }
  if (type !== "failover") return issues;
  const settings = processor.settings;
  for (const [name, raw] of settings.matching(PRIORITY_PROPERTY)) {
    const sink = PRIORITY_PROPERTY.exec(name)![1];
    if (sinks.includes(sink)) continue;
    issues.push({
      ...at,
      line: raw.line,
      property: `processor.${name}`,
      message: `Sink "${sink}" is not in the sink group`,
      hint: context.sinks.includes(sink)
        ? `add "${sink}" to ${where}.sinks, or remove ${where}.processor.${name}`
        : didYouMean(sink, sinks) ?? `the group's sinks are ${sinks.join(" ")}`,
    });
  }
  const priorities = failoverPriorities(sinks, settings);
  const byPriority = new Map<number, string>();
  for (const [sink, priority] of priorities) {
    const first = byPriority.get(priority);
    if (first === undefined) {
      byPriority.set(priority, sink);
      continue;
    }
    const implicit = (s: string): string =>
      settings.has(`priority.${s}`) ? "" : " (no priority set: it follows the order listed)";
    issues.push({
      ...at,
      line: settings.line(`priority.${sink}`) ?? settings.line(`priority.${first}`) ?? group.line,
      property: `processor.priority.${sink}`,
      message: `Sinks "${first}"${implicit(first)} and "${sink}"${
        implicit(sink)
      } have the same priority ${priority}`,
      hint: `give each sink of the group its own ${where}.processor.priority.SINK ` +
        `(Flume would run only one of them)`,
    });
  }
  return issues;
}
