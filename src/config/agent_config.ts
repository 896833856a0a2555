import type { Category, ComponentSpec, SpecLookup } from "./component_spec.ts";
import { ConfigError, type ConfigIssue, type Severity, sortIssues } from "./diagnostics.ts";
import { parseProperties, type PropertyEntry, toPropertyMap } from "./properties.ts";
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
  source: ["type", "channels", "selector.type", "selector.optional"],
  channel: ["type"],
  sink: ["type", "channel"],
};

interface Listed {
  readonly name: string;
  readonly line: number;
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
  const fail = (): never => {
    throw new ConfigError(sortIssues(issues));
  };

  let entries: PropertyEntry[];
  try {
    entries = parseProperties(text);
  } catch (err) {
    issue("error", undefined, err instanceof Error ? err.message : String(err));
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
        : `${didYouMean(agent, agents) ?? "agents in this file:"} (${agents.join(", ")})`,
    });
    return fail();
  }

  // Substitute ${env:X} / ${sys:X} in the agent's values.
  const values = new Map<string, RawProperty>();
  for (const entry of own) {
    const result = substitute(entry.value, options.variables);
    if ("missing" in result) {
      issue("error", entry.line, `${entry.key}: ${result.missing.join(", ")} is not set`, {
        hint: "set the environment variable, or pass -DNAME=VALUE for ${sys:NAME}",
      });
      values.set(entry.key.slice(prefix.length), { value: "", line: entry.line });
    } else {
      values.set(entry.key.slice(prefix.length), { value: result.value, line: entry.line });
    }
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
  for (const [key, raw] of values) {
    const [group, name, ...rest] = key.split(".");
    if (rest.length === 0 && name === undefined && (group in GROUPS || group === "sinkgroups")) {
      continue; // a list itself
    }
    if (group === "sinkgroups") {
      if (name !== undefined) continue;
      issue("error", raw.line, `${prefix}sinkgroups: sink groups are not supported yet`, {
        hint: "remove the sink group; each sink then runs on its own, as Flume's default",
      });
      continue;
    }
    if (!(group in GROUPS) || name === undefined || rest.length === 0) {
      issue("warning", raw.line, `Unknown key "${prefix}${key}": ignored`, {
        hint: didYouMean(group, [...Object.keys(GROUPS), "sinkgroups"]),
      });
      continue;
    }
    const component = listed[group as Group].get(name);
    if (!component) {
      issue(
        "warning",
        raw.line,
        `${group}.${name} is configured but not listed in ${prefix}${group}: ignored`,
        { component: `${group}.${name}` },
      );
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

  const build = (group: Group): ComponentConfig[] => {
    const category = GROUPS[group];
    const out: ComponentConfig[] = [];
    for (const item of listed[group].values()) {
      const id = `${group}.${item.name}`;
      const typeProp = item.props.get("type");
      if (item.props.size === 0) {
        issue("error", item.line, `${category} "${item.name}" is listed but never configured`, {
          component: id,
          hint: `add ${prefix}${id}.type = ...`,
        });
        continue;
      }
      if (!typeProp || typeProp.value.trim() === "") {
        issue("error", typeProp?.line ?? item.line, `Missing required property "type"`, {
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
      const own = new Map([...item.props].filter(([k]) => !GENERIC[category].includes(k)));
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

  const channels = build("channels");
  const channelNames = [...listed.channels.keys()];
  const checkChannel = (id: string, property: string, raw: RawProperty, name: string): void => {
    if (!listed.channels.has(name)) {
      issue("error", raw.line, `Channel "${name}" is not defined`, {
        component: id,
        property,
        hint: didYouMean(name, channelNames) ?? `defined channels: ${channelNames.join(", ")}`,
      });
    }
  };

  const sources: SourceConfig[] = build("sources").map((c) => {
    const id = `sources.${c.name}`;
    const props = listed.sources.get(c.name)!.props;
    const raw = props.get("channels");
    const names = raw ? splitList(raw.value) : [];
    if (!raw || names.length === 0) {
      issue("error", props.get("type")?.line, `Missing required property "channels"`, {
        component: id,
        property: "channels",
        hint: props.has("channel") ? `a source takes "channels" (plural)` : undefined,
      });
    }
    for (const name of names) checkChannel(id, "channels", raw!, name);
    const selector = props.get("selector.type");
    if (selector && selector.value.trim().toLowerCase() !== "replicating") {
      issue("error", selector.line, `Unsupported selector.type "${selector.value.trim()}"`, {
        component: id,
        property: "selector.type",
        hint: "only the replicating selector is available",
      });
    }
    const optionalRaw = props.get("selector.optional");
    const optional = optionalRaw ? splitList(optionalRaw.value) : [];
    for (const name of optional) {
      if (!names.includes(name)) {
        issue("error", optionalRaw!.line, `Optional channel "${name}" is not in channels`, {
          component: id,
          property: "selector.optional",
        });
      }
    }
    for (const [key, prop] of props) {
      if (key === "interceptors" || key.startsWith("interceptors.")) {
        issue("error", prop.line, `Interceptors are not supported yet`, {
          component: id,
          property: key,
        });
      } else if (key.startsWith("selector.") && !GENERIC.source.includes(key)) {
        issue("warning", prop.line, `Unknown selector property "${key}": ignored`, {
          component: id,
          property: key,
        });
      }
    }
    return { ...c, channels: names, optionalChannels: optional };
  });

  const sinks: SinkConfig[] = build("sinks").map((c) => {
    const id = `sinks.${c.name}`;
    const props = listed.sinks.get(c.name)!.props;
    const raw = props.get("channel");
    const name = raw?.value.trim() ?? "";
    if (!raw || name === "") {
      issue("error", props.get("type")?.line, `Missing required property "channel"`, {
        component: id,
        property: "channel",
        hint: props.has("channels")
          ? `a sink takes one "channel" (singular)`
          : `add ${prefix}${id}.channel = ${channelNames[0] ?? "c1"}`,
      });
    } else if (/\s/.test(name)) {
      issue("error", raw.line, `A sink takes exactly one channel, got "${name}"`, {
        component: id,
        property: "channel",
      });
    } else {
      checkChannel(id, "channel", raw, name);
    }
    return { ...c, channel: name };
  });

  // Batch sizes must fit the channels' transactions.
  const txCapacity = new Map(
    channels
      .filter((c) => c.spec.properties.some((p) => p.name === "transactionCapacity"))
      .map((c) => [c.name, c.settings.number("transactionCapacity")]),
  );
  const checkBatch = (c: ComponentConfig, id: string, channel: string): void => {
    const tx = txCapacity.get(channel);
    const batch = c.settings.get("batchSize");
    if (tx === undefined || typeof batch !== "number" || batch <= tx) return;
    issue(
      "error",
      c.settings.line("batchSize") ?? listed[id.startsWith("sources") ? "sources" : "sinks"]
        .get(c.name)!.props.get("type")?.line,
      `batchSize ${batch} is larger than channel "${channel}"'s transactionCapacity ${tx}`,
      {
        component: id,
        property: "batchSize",
        hint: `lower batchSize, or raise ${prefix}channels.${channel}.transactionCapacity`,
      },
    );
  };
  for (const s of sources) for (const ch of s.channels) checkBatch(s, `sources.${s.name}`, ch);
  for (const s of sinks) checkBatch(s, `sinks.${s.name}`, s.channel);

  if (issues.some((i) => i.severity === "error")) fail();
  return { file, agent, sources, channels, sinks, warnings: sortIssues(issues) };
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

function primaryTypes(specs: SpecLookup, category: Category): string[] {
  return specs.typeNames(category).filter((t) => !t.includes("."));
}
