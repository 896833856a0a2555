import type { Category, ComponentSpec, SpecLookup } from "./component_spec.ts";
import { ConfigError, type ConfigIssue, type Severity, sortIssues } from "./diagnostics.ts";
import {
  parseProperties,
  PropertiesSyntaxError,
  type PropertyEntry,
  toPropertyMap,
} from "./properties.ts";
import {
  checkSinkLink,
  checkSourceLinks,
  componentLine,
  type LinkContext,
  type ListedComponent,
  SOURCE_LINK_PROPERTIES,
} from "./links.ts";
import { resolveSettings } from "./resolve_settings.ts";
import type { RawProperty, Settings } from "./settings.ts";
import { splitList } from "./spec.ts";
import { substitute, type Variables } from "./substitute.ts";
import { didYouMean } from "./suggest.ts";

/** One configured component of the agent. */
export interface ComponentConfig {
  readonly category: Category;
  readonly name: string;
  /** The type as written in the file. */
  readonly type: string;
  readonly spec: ComponentSpec;
  readonly settings: Settings;
}

/** A source and the channels it writes to. */
export interface SourceConfig extends ComponentConfig {
  /** Every channel of the source, in the order listed. */
  readonly channels: readonly string[];
  /** Channels whose failures the replicating selector ignores (`selector.optional`). */
  readonly optionalChannels: readonly string[];
}

/** A sink and the one channel it takes from. */
export interface SinkConfig extends ComponentConfig {
  readonly channel: string;
}

/** The named agent's validated topology. */
export interface AgentConfig {
  readonly file: string;
  readonly agent: string;
  readonly sources: readonly SourceConfig[];
  readonly channels: readonly ComponentConfig[];
  readonly sinks: readonly SinkConfig[];
  /** Warnings found while loading (unknown properties, unlisted components). */
  readonly warnings: readonly ConfigIssue[];
}

/** Inputs of {@linkcode loadAgentConfig}. */
export interface LoadOptions {
  /** Shown in messages. */
  readonly file: string;
  /** The agent to build (`-n`). */
  readonly agent: string;
  readonly variables: Variables;
  readonly specs: SpecLookup;
}

const GROUPS = {
  sources: "source",
  channels: "channel",
  sinks: "sink",
} as const satisfies Record<string, Category>;
type Group = keyof typeof GROUPS;

/** Properties every component of a category takes besides its type's own. */
const GENERIC: Record<Category, readonly string[]> = {
  source: ["type", ...SOURCE_LINK_PROPERTIES],
  channel: ["type"],
  sink: ["type", "channel"],
};

/** The link property of the other category, misused: a source's `channel`, a sink's `channels`. */
const WRONG_LINK: Record<Category, string | undefined> = {
  source: "channel",
  channel: undefined,
  sink: "channels",
};

/** A listed component, its keys still being collected. */
interface Listed extends ListedComponent {
  readonly props: Map<string, RawProperty>;
}

/**
 * Reads a flume.conf text and validates the named agent. Every problem is
 * collected; when any is an error, throws ConfigError with all of them.
 */
