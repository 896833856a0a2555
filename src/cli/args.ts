import { parseArgs } from "node:util";
import { UsageError } from "./usage_error.ts";

/** Options shared by `agent` and `check`, spelled as flume-ng spells them. */
export interface AgentArgs {
  /** `-n, --name`: the agent to run. */
  readonly name: string;
  /** `-f, --conf-file`: the flume.conf. */
  readonly confFile: string;
  /** `-c, --conf`: Flume's conf directory; accepted, not needed. */
  readonly confDir?: string;
  /** `-DKEY=VALUE`, in order (later wins). */
  readonly sys: Readonly<Record<string, string>>;
  /** `--no-reload-conf`: accepted; the file is always read once. */
  readonly noReloadConf: boolean;
  /** `--drain-timeout SECONDS`: how long sinks may drain at shutdown. */
  readonly drainTimeoutSeconds: number;
  /** `check --connect`: also try each source's connection. */
  readonly connect: boolean;
  readonly help: boolean;
}

const OPTIONS = {
  name: { type: "string", short: "n" },
  "conf-file": { type: "string", short: "f" },
  conf: { type: "string", short: "c" },
  define: { type: "string", short: "D", multiple: true },
  "no-reload-conf": { type: "boolean" },
  "plugins-path": { type: "string", multiple: true },
  "drain-timeout": { type: "string" },
  connect: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Parses the arguments after `agent` or `check`; throws UsageError. */
export function parseAgentArgs(command: string, args: readonly string[]): AgentArgs {
  let values;
  try {
    ({ values } = parseArgs({ args: [...args], options: OPTIONS, strict: true }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), command);
  }
  const help = values.help === true;
  const sys: Record<string, string> = {};
  for (const define of values.define ?? []) {
    const eq = define.indexOf("=");
    if (eq <= 0) throw new UsageError(`Invalid -D"${define}": expected -DKEY=VALUE`, command);
    sys[define.slice(0, eq)] = define.slice(eq + 1);
  }
  if (!help && !values.name) throw new UsageError("Missing agent name: -n NAME", command);
  if (!help && !values["conf-file"]) {
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
  return {
    name: values.name ?? "",
    confFile: values["conf-file"] ?? "",
    confDir: values.conf,
    sys,
    noReloadConf: values["no-reload-conf"] === true,
    drainTimeoutSeconds,
    connect: values.connect === true,
    help,
  };
}
