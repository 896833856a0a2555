import { formatIssue } from "../config/diagnostics.ts";
import { resolveMonitoring } from "../config/monitoring_settings.ts";
import { builtinRegistry } from "../registry.ts";
import { parseAgentArgs } from "./args.ts";
import type { Output } from "./fatal.ts";
import { CHECK_HELP } from "./help.ts";
import { loadConfigFile } from "./load_config.ts";
import { formatTopology } from "./topology.ts";

/**
 * `flume-ws check`: validates and prints the topology; with `--connect` it
 * also tries each source's connection. Returns the exit code: 0, 2 for an
 * invalid configuration, 1 when a connection check failed.
 */
export async function checkCommand(args: readonly string[], output: Output): Promise<number> {
  const options = parseAgentArgs("check", args);
  if (options.help) {
    output.out(CHECK_HELP);
    return 0;
  }
  const registry = builtinRegistry();
  // The -Dflume.monitoring.* flags the agent would run with: refused here as there (exit 2).
  const monitor = resolveMonitoring(options.sys, registry);
  const config = await loadConfigFile({
    files: options.confFiles,
    agent: options.name,
    sys: options.sys,
    registry,
  });
  for (const warning of config.warnings) output.err(formatIssue(warning));
  for (const warning of monitor?.warnings ?? []) output.err(`warning: ${warning}`);
  for (const line of formatTopology(config)) output.out(line);
  if (monitor) {
    const { host, port } = monitor.config as { host?: unknown; port?: unknown };
    output.out(`monitoring: ${monitor.definition.type} on ${host}:${port}`);
  }
  if (!options.connect) return 0;
  output.out("connections:");
  let failed = 0;
  for (const source of config.sources) {
    const definition = source.definition;
    if (!definition.diagnose) continue;
    const where = definition.target?.(source.config) ?? source.type;
    const verdict = await definition.diagnose(source.config, source.prepared);
    if (!verdict.ok) failed++;
    output.out(`  ${source.name} ${where}: ${verdict.text}`);
  }
  return failed > 0 ? 1 : 0;
}
