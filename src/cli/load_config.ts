import { type AgentConfig, loadAgentConfig } from "../config/agent_config.ts";
import { ConfigError } from "../config/diagnostics.ts";
import type { Registry } from "../registry.ts";

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
 * Reads and validates the file; an unreadable file is a ConfigError like
 * any other configuration problem (exit 2).
 */
export async function loadConfigFile(request: LoadRequest): Promise<AgentConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(request.file);
  } catch (err) {
    const reason = err instanceof Deno.errors.NotFound
      ? "no such file"
      : err instanceof Error
      ? err.message
      : String(err);
    throw new ConfigError([{
      severity: "error",
      file: request.file,
      message: `Cannot read configuration file: ${reason}`,
      hint: "pass the path of a flume.conf with -f / --conf-file",
    }]);
  }
  return loadAgentConfig(text, {
    file: request.file,
    agent: request.agent,
    lookup: request.registry,
    variables: { env: (name) => Deno.env.get(name), sys: request.sys },
  });
}
