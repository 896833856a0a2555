/**
 * Loading a flume.conf as pure stages: parse → keep the agent's keys and
 * substitute variables → group by component → resolve each against its
 * definition → link to channels → cross-checks. Every stage returns its
 * problems; all of them are reported together.
 *
 * @module
 */
import type { ComponentLookup } from "../api/component.ts";
import { agentKeys } from "./agent_keys.ts";
import { confLabel, type ConfSpan, type ConfText, layoutFiles, placeIssues } from "./conf_files.ts";
import { ConfigError, type ConfigIssue, foldAlikeWarnings, sortIssues } from "./diagnostics.ts";
import { groupComponents, type ListedComponent } from "./group_components.ts";
import { LISTED_KINDS } from "./kinds.ts";
import { checkLink, checkSelectorChannels, type LinkContext } from "./links.ts";
import { splitList } from "./parse_value.ts";
import {
  type ComponentConfig,
  resolveComponent,
  type ResolveContext,
  resolveInterceptors,
  resolveSelector,
} from "./resolve_components.ts";
import type { Variables } from "./substitute.ts";

import { resolveSinkGroups, type SinkGroupConfig } from "./sink_groups.ts";

export type { ComponentConfig } from "./resolve_components.ts";
export type { SinkGroupConfig } from "./sink_groups.ts";
export type { ConfSpan, ConfText } from "./conf_files.ts";
export { agentNames } from "./agent_keys.ts";

/** A source, its selector and interceptors, and the channels it writes to. */
export interface SourceConfig extends ComponentConfig<"source"> {
  /** Every channel of the source, in the order listed. */
  readonly channels: readonly string[];
  readonly selector: ComponentConfig<"selector">;
  /** In the order `interceptors` lists them. */
  readonly interceptors: readonly ComponentConfig<"interceptor">[];
}

/** A sink and the one channel it takes from. */
export interface SinkConfig extends ComponentConfig<"sink"> {
  readonly channel: string;
}

/** The named agent's validated topology. */
export interface AgentConfig {
  /** The file, or the files together (`a.conf + b.conf`). */
  readonly file: string;
  /**
   * Where each file's lines are among the lines the components carry, when
   * several files were read ({@linkcode placeIssues} puts an issue back in its file).
   * @default undefined (one file: lines are its own)
   */
  readonly files?: readonly ConfSpan[];
  readonly agent: string;
  readonly sources: readonly SourceConfig[];
  readonly channels: readonly ComponentConfig<"channel">[];
  readonly sinks: readonly SinkConfig[];
  /** Sink groups, in the order listed; a sink in none runs on its own. */
  readonly sinkGroups: readonly SinkGroupConfig[];
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
  /** The component types available (the registry). */
  readonly lookup: ComponentLookup;
}

/**
 * Reads a flume.conf text and validates the named agent. Every problem is
 * collected; when any is an error, throws ConfigError with all of them.
 */
export function loadAgentConfig(text: string, options: LoadOptions): AgentConfig {
  return loadAgentConfigFiles([{ file: options.file, text }], options);
}

/**
 * Reads several flume.conf texts as one, as Flume merges `--conf-file`s
 * (a later file's key wins; `${NAME}` reads any file's key), and validates
 * the named agent. Each issue names the file and line of its key; when any
 * is an error, throws ConfigError with all of them.
 */
export function loadAgentConfigFiles(
  texts: readonly ConfText[],
  options: Omit<LoadOptions, "file">,
): AgentConfig {
  const { agent } = options;
  const file = confLabel(texts);
  const files = texts.length > 1 ? layoutFiles(texts) : undefined;
  const prefix = `${agent}.`;
  const keys = agentKeys(texts, options);
  if (!keys.value) throw new ConfigError(keys.issues);
  const grouped = groupComponents(keys.value.keys, { file, prefix });
  const issues: ConfigIssue[] = [...grouped.issues];
  const listed = (list: "sources" | "channels" | "sinks"): readonly ListedComponent[] =>
    grouped.value.get(list) ?? [];
  const named = (list: string): string[] => {
    const raw = keys.value!.keys.get(list);
    return raw ? splitList(raw.value) : [];
  };
  const listLine = (list: string): number | undefined => keys.value!.keys.get(list)?.line;
  issues.push(...agentShape(named, listLine, { file, prefix }));

  const resolve: ResolveContext = { file, prefix, lookup: options.lookup };
  const link: LinkContext = { file, prefix, channels: named("channels") };
  /** The value of a stage; its problems join the others. */
  const take = <T>(stage: { value?: T; issues: readonly ConfigIssue[] }): T | undefined => {
    issues.push(...stage.issues);
    return stage.value;
  };
  const [sourceKind, , sinkKind] = LISTED_KINDS;
  // Links are checked for every configured component, whether or not its type is valid.
  const sourceLinks = new Map(
    listed("sources").map((s) => [s.name, take(checkLink(s, sourceKind.link!, link))!]),
  );
  const sinkLinks = new Map(
    listed("sinks").map((s) => [s.name, take(checkLink(s, sinkKind.link!, link))!]),
  );

  const channels = listed("channels").flatMap((c) =>
    take(resolveComponent("channel", c, resolve)) ?? []
  );
  const sources: SourceConfig[] = [];
  for (const item of listed("sources")) {
    const selector = take(resolveSelector(item, resolve));
    const interceptors = take(resolveInterceptors(item, resolve))!;
    const source = take(resolveComponent("source", item, resolve));
    const linked = sourceLinks.get(item.name)!;
    if (selector) issues.push(...checkSelectorChannels(selector, linked, link));
    if (source && selector) sources.push({ ...source, channels: linked, selector, interceptors });
  }
  const sinks: SinkConfig[] = listed("sinks").flatMap((item) => {
    const sink = take(resolveComponent("sink", item, resolve));
    return sink ? [{ ...sink, channel: sinkLinks.get(item.name)![0] ?? "" }] : [];
  });
  issues.push(...batchSizeChecks(channels, sources, sinks, { file, prefix }));
  const groups = grouped.value.get("sinkgroups") ?? [];
  const sinkGroups = take(resolveSinkGroups(groups, { ...resolve, sinks: named("sinks") }))!;

  const unset = keys.value.unsetLines;
  const all = placeIssues(
    foldAlikeWarnings(sortIssues([
      ...keys.issues,
      ...issues.filter((i) => i.line === undefined || !unset.has(i.line)),
    ])),
    { file, files },
  );
  if (all.some((i) => i.severity === "error")) throw new ConfigError(all);
  const config = { file, agent, sources, channels, sinks, sinkGroups, warnings: all };
  return files ? { ...config, files } : config;
}

