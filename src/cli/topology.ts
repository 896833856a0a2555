import type { AgentConfig, ComponentConfig, SourceConfig } from "../config/agent_config.ts";
import { LISTED_KINDS } from "../config/kinds.ts";
import { showDefault, showValue } from "../config/parse_value.ts";
import { redactUrl } from "../util/redact.ts";
import { formatSinkGroups } from "./sink_group_topology.ts";

/** A component as `check` lists it: its links and the lines of its nested components. */
interface Shown {
  readonly c: ComponentConfig;
  readonly link: readonly string[];
  readonly nested: readonly string[];
}

/** What `check` prints for a secret value. */
export const MASK = "******";

/**
 * The resolved topology as `check` prints it: each component with its type,
 * its links and its effective properties (defaults marked, secrets masked,
 * URLs redacted), a source's selector and interceptors with it.
 */
export function formatTopology(config: AgentConfig): string[] {
  const lines = [`Agent "${config.agent}" in ${config.file} is valid`, ""];
  const components: Record<string, readonly Shown[]> = {
    sources: config.sources.map((s) => ({ c: s, link: s.channels, nested: formatNested(s) })),
    channels: config.channels.map((c) => ({ c, link: [], nested: [] })),
    sinks: config.sinks.map((s) => ({ c: s, link: [s.channel], nested: [] })),
  };
  for (const kind of LISTED_KINDS) {
    if (kind.unsupported) continue;
    lines.push(`${kind.list}:`);
    for (const { c, link, nested } of components[kind.list] ?? []) {
      const arrow = kind.link ? ` ${kind.link.many ? "->" : "<-"} ${link.join(" ")}` : "";
      lines.push(`  ${c.name} (${c.type})${arrow}`, ...formatProperties(c), ...nested);
    }
  }
  lines.push(...formatSinkGroups(config));
  return lines;
}

/** A source's selector (unless it is the default with nothing set) and interceptors. */
function formatNested(s: SourceConfig): string[] {
  const lines: string[] = [];
  if (s.selector.settings.rawProperties.size > 0 || s.selector.type !== "replicating") {
    lines.push(`    selector (${s.selector.type})`);
    lines.push(...formatProperties(s.selector, "selector."));
  }
  for (const i of s.interceptors) {
    lines.push(`    interceptor ${i.name} (${i.type})`);
    lines.push(...formatProperties(i));
  }
  return lines;
}

function formatProperties(c: ComponentConfig, prefix = ""): string[] {
  const { settings, definition } = c;
  const lines: string[] = [];
  for (const [name, decl] of Object.entries(definition.properties)) {
    if (settings.has(name)) {
      const value = settings.get(name);
      const text = value === undefined
        ? settings.raw(name) ?? ""
        : decl.kind === "duration"
        ? settings.raw(name)?.trim() ?? ""
        : showValue(value);
      const shown = decl.kind === "secret" ? MASK : decl.kind === "url" ? redactUrl(text) : text;
      lines.push(`      ${prefix}${name} = ${shown}`);
    } else {
      const shown = showDefault(decl);
      if (shown !== undefined) lines.push(`      ${prefix}${name} = ${shown} (default)`);
    }
  }
  for (const pattern of definition.patterns ?? []) {
    for (const [name, raw] of settings.matching(pattern.pattern)) {
      lines.push(`      ${prefix}${name} = ${pattern.kind === "secret" ? MASK : raw.value}`);
    }
  }
  return lines;
}
