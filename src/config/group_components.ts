import type { RawProperty } from "../api/properties.ts";
import type { ConfigIssue } from "./diagnostics.ts";
import { LISTED_KINDS, type ListedKind, listedKind } from "./kinds.ts";
import { splitList } from "./parse_value.ts";
import { didYouMean } from "../util/suggest.ts";

/** A component named in one of the agent's lists, with the keys configured under it. */
export interface ListedComponent {
  readonly kind: ListedKind;
  readonly name: string;
  /** `sources.w1`. */
  readonly id: string;
  /** The line of the list that names it. */
  readonly line: number;
  /** Its properties, keyed by the part after `AGENT.LIST.NAME.`. */
  readonly props: ReadonlyMap<string, RawProperty>;
}

/** The agent's components, per list, in the order listed. */
export type Listed = ReadonlyMap<ListedKind["list"], readonly ListedComponent[]>;

/**
 * Groups the agent's keys by component: every list (`sources`, …) names
 * components, and `LIST.NAME.PROPERTY` keys go to them. Keys that fit no
 * listed component are warnings; a listed component without keys is an
 * error.
 */
export function groupComponents(
  keys: ReadonlyMap<string, RawProperty>,
  context: { file: string; prefix: string },
): { value: Listed; issues: ConfigIssue[] } {
  const { file, prefix } = context;
  const issues: ConfigIssue[] = [];
  const byList = new Map<string, Map<string, { line: number; props: Map<string, RawProperty> }>>();
  for (const kind of LISTED_KINDS) {
    const named = new Map<string, { line: number; props: Map<string, RawProperty> }>();
    byList.set(kind.list, named);
    const list = keys.get(kind.list);
    const names = list ? splitList(list.value) : [];
    for (const name of names) {
      if (named.has(name)) continue;
      named.set(name, { line: list!.line, props: new Map() });
    }
  }
  const unlisted = new Set<string>();
  for (const [key, raw] of keys) {
    const [list, name, ...rest] = key.split(".");
    const kind = listedKind(list);
    if (kind && name === undefined) continue; // a list itself
    if (!kind || name === undefined || rest.length === 0) {
      issues.push({
        severity: "warning",
        file,
        line: raw.line,
        message: `Unknown key "${prefix}${key}": ignored`,
        hint: kind
          ? `a property of ${list}.${name} is set as ${prefix}${list}.${name}.PROPERTY`
          : didYouMean(list, LISTED_KINDS.map((k) => k.list)),
      });
      continue;
    }
    const component = byList.get(list)!.get(name);
    if (!component) {
      const id = `${list}.${name}`;
      if (!unlisted.has(id)) {
        unlisted.add(id);
        issues.push({
          severity: "warning",
          file,
          line: raw.line,
          component: id,
          message: `Configured but not listed in ${prefix}${list}: ignored`,
          hint: `add "${name}" to ${prefix}${list} to use it`,
        });
      }
      continue;
    }
    component.props.set(rest.join("."), raw);
  }
  const value = new Map<ListedKind["list"], ListedComponent[]>();
  for (const kind of LISTED_KINDS) {
    const out: ListedComponent[] = [];
    for (const [name, { line, props }] of byList.get(kind.list)!) {
      const id = `${kind.list}.${name}`;
      if (props.size === 0) {
        // `type` for a source, channel or sink; `sinks` for a sink group.
        const key = kind.generic[0].name;
        issues.push({
          severity: "error",
          file,
          line,
          component: id,
          message: `Listed in ${prefix}${kind.list} but never configured`,
          hint: `add ${prefix}${id}.${key} = ..., or remove "${name}" from ${prefix}${kind.list}`,
        });
        continue;
      }
      out.push({ kind, name, id, line, props });
    }
    value.set(kind.list, out);
  }
  return { value, issues };
}

/**
 * The line a problem of the component is reported on when no key of its own
 * fits: its `type`, else its first key, else its list.
 */
export function componentLine(item: ListedComponent): number {
  const lines = [...item.props.values()].map((p) => p.line);
  return item.props.get("type")?.line ?? (lines.length > 0 ? Math.min(...lines) : item.line);
}
