import type { AgentConfig, ComponentConfig, SinkGroupConfig } from "../config/agent_config.ts";
import { showDefault, showValue } from "../config/parse_value.ts";
import { failoverPriorities, PRIORITY_PROPERTY } from "../config/sink_groups.ts";

/** What `check` prints for a secret value (as topology.ts does). */
const MASK = "******";

/**
 * `check`'s lines for the agent's sink groups: each group with its
 * processor type and the sinks in the order the processor tries them, the
 * processor's properties (defaults marked), then its sinks: for failover
 * highest priority first with each priority, for load_balance as listed
 * with the selector. None when the agent has no sink groups.
 */
export function formatSinkGroups(config: AgentConfig): string[] {
  if (config.sinkGroups.length === 0) return [];
  const lines = ["sinkgroups:"];
  for (const group of config.sinkGroups) {
    const { processor } = group;
    const members = memberLines(group);
    lines.push(`  ${group.name} (${processor.type}) -> ${members.order.join(" ")}`);
    lines.push(...processorProperties(processor), ...members.lines);
  }
  return lines;
}

/** The group's sinks in the order the processor tries them, and the lines describing them. */
function memberLines(group: SinkGroupConfig): { order: string[]; lines: string[] } {
  const { processor, sinks } = group;
  switch (processor.definition.type) {
    case "failover": {
      const priorities = failoverPriorities(sinks, processor.settings);
      const order = [...sinks].sort((a, b) => priorities.get(b)! - priorities.get(a)!);
      const lines = order.map((sink, i) => {
        const implicit = processor.settings.has(`priority.${sink}`) ? "" : ", by the order listed";
        return `    ${sink}: priority ${priorities.get(sink)}${implicit}${
          i === 0 ? " (active)" : ""
        }`;
      });
      return { order, lines };
    }
    case "load_balance": {
      const selector = String(processor.config.selector).trim().toLowerCase();
      const each = selector === "random" ? "chosen at random" : "the next one in turn";
      return {
        order: [...sinks],
        lines: [
          `    ${sinks.join(", ")}: selector ${selector} (each batch goes to one sink, ${each})`,
        ],
      };
    }
    default:
      return { order: [...sinks], lines: [] };
  }
}

/** The processor's declared properties as set or defaulted; failover priorities show with the sinks. */
function processorProperties(c: ComponentConfig<"processor">): string[] {
  const { settings, definition } = c;
  const lines: string[] = [];
  for (const [name, decl] of Object.entries(definition.properties)) {
    const key = `      processor.${name} = `;
    if (!settings.has(name)) {
      const shown = showDefault(decl);
      if (shown !== undefined) lines.push(`${key}${shown} (default)`);
      continue;
    }
    const value = settings.get(name);
    const text = value === undefined || decl.kind === "duration"
      ? settings.raw(name)?.trim() ?? ""
      : showValue(value);
    lines.push(`${key}${decl.kind === "secret" ? MASK : text}`);
  }
  for (const pattern of definition.patterns ?? []) {
    for (const [name, raw] of settings.matching(pattern.pattern)) {
      if (definition.type === "failover" && PRIORITY_PROPERTY.test(name)) continue;
      lines.push(`      processor.${name} = ${pattern.kind === "secret" ? MASK : raw.value}`);
    }
  }
  return lines;
}
