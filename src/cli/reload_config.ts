/**
 * One live reload as the CLI runs it: the file read and validated exactly
 * as at start, then applied to the running agent as a diff, or refused
 * with every problem logged.
 *
 * @module
 */
import type { Log } from "../api/log.ts";
import { ConfigError, formatIssue } from "../config/diagnostics.ts";
import type { Agent, ReloadSummary } from "../core/agent.ts";
import { errorMessage } from "../util/errors.ts";
import { loadConfigFile, type LoadRequest } from "./load_config.ts";

/** Options of {@linkcode reloadAgent}. */
export interface ReloadAgentOptions {
  /** Why: `the file changed`, `SIGHUP received`. */
  readonly reason: string;
  /** The agent's log: the reload's lines and a refused file's problems. */
  readonly log: Log;
  /** Where the new configuration's warnings go, as at start. */
  readonly warn: (line: string) => void;
  /** How long what stops may drain (`--drain-timeout`). */
  readonly drainTimeoutMs: number;
  /** Aborting ends that drain at once (the agent is stopping). */
  readonly signal?: AbortSignal;
}

/**
 * Reads `request.files` as the start did (substitution, directory checks)
 * and applies it to `agent`. An invalid file is refused: each problem is
 * logged as `check` prints it (errors at ERROR, warnings at WARN) and the
 * running configuration stays. Resolves with what changed, undefined when
 * refused; never rejects.
 */
export async function reloadAgent(
  agent: Agent,
  request: LoadRequest,
  options: ReloadAgentOptions,
): Promise<ReloadSummary | undefined> {
  const { log } = options;
  log.info(`Reload: ${options.reason}: reading ${request.files.join(", ")}`);
  let config;
  try {
    config = await loadConfigFile(request);
  } catch (err) {
    if (!(err instanceof ConfigError)) {
      log.error(`Reload failed: ${errorMessage(err)}; the running configuration is kept`);
      return undefined;
    }
    for (const issue of err.issues) {
      if (issue.severity === "error") log.error(formatIssue(issue));
      else log.warn(formatIssue(issue));
    }
    const errors = err.issues.filter((i) => i.severity === "error").length;
    log.error(
      `Reload refused: configuration invalid: ${errors} error${errors === 1 ? "" : "s"}; ` +
        `the running configuration is kept`,
    );
    return undefined;
  }
  for (const warning of config.warnings) options.warn(formatIssue(warning));
  try {
    return await agent.reconfigure(config, {
      drainTimeoutMs: options.drainTimeoutMs,
      signal: options.signal,
    });
  } catch (err) {
    log.error(`Reload failed: ${errorMessage(err)}`);
    return undefined;
  }
}
