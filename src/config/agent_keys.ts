import type { RawProperty } from "../api/properties.ts";
import type { ConfigIssue } from "./diagnostics.ts";
import { confLabel, type ConfText, layoutFiles } from "./conf_files.ts";
import { listedKind } from "./kinds.ts";
import { parseProperties, PropertiesSyntaxError, type PropertyEntry } from "./properties.ts";
import { substitute, type Substitution, type Variables } from "./substitute.ts";
import { didYouMean } from "../util/suggest.ts";

/** The named agent's keys, without the `AGENT.` prefix, values substituted. */
export interface AgentKeys {
  readonly keys: ReadonlyMap<string, RawProperty>;
  /** Lines whose `${…}` is unset: they report that alone, not what the empty value breaks. */
  readonly unsetLines: ReadonlySet<number>;
}

/** The outcome of a stage: its value (absent when nothing can follow) and its problems. */
export interface Stage<T> {
  readonly value?: T;
  readonly issues: readonly ConfigIssue[];
}

/** Options of {@linkcode agentKeys}. */
export interface AgentKeysOptions {
  /** The agent whose keys to keep (`-n`). */
  readonly agent: string;
  /** `${env:…}` and `${sys:…}`; `${NAME}` reads the files' own keys. */
  readonly variables: Variables;
}

/**
 * The first stages: parse each file as java.util.Properties does, merge
 * them as Flume does (one Properties, files loaded in order: a later file's
 * key wins, as a later line of one file does), keep the named agent's keys
 * and substitute `${env:X}`, `${sys:X}` and `${X}` (any key of any file) in
 * their values. Lines are those of {@linkcode layoutFiles}; issues name
 * the files together ({@linkcode confLabel}) until placed. No value when a
 * file does not parse or no file defines the agent.
 */
export function agentKeys(
  files: readonly ConfText[],
  options: AgentKeysOptions,
): Stage<AgentKeys> {
  const { agent } = options;
  const file = confLabel(files);
  const { merged, issues } = mergeFiles(files);
  if (issues.length > 0) return { issues };
  const prefix = `${agent}.`;
  const own = [...merged.values()].filter((entry) => entry.key.startsWith(prefix));
  if (own.length === 0) {
    const agents = agentNames([...merged.values()]);
    const one = files.length === 1;
    return {
      issues: [{
        severity: "error",
        file,
        message: `No agent "${agent}" in ${file}`,
        hint: agents.length === 0
          ? `${one ? "the file defines" : "the files define"} no agent ` +
            "(keys look like AGENT.sources = ...)"
          : [
            didYouMean(agent, agents),
            `agents in ${one ? "this file" : "these files"}: ${agents.join(", ")}`,
          ]
            .filter((part) => part !== undefined).join(" "),
      }],
    };
  }
  const variables: Variables = {
    env: (name) => options.variables.env(name),
    sys: options.variables.sys,
    conf: (name) => merged.get(name)?.value,
  };
  const keys = new Map<string, RawProperty>();
  const unsetLines = new Set<number>();
  for (const entry of own) {
    const key = entry.key.slice(prefix.length);
    const result = substitute(entry.value, variables);
    if (result.missing.length === 0 && result.cycles.length === 0) {
      keys.set(key, { value: result.value, line: entry.line });
      continue;
    }
    keys.set(key, { value: result.value, line: entry.line, unresolved: true });
    const [list, name, ...rest] = key.split(".");
    const inComponent = listedKind(list) !== undefined && name !== undefined && rest.length > 0;
    unsetLines.add(entry.line);
    const where = {
      severity: "error",
      file,
      line: entry.line,
      component: inComponent ? `${list}.${name}` : undefined,
      property: inComponent ? rest.join(".") : entry.key,
    } as const satisfies Omit<ConfigIssue, "message">;
    issues.push(...referenceIssues(result, where));
  }
  return { value: { keys, unsetLines }, issues };
}

/**
 * The files' keys as one Properties holds them after loading each file in
 * turn: a later key replaces an earlier one (keeping its place), lines
 * those of {@linkcode layoutFiles}. Each file that does not parse is an issue.
 */
function mergeFiles(
  files: readonly ConfText[],
): { merged: Map<string, PropertyEntry>; issues: ConfigIssue[] } {
  const spans = layoutFiles(files);
  const merged = new Map<string, PropertyEntry>();
  const issues: ConfigIssue[] = [];
  files.forEach((conf, index) => {
    try {
      const offset = spans[index].offset;
      for (const entry of parseProperties(conf.text)) {
        merged.set(entry.key, { ...entry, line: entry.line + offset });
      }
    } catch (err) {
      const line = err instanceof PropertiesSyntaxError ? err.line : undefined;
      const message = err instanceof Error ? err.message : String(err);
      issues.push({ severity: "error", file: conf.file, line, message });
    }
  });
  return { merged, issues };
}

/** The errors of one value's substitution: its unset references, its cycles. */
function referenceIssues(
  result: Substitution,
  where: Omit<ConfigIssue, "message">,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const missing = [...new Set(result.missing)];
  if (missing.length > 0) {
    issues.push({
      ...where,
      message: missing.length === 1
        ? `Variable "${missing[0]}" is not set`
        : `Variables ${missing.map((m) => `"${m}"`).join(", ")} are not set`,
      hint: missing.map(unsetHint).join("; "),
    });
  }
  for (const cycle of new Set(result.cycles)) {
    const names = [...new Set(cycle.split(" -> "))];
    issues.push({
      ...where,
      message: `Variables refer back to themselves: ${cycle}`,
      hint: `a value cannot depend on itself: give ${
        names.map((n) => `"${n}"`).join(" or ")
      } a value without the \${...} that leads back`,
    });
  }
  return issues;
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

/** What to do about an unset `${env:NAME}`, `${sys:NAME}` or `${NAME}`. */
function unsetHint(reference: string): string {
  const [, scope, name] = /^\$\{(?:(env|sys):)?([\s\S]*)\}$/.exec(reference) ?? [];
  if (scope === "sys") return `pass -D${name}=VALUE`;
  if (scope === "env") return `set the environment variable ${name}`;
  return `add "${name} = VALUE" to a configuration file (one more -f FILE will do)`;
}
