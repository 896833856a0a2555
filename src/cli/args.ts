import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { parseDuration } from "./duration.ts";
import { UsageError } from "./usage_error.ts";

/** The values node:util's `parseArgs` returns for `T` (strict, no positional arguments). */
export type OptionValues<T extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>["values"];

/** Options of {@linkcode parseOptions}. */
export interface ParseOptionsOptions<T extends ParseArgsOptionsConfig> {
  /** The subcommand, for the "Run flume-ws COMMAND --help" hint. */
  readonly command: string;
  /** The options, as node:util's `parseArgs` declares them. */
  readonly options: T;
}

/**
 * Parses a subcommand's options with node:util's `parseArgs` (strict, no
 * positional arguments), plus a habit of getopt it lacks: an option's value
 * may start with "-" (`--rate -5`, `--pass -x`) unless it is itself one of
 * the options, so that a bad value is reported as one (`Invalid --rate "-5"`).
 * Throws UsageError.
 */
export function parseOptions<T extends ParseArgsOptionsConfig>(
  args: readonly string[],
  { command, options }: ParseOptionsOptions<T>,
): OptionValues<T> {
  try {
    return parseArgs({
      args: joinDashValues(args, options),
      options,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // "Option '-n, --name <value>' argument missing", "Option '-n' argument is ambiguous. …"
    const missing = /^Option '(?:-\w, )?(--?[\w-]+)(?: <value>)?' argument (?:missing|is ambiguous)/
      .exec(message);
    if (missing === null) throw new UsageError(message, command);
    const flag = missing[1];
    const long = flag.startsWith("--")
      ? flag
      : `--${
        Object.entries(options).find(([, o]) => `-${o.short}` === flag)?.[0] ?? flag.slice(1)
      }`;
    throw new UsageError(`Missing value for ${long}`, command);
  }
}

/** Options of {@linkcode parseWholeNumber}. */
export interface WholeNumberOptions {
  /** The subcommand, for the "--help" hint. */
  readonly command: string;
  /** @default 0 */
  readonly min?: number;
  /** @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
  /** What a special value means, for the message: `0 picks a free port`. @default undefined */
  readonly hint?: string;
}

/**
 * The whole number `text` of option `--NAME`, within `min`..`max`; a
 * UsageError naming the option and the range otherwise:
 * `Invalid --port "99999": expected a whole number from 0 to 65535 (0 picks a free port)`.
 */
export function parseWholeNumber(name: string, text: string, options: WholeNumberOptions): number {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = options;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (value >= min && value <= max) return value;
  const range = max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`;
  const hint = options.hint ? ` (${options.hint})` : "";
  throw new UsageError(
    `Invalid --${name} "${text}": expected a whole number ${range}${hint}`,
    options.command,
  );
}

/**
 * Rewrites `--name VALUE` and `-n VALUE` as `--name=VALUE` when VALUE starts
 * with "-" and is not one of the options, which `parseArgs` would otherwise
 * reject as ambiguous.
 */
function joinDashValues(args: readonly string[], options: ParseArgsOptionsConfig): string[] {
  const entries = Object.entries(options);
  const has = (name: string): boolean => Object.hasOwn(options, name);
  const longOf = (arg: string): string | undefined => {
    if (arg.startsWith("--")) return has(arg.slice(2)) ? arg.slice(2) : undefined;
    return entries.find(([, o]) => o.short !== undefined && arg === `-${o.short}`)?.[0];
  };
  const isOption = (arg: string): boolean => {
    if (arg.startsWith("--")) return arg === "--" || has(arg.slice(2).split("=")[0]);
    return entries.some(([, o]) =>
      o.short !== undefined &&
      (arg === `-${o.short}` || (o.type === "string" && arg.startsWith(`-${o.short}`)))
    );
  };
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    const long = longOf(arg);
    const next = args[i + 1];
    if (
      long !== undefined && options[long].type === "string" && next !== undefined &&
      next.startsWith("-") && next !== "-" && !isOption(next)
    ) {
      out.push(`--${long}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Options shared by `agent` and `check`, spelled as flume-ng spells them. */
export interface AgentArgs {
  /** `-n, --name`: the agent to run. */
  readonly name: string;
  /** `-f, --conf-file`, once or more: the flume.conf files, merged in order (a later file wins). */
  readonly confFiles: readonly string[];
  /** `-c, --conf`: Flume's conf directory; accepted, not needed. */
  readonly confDir?: string;
  /** `-DKEY=VALUE`, in order (later wins). */
  readonly sys: Readonly<Record<string, string>>;
  /** `--no-reload-conf`: read the file once; no reload on a change or SIGHUP. */
  readonly noReloadConf: boolean;
  /** `--reload-interval SECONDS`: seconds between two looks at the file. @default 30 */
  readonly reloadIntervalSeconds: number;
  /** `--drain-timeout SECONDS`: how long sinks may drain at shutdown. */
  readonly drainTimeoutSeconds: number;
  /** `agent --status-interval SECONDS`: seconds between status lines, 0 for none. @default 60 */
  readonly statusIntervalSeconds: number;
  /** `agent --duration 10m`: seconds to run before stopping by itself. @default undefined (until a signal) */
  readonly durationSeconds?: number;
  /** `agent --log-format text|json`, checked by parseLogSettings. @default "text" */
  readonly logFormat: string;
  /** `check --connect`: also try each source's connection. */
  readonly connect: boolean;
  readonly help: boolean;
}

/** Seconds between status lines unless `--status-interval` says. */
export const DEFAULT_STATUS_INTERVAL_SECONDS = 60;

/** The longest `--status-interval`: a day. */
const MAX_STATUS_INTERVAL_SECONDS = 86_400;

/** Seconds between two looks at the configuration file unless `--reload-interval` says (Flume's). */
export const DEFAULT_RELOAD_INTERVAL_SECONDS = 30;

/** The longest `--reload-interval`: a day. */
const MAX_RELOAD_INTERVAL_SECONDS = 86_400;

/** The options only `agent` takes. */
const AGENT_ONLY = ["status-interval", "duration", "log-format"] as const;

const OPTIONS = {
  name: { type: "string", short: "n" },
  "conf-file": { type: "string", short: "f", multiple: true },
  conf: { type: "string", short: "c" },
  define: { type: "string", short: "D", multiple: true },
  "no-reload-conf": { type: "boolean" },
  "reload-interval": { type: "string" },
  "plugins-path": { type: "string", multiple: true },
  "drain-timeout": { type: "string" },
  "status-interval": { type: "string" },
  duration: { type: "string" },
  "log-format": { type: "string" },
  connect: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Parses the arguments after `agent` or `check`; throws UsageError. */
export function parseAgentArgs(command: string, args: readonly string[]): AgentArgs {
  const values = parseOptions(args, { command, options: OPTIONS });
  const help = values.help === true;
  const sys: Record<string, string> = {};
  for (const define of values.define ?? []) {
    const eq = define.indexOf("=");
    if (eq <= 0) throw new UsageError(`Invalid -D"${define}": expected -DKEY=VALUE`, command);
    sys[define.slice(0, eq)] = define.slice(eq + 1);
  }
  if (!help && !values.name) throw new UsageError("Missing agent name: -n NAME", command);
  const confFiles = values["conf-file"] ?? [];
  if (!help && confFiles.length === 0) {
    throw new UsageError("Missing configuration file: -f FILE", command);
  }
  const drain = values["drain-timeout"] ?? "5";
  const drainTimeoutSeconds = Number(drain);
  if (!/^\d+(\.\d+)?$/.test(drain) || !Number.isFinite(drainTimeoutSeconds)) {
    throw new UsageError(`Invalid --drain-timeout "${drain}": expected seconds`, command);
  }
  if (values.connect && command !== "check") {
    throw new UsageError("--connect is an option of check", command);
  }
  const agentOnly = AGENT_ONLY.find((name) => values[name] !== undefined);
  if (agentOnly !== undefined && command !== "agent") {
    throw new UsageError(`--${agentOnly} is an option of agent`, command);
  }
  const statusInterval = values["status-interval"];
  const reloadInterval = values["reload-interval"];
  const duration = values.duration;
  return {
    name: values.name ?? "",
    confFiles,
    confDir: values.conf,
    sys,
    noReloadConf: values["no-reload-conf"] === true,
    reloadIntervalSeconds: reloadInterval === undefined
      ? DEFAULT_RELOAD_INTERVAL_SECONDS
      : parseWholeNumber("reload-interval", reloadInterval, {
        command,
        min: 1,
        max: MAX_RELOAD_INTERVAL_SECONDS,
      }),
    drainTimeoutSeconds,
    statusIntervalSeconds: statusInterval === undefined
      ? DEFAULT_STATUS_INTERVAL_SECONDS
      : parseWholeNumber("status-interval", statusInterval, {
        command,
        max: MAX_STATUS_INTERVAL_SECONDS,
        hint: "0 turns the status line off",
      }),
    durationSeconds: duration === undefined
      ? undefined
      : parseDuration("duration", duration, { command }),
    logFormat: values["log-format"] ?? "text",
    connect: values.connect === true,
    help,
  };
}
