import type { ConfigIssue } from "./diagnostics.ts";
import type { RawProperty } from "./settings.ts";
import { splitList } from "./spec.ts";
import { didYouMean } from "./suggest.ts";

/** A component named in one of the agent's lists, with the keys configured under it. */
export interface ListedComponent {
  readonly name: string;
  /** The line of the list that names it. */
  readonly line: number;
  /** Its properties, keyed by the part after `AGENT.GROUP.NAME.`. */
  readonly props: ReadonlyMap<string, RawProperty>;
}

/** What the link checks know of the agent being loaded. */
export interface LinkContext {
  /** The agent's key prefix, `a1.`. */
  readonly prefix: string;
  /** Every channel the agent lists. */
  readonly channels: readonly string[];
  /** Records one problem (the file is added by the caller). */
  readonly report: (issue: Omit<ConfigIssue, "file">) => void;
}

/** A source's links: the channels it writes to, and those the selector may fail on. */
export interface SourceLinks {
  readonly channels: string[];
  readonly optional: string[];
}

/** Properties a source takes besides its type's own. */
export const SOURCE_LINK_PROPERTIES: readonly string[] = [
  "channels",
  "selector.type",
  "selector.optional",
];

/**
 * The line a problem of the component is reported on when no key of its own
 * fits: its `type`, else its first key, else its list.
 */
export function componentLine(item: ListedComponent): number {
  const lines = [...item.props.values()].map((p) => p.line);
  return item.props.get("type")?.line ?? (lines.length > 0 ? Math.min(...lines) : item.line);
}

/**
 * Checks a source's `channels` (a `channel`, singular, is a hint, not a link),
 * its selector and its interceptors; returns the channels as listed.
 */
export function checkSourceLinks(item: ListedComponent, context: LinkContext): SourceLinks {
  const { prefix, report } = context;
  const component = `sources.${item.name}`;
  const { props } = item;
  const raw = props.get("channels");
  const singular = props.get("channel");
  const channels = raw ? splitList(raw.value) : [];
  if (channels.length === 0) {
    const example = singular?.value.trim() || (context.channels[0] ?? "c1");
    report({
      severity: "error",
      line: (raw ?? singular)?.line ?? componentLine(item),
      component,
      property: "channels",
      message: `Missing required property "channels"`,
      hint: singular && !raw
        ? `a source takes "channels" (plural): ${prefix}${component}.channels = ${example}`
        : `add ${prefix}${component}.channels = ${example}`,
    });
  } else if (singular) {
    report({
      severity: "warning",
      line: singular.line,
      component,
      property: "channel",
      message: `Unknown property "channel": ignored`,
      hint: `a source takes "channels" (plural), which is set`,
    });
  }
  for (const name of channels) _checkChannel(component, "channels", raw!, name, context);

  const selector = props.get("selector.type");
  if (selector && selector.value.trim().toLowerCase() !== "replicating") {
    report({
      severity: "error",
      line: selector.line,
      component,
      property: "selector.type",
      message: `Unsupported selector.type "${selector.value.trim()}"`,
      hint: "only the replicating selector is available",
    });
  }
  const optionalRaw = props.get("selector.optional");
  const optional = optionalRaw ? splitList(optionalRaw.value) : [];
  for (const name of optional) {
    if (!channels.includes(name)) {
      report({
        severity: "error",
        line: optionalRaw!.line,
        component,
        property: "selector.optional",
        message: `Optional channel "${name}" is not in channels`,
      });
    }
  }
  for (const [key, prop] of props) {
    if (key === "interceptors" || key.startsWith("interceptors.")) {
      report({
        severity: "error",
        line: prop.line,
        component,
        property: key,
        message: `Interceptors are not supported yet`,
      });
    } else if (key.startsWith("selector.") && !SOURCE_LINK_PROPERTIES.includes(key)) {
      report({
        severity: "warning",
        line: prop.line,
        component,
        property: key,
        message: `Unknown selector property "${key}": ignored`,
      });
    }
  }
  return { channels, optional };
}

/**
 * Checks a sink's one `channel` (a `channels`, plural, is a hint, not a
 * link); returns the channel name, empty when there is none.
 */
export function checkSinkLink(item: ListedComponent, context: LinkContext): string {
  const { prefix, report } = context;
  const component = `sinks.${item.name}`;
  const raw = item.props.get("channel");
  const plural = item.props.get("channels");
  const name = raw?.value.trim() ?? "";
  if (name === "") {
    const example = (plural && splitList(plural.value)[0]) ?? (context.channels[0] ?? "c1");
    report({
      severity: "error",
      line: (raw ?? plural)?.line ?? componentLine(item),
      component,
      property: "channel",
      message: `Missing required property "channel"`,
      hint: plural && !raw
        ? `a sink takes one "channel" (singular): ${prefix}${component}.channel = ${example}`
        : `add ${prefix}${component}.channel = ${example}`,
    });
  } else if (/\s/.test(name)) {
    report({
      severity: "error",
      line: raw!.line,
      component,
      property: "channel",
      message: `A sink takes exactly one channel, got "${name}"`,
    });
  } else {
    _checkChannel(component, "channel", raw!, name, context);
  }
  if (plural && raw) {
    report({
      severity: "warning",
      line: plural.line,
      component,
      property: "channels",
      message: `Unknown property "channels": ignored`,
      hint: `a sink takes one "channel" (singular), which is set`,
    });
  }
  return name;
}

function _checkChannel(
  component: string,
  property: string,
  raw: RawProperty,
  name: string,
  { channels, report }: LinkContext,
): void {
  if (channels.includes(name)) return;
  report({
    severity: "error",
    line: raw.line,
    component,
    property,
    message: `Channel "${name}" is not defined`,
    hint: didYouMean(name, channels) ?? `defined channels: ${channels.join(", ")}`,
  });
}
