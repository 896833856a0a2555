import { formatIssue } from "../config/diagnostics.ts";
import { builtinRegistry } from "../registry.ts";
import { parseAgentArgs } from "./args.ts";
import type { Output } from "./fatal.ts";
import { CHECK_HELP } from "./help.ts";
import { loadConfigFile } from "./load_config.ts";
import { formatTopology } from "./topology.ts";

/** `flume-ws check`: validates and prints the topology; returns the exit code. */
export async function checkCommand(args: readonly string[], output: Output): Promise<number> {
  const options = parseAgentArgs("check", args);
  if (options.help) {
    output.out(CHECK_HELP);
    return 0;
  }
  const config = await loadConfigFile({
    file: options.confFile,
    agent: options.name,
    sys: options.sys,
    registry: builtinRegistry(),
  });
  for (const warning of config.warnings) output.err(formatIssue(warning));
  for (const line of formatTopology(config)) output.out(line);
  return 0;
}