export function loadAgentConfig(text: string, options: LoadOptions): AgentConfig {
  const { file, agent, specs } = options;
  const issues: ConfigIssue[] = [];
  const issue = (
    severity: Severity,
    line: number | undefined,
    message: string,
    extra: Partial<ConfigIssue> = {},
  ): void => {
    issues.push({ severity, file, line, message, ...extra });
  };
  // A line whose ${...} is unset reports that alone, not what the empty value then breaks.
  const unset: ConfigIssue[] = [];
  const unsetLines = new Set<number>();
  const collected = (): ConfigIssue[] =>
    sortIssues([
      ...unset,
      ...issues.filter((i) => i.line === undefined || !unsetLines.has(i.line)),
    ]);
  const fail = (): never => {
    throw new ConfigError(collected());
  };

  let entries: PropertyEntry[];
  try {
    entries = parseProperties(text);
  } catch (err) {
    const line = err instanceof PropertiesSyntaxError ? err.line : undefined;
    issue("error", line, err instanceof Error ? err.message : String(err));
    return fail();
  }
  const props = toPropertyMap(entries);
  const prefix = `${agent}.`;
  const own = [...props.values()].filter((e) => e.key.startsWith(prefix));
  if (own.length === 0) {
    const agents = agentNames(entries);
    issue("error", undefined, `No agent "${agent}" in ${file}`, {
      hint: agents.length === 0
        ? "the file defines no agent (keys look like AGENT.sources = ...)"
        : [didYouMean(agent, agents), `agents in this file: ${agents.join(", ")}`]
          .filter((part) => part !== undefined).join(" "),
    });
    return fail();
  }

  // Substitute ${env:X} / ${sys:X} in the agent's values.
  const values = new Map<string, RawProperty>();
  for (const entry of own) {
    const key = entry.key.slice(prefix.length);
    const result = substitute(entry.value, options.variables);
    values.set(key, { value: result.value, line: entry.line });
    if (result.missing.length === 0) continue;
    const missing = [...new Set(result.missing)];
    const [group, name, ...rest] = key.split(".");
    const inComponent = isGroup(group) && name !== undefined && rest.length > 0;
    unsetLines.add(entry.line);
    unset.push({
      severity: "error",
      file,
      line: entry.line,
      component: inComponent ? `${group}.${name}` : undefined,
      property: inComponent ? rest.join(".") : entry.key,
      message: missing.length === 1
        ? `Variable "${missing[0]}" is not set`
        : `Variables ${missing.map((m) => `"${m}"`).join(", ")} are not set`,
      hint: missing.map(unsetHint).join("; "),
    });
  }

  // The lists, then every key under them.
  const listed = {} as Record<Group, Map<string, Listed>>;
  for (const group of Object.keys(GROUPS) as Group[]) {
    listed[group] = new Map();
    const list = values.get(group);
    for (const name of list ? splitList(list.value) : []) {
      listed[group].set(name, { name, line: list!.line, props: new Map() });
    }
  }
  const unlisted = new Set<string>();
  for (const [key, raw] of values) {
    const [group, name, ...rest] = key.split(".");
    if (name === undefined && isGroup(group)) continue; // a list itself
    if (group === "sinkgroups") {
      const groups = splitList(raw.value);
      if (name !== undefined || groups.length === 0) continue; // reported once, on the list
      issue("error", raw.line, `Unsupported sink group "${groups.join(" ")}"`, {
        property: `${prefix}sinkgroups`,
        hint: "remove the sink group; each sink then runs on its own, as Flume's default",
      });
      continue;
    }
    if (!isGroup(group) || name === undefined || rest.length === 0) {
      issue("warning", raw.line, `Unknown key "${prefix}${key}": ignored`, {
        hint: isGroup(group)
          ? `a property of ${group}.${name} is set as ${prefix}${group}.${name}.PROPERTY`
          : didYouMean(group, [...Object.keys(GROUPS), "sinkgroups"]),
      });
      continue;
    }
    const component = listed[group].get(name);
    if (!component) {
      const id = `${group}.${name}`;
      if (!unlisted.has(id)) {
        unlisted.add(id);
        issue("warning", raw.line, `Configured but not listed in ${prefix}${group}: ignored`, {
          component: id,
          hint: `add "${name}" to ${prefix}${group} to use it`,
        });
      }
      continue;
    }
    component.props.set(rest.join("."), raw);
  }

  const count = (g: Group): number => listed[g].size;
  if (count("channels") === 0) {
    issue("error", values.get("channels")?.line, `Agent "${agent}" lists no channels`, {
      hint: `add "${prefix}channels = c1" and configure ${prefix}channels.c1.type`,
    });
  }
  if (count("sources") === 0 && count("sinks") === 0) {
    issue("error", undefined, `Agent "${agent}" lists no sources and no sinks`, {
      hint: `add "${prefix}sources = ..." and "${prefix}sinks = ..."`,
    });
  }

  const configured = (group: Group): Listed[] =>
    [...listed[group].values()].filter((item) => item.props.size > 0);

  const build = (group: Group): ComponentConfig[] => {
    const category = GROUPS[group];
    const out: ComponentConfig[] = [];
    for (const item of listed[group].values()) {
      const id = `${group}.${item.name}`;
      const typeProp = item.props.get("type");
      if (item.props.size === 0) {
        issue("error", item.line, `Listed in ${prefix}${group} but never configured`, {
          component: id,
          hint: `add ${prefix}${id}.type = ..., or remove "${item.name}" from ${prefix}${group}`,
        });
        continue;
      }
      if (!typeProp || typeProp.value.trim() === "") {
        issue("error", componentLine(item), `Missing required property "type"`, {
          component: id,
          property: "type",
          hint: `known ${category} types: ${primaryTypes(specs, category).join(", ")}`,
        });
        continue;
      }
      const type = typeProp.value.trim();
      const spec = specs.spec(category, type);
      if (!spec) {
        issue("error", typeProp.line, `Unknown ${category} type "${type}"`, {
          component: id,
          property: "type",
          hint: didYouMean(type, specs.typeNames(category)) ??
            `known ${category} types: ${primaryTypes(specs, category).join(", ")}`,
        });
        continue;
      }
      const own = new Map(
        [...item.props].filter(([k]) =>
          !GENERIC[category].includes(k) && k !== WRONG_LINK[category]
        ),
      );
      const settings = resolveSettings(id, spec, own, (r) => {
        issues.push({
          severity: r.severity ?? "error",
          file,
          line: r.property ? item.props.get(r.property)?.line ?? typeProp.line : typeProp.line,
          component: id,
          property: r.property,
          message: r.message,
          hint: r.hint,
        });
      });
      out.push({ category, name: item.name, type, spec, settings });
    }
    return out;
  };

  // Links are checked for every configured component, whether or not its type is valid.
  const links: LinkContext = {
    prefix,
    channels: [...listed.channels.keys()],
    report: (i) => issues.push({ file, ...i }),
  };
  const sourceLinks = new Map(
    configured("sources").map((item) => [item.name, checkSourceLinks(item, links)]),
  );
  const sinkLinks = new Map(
    configured("sinks").map((item) => [item.name, checkSinkLink(item, links)]),
  );

  const channels = build("channels");
  const sources: SourceConfig[] = build("sources").map((c) => {
    const linked = sourceLinks.get(c.name)!;
    return { ...c, channels: linked.channels, optionalChannels: linked.optional };
  });
  const sinks: SinkConfig[] = build("sinks").map((c) => ({
    ...c,
    channel: sinkLinks.get(c.name)!,
  }));

  // Batch sizes must fit the channels' transactions; values that did not parse are reported.
  const txCapacity = new Map(
    channels
      .filter((c) => c.spec.properties.some((p) => p.name === "transactionCapacity"))
      .filter((c) => c.settings.isValid("transactionCapacity"))
      .map((c) => [c.name, c.settings.number("transactionCapacity")]),
  );
  const checkBatch = (c: ComponentConfig, group: Group, channel: string): void => {
    const tx = txCapacity.get(channel);
    const property = c.spec.batchSizeProperty ?? "batchSize";
    const batch = c.settings.get(property);
    if (tx === undefined || !c.settings.isValid(property)) return;
    if (typeof batch !== "number" || batch <= tx) return;
    const id = `${group}.${c.name}`;
    issue(
      "error",
      c.settings.line(property) ?? listed[group].get(c.name)!.props.get("type")?.line,
      `${property} ${batch} is larger than channel "${channel}"'s transactionCapacity ${tx}`,
      {
        component: id,
        property,
        hint: `set ${prefix}${id}.${property} to at most ${tx}, ` +
          `or raise ${prefix}channels.${channel}.transactionCapacity`,
      },
    );
  };
  for (const s of sources) for (const ch of s.channels) checkBatch(s, "sources", ch);
  for (const s of sinks) checkBatch(s, "sinks", s.channel);

  const all = collected();
  if (all.some((i) => i.severity === "error")) throw new ConfigError(all);
  return { file, agent, sources, channels, sinks, warnings: all };
}

/** Names of the agents a properties file defines (`NAME.sources = …` etc.). */
export function agentNames(entries: readonly PropertyEntry[]): string[] {
  const names = new Set<string>();
  for (const { key } of entries) {
    const m = /^([^.]+)\.(sources|channels|sinks|sinkgroups)(\.|$)/.exec(key);
    if (m) names.add(m[1]);
  }
  return [...names];
}

/** True for `sources`, `channels` and `sinks`; false for Object.prototype's names. */
function isGroup(name: string): name is Group {
  return Object.hasOwn(GROUPS, name);
}

/** What to do about an unset `${env:NAME}` or `${sys:NAME}`. */
function unsetHint(reference: string): string {
  const [, scope, name] = /^\$\{(env|sys):(.*)\}$/.exec(reference) ?? [];
  return scope === "sys" ? `pass -D${name}=VALUE` : `set the environment variable ${name}`;
}

function primaryTypes(specs: SpecLookup, category: Category): string[] {
  return specs.typeNames(category).filter((t) => !t.includes("."));
}
