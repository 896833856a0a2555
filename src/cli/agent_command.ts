import { formatIssue } from "../config/diagnostics.ts";
import { resolveMonitoring } from "../config/monitoring_settings.ts";
import { Agent } from "../core/agent.ts";
import { SYSTEM_CLOCK } from "../api/clock.ts";
import { builtinRegistry } from "../registry.ts";
import { parseAgentArgs } from "./args.ts";
import type { Output } from "./fatal.ts";
import { AGENT_HELP } from "./help.ts";
import { loadConfigFile } from "./load_config.ts";
import { configureLogging, infoWithFieldsFor, logFor } from "./logging.ts";
import { parseLogSettings } from "./log_settings.ts";
import { formatDuration, sleepLong } from "./duration.ts";
import { StatusReporter } from "../core/status_line.ts";
import { sourcesNeverConnected } from "../core/never_connected.ts";
import { reloadAgent } from "./reload_config.ts";
import { modifiedAt, ReloadWatcher } from "./reload_watcher.ts";

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
/** A repeat within this window is the same signal delivered twice, not a second one. */
const REPEAT_WINDOW_MS = 500;

/** The signal that reloads at once (Windows has none). */
const RELOAD_SIGNAL = Deno.build.os === "windows" ? undefined : "SIGHUP";

/**
 * `flume-ws agent`: runs until SIGINT or SIGTERM (or for `--duration`),
 * then drains and stops; a second signal exits at once. Unless
 * `--no-reload-conf`, it reloads the files (`-f`, once or more) when a
 * modification time changes (every `--reload-interval` seconds) and at once on SIGHUP.
 * Returns the exit code: 0, or 3 when `--duration` ended and a source that
 * connects never did.
 */
export async function agentCommand(args: readonly string[], output: Output): Promise<number> {
  const options = parseAgentArgs("agent", args);
  if (options.help) {
    output.out(AGENT_HELP);
    return 0;
  }
  const logging = parseLogSettings(options.sys, { format: options.logFormat, command: "agent" });
  const registry = builtinRegistry();
  const monitor = resolveMonitoring(options.sys, registry);
  const request = { files: options.confFiles, agent: options.name, sys: options.sys, registry };
  // Before the read: a change while reading is seen by the first look.
  const loadedMtime = await Promise.all(
    request.files.map((file) => modifiedAt(file).catch(() => undefined)),
  );
  const config = await loadConfigFile(request);
  await configureLogging(logging.level, logging);
  const log = logFor("agent", config.agent);
  // JSON logs stay one object per line: the configuration's warnings are log records there.
  const warn = logging.format === "json"
    ? logFor("config", config.agent).warn
    : (line: string): void => output.err(line);
  for (const warning of config.warnings) warn(formatIssue(warning));

  const agent = new Agent(config, { clock: SYSTEM_CLOCK, logFor, monitor });
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
  const status = options.statusIntervalSeconds > 0
    ? new StatusReporter(agent.counters, {
      clock: SYSTEM_CLOCK,
      intervalMs: options.statusIntervalSeconds * 1000,
      report: infoWithFieldsFor("agent", config.agent),
    })
    : undefined;
  const timer = new AbortController();
  const drainTimeoutMs = options.drainTimeoutSeconds * 1000;
  const watcher = options.noReloadConf ? undefined : new ReloadWatcher({
    file: request.files,
    intervalMs: options.reloadIntervalSeconds * 1000,
    clock: SYSTEM_CLOCK,
    log,
    loadedMtime,
    reload: async (reason) =>
      void await reloadAgent(agent, request, {
        reason,
        log,
        warn,
        drainTimeoutMs,
        signal: timer.signal,
      }),
  });
  const onReloadSignal = (): void => {
    if (watcher) watcher.trigger("SIGHUP received");
    else log.warn("SIGHUP received: not reloading (--no-reload-conf)");
  };
  // Listening before the start: a SIGHUP meanwhile must not end the process
  // (its default action); the watcher reloads once the agent runs.
  if (RELOAD_SIGNAL) Deno.addSignalListener(RELOAD_SIGNAL, onReloadSignal);
  try {
    await agent.start();
    watcher?.start();
    status?.start();
    const { durationSeconds } = options;
    const runFor = durationSeconds === undefined ? "" : formatDuration(durationSeconds);
    if (durationSeconds !== undefined) {
      // The end of --duration is the first signal: a signal after it exits at once.
      void sleepLong(durationSeconds * 1000, { clock: SYSTEM_CLOCK, signal: timer.signal })
        .then(() => {
          if (timer.signal.aborted || firstSignalAt !== 0) return;
          firstSignalAt = Date.now();
          stopping.resolve("duration");
        });
    }
    const reason = await stopping.promise;
    const timeUp = reason === "duration";
    log.info(
      `${timeUp ? `--duration ${runFor} is over` : `${reason} received`}: ` +
        `stopping sources, draining channels`,
    );
    timer.abort();
    await watcher?.stop();
    await status?.stop();
    await agent.stop({ drainTimeoutMs, signal: forced.signal });
    if (!timeUp) return 0;
    const never = sourcesNeverConnected(agent.counters.snapshot());
    for (const source of never) {
      log.error(
        `Source ${source.name} never connected during the ${runFor} run ` +
          `(${source.attempts} attempt(s), all failed; see the warnings above): exit code 3`,
      );
    }
    return never.length > 0 ? 3 : 0;
  } finally {
    timer.abort();
    await watcher?.stop();
    if (RELOAD_SIGNAL) Deno.removeSignalListener(RELOAD_SIGNAL, onReloadSignal);
    await status?.stop();
    for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
  }
}
