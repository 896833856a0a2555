import { MonitoringError } from "../api/monitor.ts";
import { ConfigError, formatIssue } from "../config/diagnostics.ts";
import { KeyStoreError } from "../tls/keystore_error.ts";
import { UsageError } from "./usage_error.ts";
import { writeAllSync } from "./write_sync.ts";

/** Where the CLI writes its messages; injected so tests can capture them. */
export interface Output {
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
}

/**
 * Standard output was closed by its reader (`flume-ws check | head`): the
 * command stops, and the process exits 0 without a message.
 */
export class OutputClosedError extends Error {
  override name = "OutputClosedError";

  /** The error for a closed standard output. */
  constructor() {
    super("Standard output was closed");
  }
}

/**
 * Writes to the process's stdout and stderr. A closed stdout throws
 * {@linkcode OutputClosedError}; a closed stderr drops the line, as there is
 * nowhere left to say anything.
 */
export const PROCESS_OUTPUT: Output = Object.freeze({
  out(line: string): void {
    if (!writeAllSync(Deno.stdout, line + "\n")) throw new OutputClosedError();
  },
  err(line: string): void {
    writeAllSync(Deno.stderr, line + "\n");
  },
});

/**
 * The one place a fatal error becomes an exit code and a message: 2 for a
 * bad configuration, command line, keystore or monitoring setting (no stack trace), 0 and no
 * message when stdout's reader has gone (what `head` expects), 1 for
 * anything else.
 */
export function reportFatal(err: unknown, output: Output): number {
  if (err instanceof OutputClosedError) return 0;
  if (err instanceof ConfigError) {
    for (const issue of err.issues) output.err(formatIssue(issue));
    const errors = err.issues.filter((i) => i.severity === "error").length;
    output.err(`Configuration invalid: ${errors} error${errors === 1 ? "" : "s"}`);
    return 2;
  }
  if (err instanceof UsageError) {
    output.err(`error: ${err.message}`);
    output.err(`Run "flume-ws ${err.command ? err.command + " " : ""}--help" for usage`);
    return 2;
  }
  if (err instanceof KeyStoreError || err instanceof MonitoringError) {
    output.err(`error: ${err.message}`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  output.err(`error: ${message}`);
  return 1;
}
