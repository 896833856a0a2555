import { type AgentConfig, type ConfText, loadAgentConfigFiles } from "../config/agent_config.ts";
import { placeIssues, sortPlacedIssues } from "../config/conf_files.ts";
import { ConfigError, type ConfigIssue } from "../config/diagnostics.ts";
import { checkDirectories } from "../config/directory_checks.ts";
import type { Registry } from "../registry.ts";
import { fileErrorText } from "../util/file_errors.ts";

/** What the CLI knows when it loads a configuration. */
export interface LoadRequest {
  /** Paths of the flume.conf files (`-f`, once or more), merged in order. */
  readonly files: readonly string[];
  /** Agent name (`-n`). */
  readonly agent: string;
  /** `-DKEY=VALUE` properties, for `${sys:KEY}`. */
  readonly sys: Readonly<Record<string, string>>;
  readonly registry: Registry;
}

/**
 * Reads and validates the files as one configuration, then tests the
 * directories it names (creatable, writable, not shared where locked); an
 * unreadable file is a ConfigError like any other configuration problem
 * (exit 2), every unreadable one reported.
 */
export async function loadConfigFile(request: LoadRequest): Promise<AgentConfig> {
  const texts: ConfText[] = [];
  const unreadable: ConfigIssue[] = [];
  for (const file of request.files) {
    try {
      texts.push({ file, text: await Deno.readTextFile(file) });
    } catch (err) {
      unreadable.push({
        severity: "error",
        file,
        message: `Cannot read configuration file: ${fileErrorText(err)}`,
        hint: "pass the path of a flume.conf with -f / --conf-file",
      });
    }
  }
  if (unreadable.length > 0) throw new ConfigError(unreadable);
  const config = loadAgentConfigFiles(texts, {
    agent: request.agent,
    lookup: request.registry,
    variables: { env: (name) => Deno.env.get(name), sys: request.sys },
  });
  const problems = placeIssues(checkDirectories(config), config);
  if (problems.length > 0) {
    throw new ConfigError(sortPlacedIssues([...config.warnings, ...problems], config));
  }
  return config;
}
