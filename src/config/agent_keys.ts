import type { RawProperty } from "../api/properties.ts";
import type { ConfigIssue } from "./diagnostics.ts";
import { listedKind } from "./kinds.ts";
import { parseProperties, PropertiesSyntaxError, type PropertyEntry } from "./properties.ts";
import { substitute, type Variables } from "./substitute.ts";
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

/**
 * The first stages: parse the text as java.util.Properties does, keep the
 * named agent's keys (last one wins), and substitute `${env:X}` and
 * `${sys:X}` in their values. No value when the text does not parse or
 * defines no such agent.
 */
export function agentKeys(
  text: string,
  options: { file: string; agent: string; variables: Variables },
): Stage<AgentKeys> {
  const { file, agent } = options;
  let entries: PropertyEntry[];
  try {
    entries = parseProperties(text);
  } catch (err) {
    const line = err instanceof PropertiesSyntaxError ? err.line : undefined;
    const message = err instanceof Error ? err.message : String(err);
    return { issues: [{ severity: "error", file, line, message }] };
  }
  const prefix = `${agent}.`;
  const own = new Map<string, PropertyEntry>();
  for (const entry of entries) if (entry.key.startsWith(prefix)) own.set(entry.key, entry);
  if (own.size === 0) {
    const agents = agentNames(entries);
    return {
      issues: [{
        severity: "error",
        file,
        message: `No agent "${agent}" in ${file}`,
        hint: agents.length === 0
          ? "the file defines no agent (keys look like AGENT.sources = ...)"
          : [didYouMean(agent, agents), `agents in this file: ${agents.join(", ")}`]
            .filter((part) => part !== undefined).join(" "),
      }],
    };
  }
  const keys = new Map<string, RawProperty>();
  const unsetLines = new Set<number>();
  const issues: ConfigIssue[] = [];
  for (const entry of own.values()) {
    const key = entry.key.slice(prefix.length);
    const result = substitute(entry.value, options.variables);
    if (result.missing.length === 0) {
      keys.set(key, { value: result.value, line: entry.line });
      continue;
    }
    keys.set(key, { value: result.value, line: entry.line, unresolved: true });
    const missing = [...new Set(result.missing)];
    const [list, name, ...rest] = key.split(".");
    const inComponent = listedKind(list) !== undefined && name !== undefined && rest.length > 0;
    unsetLines.add(entry.line);
    issues.push({
      severity: "error",
      file,
      line: entry.line,
      component: inComponent ? `${list}.${name}` : undefined,
      property: inComponent ? rest.join(".") : entry.key,
      message: missing.length === 1
        ? `Variable "${missing[0]}" is not set`
        : `Variables ${missing.map((m) => `"${m}"`).join(", ")} are not set`,
      hint: missing.map(unsetHint).join("; "),
    });
  }
  return { value: { keys, unsetLines }, issues };
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

/** What to do about an unset `${env:NAME}` or `${sys:NAME}`. */
function unsetHint(reference: string): string {
  const [, scope, name] = /^\$\{(env|sys):(.*)\}$/.exec(reference) ?? [];
  return scope === "sys" ? `pass -D${name}=VALUE` : `set the environment variable ${name}`;
}