/**
 * An agent needs channels, and sources or sinks; one without sources, or
 * a list naming a component twice, is worth a warning.
 */
function agentShape(
  named: (list: string) => string[],
  listLine: (list: string) => number | undefined,
  { file, prefix }: { file: string; prefix: string },
): ConfigIssue[] {
  const agent = prefix.slice(0, -1);
  const issues: ConfigIssue[] = [];
  if (named("channels").length === 0) {
    issues.push({
      severity: "error",
      file,
      line: listLine("channels"),
      message: `Agent "${agent}" lists no channels`,
      hint: `add "${prefix}channels = c1" and configure ${prefix}channels.c1.type`,
    });
  }
  const sources = named("sources").length > 0;
  const sinks = named("sinks").length > 0;
  if (!sources && !sinks) {
    issues.push({
      severity: "error",
      file,
      message: `Agent "${agent}" lists no sources and no sinks`,
      hint: `add "${prefix}sources = ..." and "${prefix}sinks = ..."`,
    });
  } else if (!sources) {
    issues.push({
      severity: "warning",
      file,
      message: `Agent "${agent}" lists no sources: its sinks only drain what the channels hold`,
      hint: `add "${prefix}sources = ..." unless draining a file channel is the point`,
    });
  }
  for (const list of ["sources", "channels", "sinks", "sinkgroups"]) {
    const names = named(list);
    const twice = [...new Set(names.filter((name, i) => names.indexOf(name) !== i))];
    if (twice.length === 0) continue;
    issues.push({
      severity: "warning",
      file,
      line: listLine(list),
      property: `${prefix}${list}`,
      message: `${twice.map((n) => `"${n}"`).join(", ")} listed more than once: used once`,
      hint: `list each name once: ${prefix}${list} = ${[...new Set(names)].join(" ")}`,
    });
  }
  return issues;
}

/** A source's or sink's batch must fit the transactions of the channels it uses. */
function batchSizeChecks(
  channels: readonly ComponentConfig<"channel">[],
  sources: readonly SourceConfig[],
  sinks: readonly SinkConfig[],
  { file, prefix }: { file: string; prefix: string },
): ConfigIssue[] {
  const txCapacity = new Map<string, number>();
  for (const c of channels) {
    const tx = c.config.transactionCapacity;
    if (typeof tx === "number" && c.settings.isValid("transactionCapacity")) {
      txCapacity.set(c.name, tx);
    }
  }
  const issues: ConfigIssue[] = [];
  const check = (c: SourceConfig | SinkConfig, channel: string): void => {
    const tx = txCapacity.get(channel);
    const property = c.definition.batchSizeProperty ?? "batchSize";
    const batch = c.config[property];
    if (tx === undefined || !c.settings.isValid(property)) return;
    if (typeof batch !== "number" || batch <= tx) return;
    issues.push({
      severity: "error",
      file,
      line: c.settings.line(property) ?? c.line,
      component: c.id,
      property,
      message:
        `${property} ${batch} is larger than channel "${channel}"'s transactionCapacity ${tx}`,
      hint: `set ${prefix}${c.id}.${property} to at most ${tx}, ` +
        `or raise ${prefix}channels.${channel}.transactionCapacity`,
    });
  };
  for (const s of sources) for (const ch of s.channels) check(s, ch);
  for (const s of sinks) check(s, s.channel);
  return issues;
}
