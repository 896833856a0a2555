import type { AgentConfig, ComponentConfig, SourceConfig } from "../config/agent_config.ts";
import type { SelectorRoute } from "../api/selector.ts";
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
 * URLs redacted), a source's interceptors, selector and routing with it.
 */
export function formatTopology(config: AgentConfig): string[] {
  const lines = [`Agent "${config.agent}" in ${config.file} is valid`, ""];
  const components: Record<string, readonly Shown[]> = {
    sources: config.sources.map((s) => ({ c: s, link: s.channels, nested: formatNested(s) })),
    channels: config.channels.map((c) => ({ c, link: [], nested: [] })),
    sinks: config.sinks.map((s) => ({ c: s, link: [s.channel], nested: [] })),
  };
  for (const kind of LISTED_KINDS) {
    if (kind.kind === "sinkgroup") continue; // formatSinkGroups shows them, below
    lines.push(`${kind.list}:`);
    for (const { c, link, nested } of components[kind.list] ?? []) {
      const arrow = kind.link ? ` ${kind.link.many ? "->" : "<-"} ${link.join(" ")}` : "";
      lines.push(`  ${c.name} (${c.type})${arrow}`, ...formatProperties(c), ...nested);
    }
  }
  lines.push(...formatSinkGroups(config));
  return lines;
}

/**
 * How a source's events flow: its interceptors in order, then its selector
 * (with its properties, unless it is the default with nothing set) and
 * which channels each event may reach.
 */
function formatNested(s: SourceConfig): string[] {
  const lines: string[] = [];
  for (const i of s.interceptors) {
    lines.push(`    interceptor ${i.name} (${i.type})`);
    lines.push(...formatProperties(i));
  }
  if (s.selector.settings.rawProperties.size > 0 || s.selector.type !== "replicating") {
    lines.push(`    selector (${s.selector.type})`);
    lines.push(...formatProperties(s.selector, "selector."));
  }
  const { definition, config, settings } = s.selector;
  const routes = definition.routes?.(config, settings, s.channels) ?? [];
  if (routes.length > 0) {
    lines.push(
      "    routing:",
      ...routes.map((r) => `      ${formatRoute(r)}`),
    );
  }
  return lines;
}

/** `header state = CZ -> c1 (optional: c2)`; a route to no channel says what becomes of it. */
export function formatRoute(route: SelectorRoute): string {
  const optional = route.optional.length > 0 ? `(optional: ${route.optional.join(" ")})` : "";
  if (route.required.length === 0 && optional === "") {
    return `${route.when} -> no channel: dropped, counted as EventUnroutedCount`;
  }
  return `${route.when} -> ${[...route.required, optional].filter((t) => t !== "").join(" ")}`;
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
