import type { AgentConfig, ComponentConfig } from "../config/agent_config.ts";
import { showValue } from "../config/spec.ts";

/** What `check` prints for a secret value. */
export const MASK = "******";

/**
 * The resolved topology as `check` prints it: each component with its type,
 * its links and its effective properties (defaults marked, secrets masked).
 */
export function formatTopology(config: AgentConfig): string[] {
  const lines = [`Agent "${config.agent}" in ${config.file} is valid`];
  lines.push("", "sources:");
  for (const s of config.sources) {
    lines.push(`  ${s.name} (${s.type}) -> ${s.channels.join(" ")}`);
    lines.push(...formatProperties(s));
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

function formatProperties(c: ComponentConfig): string[] {
  const { settings, spec } = c;
  const lines: string[] = [];
  for (const prop of spec.properties) {
    if (settings.has(prop.name)) {
      const value = settings.get(prop.name);
      const text = value === undefined ? "" : showValue(value);
      const shown = prop.secret ? MASK : prop.redact ? prop.redact(text) : text;
      lines.push(`      ${prop.name} = ${shown}`);
    } else if (prop.default !== undefined || prop.defaultText !== undefined) {
      const shown = prop.defaultText ?? showValue(prop.default!);
      lines.push(`      ${prop.name} = ${shown} (default)`);
    }
  }
  for (const pattern of spec.patterns ?? []) {
    for (const [name, raw] of settings.matching(pattern.pattern)) {
      lines.push(`      ${name} = ${pattern.secret ? MASK : raw.value}`);
    }
  }
  return lines;
}
