import { formatIssue } from "../config/diagnostics.ts";
import { Agent } from "../core/agent.ts";
import { SYSTEM_CLOCK } from "../api/clock.ts";
import { builtinRegistry } from "../registry.ts";
import { parseAgentArgs } from "./args.ts";
import type { Output } from "./fatal.ts";
import { AGENT_HELP } from "./help.ts";
import { loadConfigFile } from "./load_config.ts";
import { configureLogging, LEVEL_NAMES, logFor, parseRootLogger } from "./logging.ts";
import { UsageError } from "./usage_error.ts";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
/** A repeat within this window is the same signal delivered twice, not a second one. */
const REPEAT_WINDOW_MS = 500;

/**
 * `flume-ws agent`: runs until SIGINT or SIGTERM, then drains and stops;
 * a second signal exits at once. Returns the exit code.
 */
export async function agentCommand(args: readonly string[], output: Output): Promise<number> {
  const options = parseAgentArgs("agent", args);
  if (options.help) {
    output.out(AGENT_HELP);
    return 0;
  }
  const rootLogger = options.sys["flume.root.logger"] ?? "INFO,console";
  const level = parseRootLogger(rootLogger);
  if (level === undefined) {
    throw new UsageError(
      `Invalid -Dflume.root.logger="${rootLogger}": expected one of ${LEVEL_NAMES.join(", ")}`,
      "agent",
    );
  }
  const registry = builtinRegistry();
  const config = await loadConfigFile({
    file: options.confFile,
    agent: options.name,
    sys: options.sys,
    registry,
  });
  for (const warning of config.warnings) output.err(formatIssue(warning));
  await configureLogging(level);
  const log = logFor("agent", config.agent);

  const agent = new Agent(config, { clock: SYSTEM_CLOCK, logFor });
  const stopping = Promise.withResolvers<string>();
  const forced = new AbortController();
  let firstSignalAt = 0;
  const onSignal = (signal: string) => (): void => {
    const now = Date.now();
    if (firstSignalAt === 0) {
      firstSignalAt = now;
      stopping.resolve(signal);
    } else if (now - firstSignalAt < REPEAT_WINDOW_MS) {
      // One Ctrl-C can arrive twice: from the terminal and from `deno task`.
      return;
    } else {
      log.warn(`Second ${signal}: exiting at once`);
      forced.abort();
      Deno.exit(signal === "SIGINT" ? 130 : 143);
    }
  };
  const handlers = SIGNALS.map((s) => [s, onSignal(s)] as const);
  for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  try {
    await agent.start();
    const signal = await stopping.promise;
    log.info(`${signal} received: stopping sources, draining channels`);
    await agent.stop({ drainTimeoutMs: options.drainTimeoutSeconds * 1000, signal: forced.signal });
    return 0;
  } finally {
    for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
  }
}
