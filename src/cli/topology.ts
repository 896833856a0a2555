import type { ComponentConfig } from "../config/agent_config.ts";
import type { AgentConfig } from "../config/agent_config.ts";
import { showDefault, showValue } from "../config/parse_value.ts";
import { redactUrl } from "../util/redact.ts";

/** What `check` prints for a secret value. */
export const MASK = "******";

/**
 * The resolved topology as `check` prints it: each component with its type,
 * its links and its effective properties (defaults marked, secrets masked,
 * URLs redacted), a source's selector and interceptors with it.
 */
export function formatTopology(config: AgentConfig): string[] {
  const lines = [`Agent "${config.agent}" in ${config.file} is valid`];
  lines.push("", "sources:");
  for (const s of config.sources) {
    lines.push(`  ${s.name} (${s.type}) -> ${s.channels.join(" ")}`);
    lines.push(...formatProperties(s));
    if (s.selector.settings.rawProperties.size > 0 || s.selector.type !== "replicating") {
      lines.push(`    selector (${s.selector.type})`);
      lines.push(...formatProperties(s.selector, "selector."));
    }
    for (const i of s.interceptors) {
      lines.push(`    interceptor ${i.name} (${i.type})`);
      lines.push(...formatProperties(i));
    }
  }
  lines.push("channels:");
  for (const c of config.channels) {
    lines.push(`  ${c.name} (${c.type})`);
    lines.push(...formatProperties(c));
  }
  lines.push("sinks:");
  for (const s of config.sinks) {
    lines.push(`  ${s.name} (${s.type}) <- ${s.channel}`);
    lines.push(...formatProperties(s));
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
