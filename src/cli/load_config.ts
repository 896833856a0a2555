import { type AgentConfig, loadAgentConfig } from "../config/agent_config.ts";
import { ConfigError, sortIssues } from "../config/diagnostics.ts";
import { checkDirectories } from "../config/directory_checks.ts";
import type { Registry } from "../registry.ts";
import { fileErrorText } from "../util/file_errors.ts";

/** What the CLI knows when it loads a configuration. */
export interface LoadRequest {
  /** Path of the flume.conf (`-f`). */
  readonly file: string;
  /** Agent name (`-n`). */
  readonly agent: string;
  /** `-DKEY=VALUE` properties, for `${sys:KEY}`. */
  readonly sys: Readonly<Record<string, string>>;
  readonly registry: Registry;
}

/**
 * Reads and validates the file, then tests the directories it names
 * (creatable, writable, not shared where locked); an unreadable file is a
 * ConfigError like any other configuration problem (exit 2).
 */
export async function loadConfigFile(request: LoadRequest): Promise<AgentConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(request.file);
  } catch (err) {
    const reason = fileErrorText(err);
    throw new ConfigError([{
      severity: "error",
      file: request.file,
      message: `Cannot read configuration file: ${reason}`,
      hint: "pass the path of a flume.conf with -f / --conf-file",
    }]);
  }
  const config = loadAgentConfig(text, {
    file: request.file,
    agent: request.agent,
    lookup: request.registry,
    variables: { env: (name) => Deno.env.get(name), sys: request.sys },
  });
  const problems = checkDirectories(config);
  if (problems.length > 0) throw new ConfigError(sortIssues([...config.warnings, ...problems]));
  return config;
}
