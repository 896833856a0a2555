import type { RawProperty } from "../api/properties.ts";
import type { ConfigIssue } from "./diagnostics.ts";
import { componentLine, type ListedComponent } from "./group_components.ts";
import type { LinkRule } from "./kinds.ts";
import { splitList } from "./parse_value.ts";
import type { ComponentConfig } from "./resolve_components.ts";
import { didYouMean } from "../util/suggest.ts";

/** What the link checks know of the agent being loaded. */
export interface LinkContext {
  readonly file: string;
  /** The agent's key prefix, `a1.`. */
  readonly prefix: string;
  /** Every channel the agent lists. */
  readonly channels: readonly string[];
}

/** The channels a component links to, as listed, and the problems found. */
export interface Linked {
  readonly value: string[];
  readonly issues: ConfigIssue[];
}

/**
 * Checks a component's link to channels by its kind's rule: a source's
 * `channels` (several; a `channel`, singular, is a hint, not a link), a
 * sink's one `channel` (a `channels`, plural, likewise). Returns the
 * channel names as listed; empty when there are none.
 */
export function checkLink(item: ListedComponent, rule: LinkRule, context: LinkContext): Linked {
  const { prefix, file } = context;
  const issues: ConfigIssue[] = [];
  const noun = item.kind.noun;
  const raw = item.props.get(rule.property);
  const misused = item.props.get(rule.misused);
  // A sink's one channel is one token as written ("c1," is no channel); a list splits.
  const names = !raw ? [] : rule.many ? splitList(raw.value) : raw.value.trim().split(/\s+/)
    .filter((n) => n.length > 0);
  const example = (misused && splitList(misused.value)[0]) ?? context.channels[0] ?? "c1";
  const takes = rule.many
    ? `a ${noun} takes "${rule.property}" (plural)`
    : `a ${noun} takes one "${rule.property}" (singular)`;
  const base = { file, component: item.id };
  if (names.length === 0) {
    issues.push({
      ...base,
      severity: "error",
      line: (raw ?? misused)?.line ?? componentLine(item),
      property: rule.property,
      message: `Missing required property "${rule.property}"`,
      hint: misused && !raw
        ? `${takes}: ${prefix}${item.id}.${rule.property} = ${example}`
        : `add ${prefix}${item.id}.${rule.property} = ${example}`,
    });
  } else if (misused) {
    issues.push({
      ...base,
      severity: "warning",
      line: misused.line,
      property: rule.misused,
      message: `Unknown property "${rule.misused}": ignored`,
      hint: `${takes}, which is set`,
    });
  }
  const twice = [...new Set(names.filter((name, i) => names.indexOf(name) !== i))];
  if (rule.many && twice.length > 0) {
    issues.push({
      ...base,
      severity: "warning",
      line: raw!.line,
      property: rule.property,
      message: `${twice.map((n) => `"${n}"`).join(", ")} listed more than once: each channel ` +
        `gets an event once`,
      hint: `list each channel once: ${[...new Set(names)].join(" ")}`,
    });
  }
  if (!rule.many && names.length > 1) {
    issues.push({
      ...base,
      severity: "error",
      line: raw!.line,
      property: rule.property,
      message: `A ${noun} takes exactly one channel, got "${raw!.value.trim()}"`,
    });
    return { value: [], issues };
  }
  for (const name of names) {
    issues.push(...checkChannel(item.id, rule.property, raw!, name, context));
  }
  return { value: rule.many ? [...new Set(names)] : names, issues };
}

/**
 * The channels a selector names must be the source's: those of its
 * `channelLists` properties (`optional`, `default`) and of its `list`
 * patterns (`mapping.VALUE`, `optional.VALUE`), which for a selector always
 * name channels. Each stray channel is an error on its own line.
 */
export function checkSelectorChannels(
  selector: ComponentConfig<"selector">,
  sourceChannels: readonly string[],
  context: LinkContext,
): ConfigIssue[] {
  const { definition, settings } = selector;
  if (sourceChannels.length === 0) return []; // the source's own "channels" error says it
  const named: [string, readonly string[]][] = [];
  for (const property of definition.channelLists ?? []) {
    const value = selector.config[property];
    named.push([property, Array.isArray(value) ? value as string[] : []]);
  }
  for (const pattern of definition.patterns ?? []) {
    if (pattern.kind !== "list") continue;
    for (const [name, raw] of settings.matching(pattern.pattern)) {
      named.push([name, splitList(raw.value)]);
    }
  }
  const issues: ConfigIssue[] = [];
  for (const [property, names] of named) {
    for (const name of new Set(names)) {
      if (sourceChannels.includes(name)) continue;
      const source = selector.id.replace(/\.selector$/, "");
      const seen = `the source's channels: ${sourceChannels.join(", ")}`;
      issues.push({
        severity: "error",
        file: context.file,
        line: settings.line(property),
        component: source,
        property: `selector.${property}`,
        message: `Channel "${name}" in selector.${property} is not in channels`,
        hint: context.channels.includes(name)
          ? `${seen}; add "${name}" to ${context.prefix}${source}.channels to route to it`
          : [didYouMean(name, sourceChannels), seen].filter((h) => h !== undefined).join(" "),
      });
    }
  }
  return issues;
}

function checkChannel(
  component: string,
  property: string,
  raw: RawProperty,
  name: string,
  { channels, file }: LinkContext,
): ConfigIssue[] {
  if (channels.includes(name)) return [];
  return [{
    severity: "error",
    file,
    line: raw.line,
    component,
    property,
    message: `Channel "${name}" is not defined`,
    hint: didYouMean(name, channels) ?? `defined channels: ${channels.join(", ")}`,
  }];
}
