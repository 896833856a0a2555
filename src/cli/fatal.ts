import { ConfigError, formatIssue } from "../config/diagnostics.ts";
import { KeyStoreError } from "../tls/keystore_error.ts";
import { UsageError } from "./usage_error.ts";

/** Where the CLI writes its messages; injected so tests can capture them. */
export interface Output {
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
}

/** Writes to the process's stdout and stderr. */
export const PROCESS_OUTPUT: Output = Object.freeze({
  out(line: string): void {
    writeAll(Deno.stdout, line + "\n");
  },
  err(line: string): void {
    writeAll(Deno.stderr, line + "\n");
  },
});

/**
 * The one place a fatal error becomes an exit code and a message: 2 for a
 * bad configuration, command line or keystore (no stack trace), 1 for
 * anything else.
 */
export function reportFatal(err: unknown, output: Output): number {
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
  if (err instanceof KeyStoreError) {
    output.err(`error: ${err.message}`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  output.err(`error: ${message}`);
  return 1;
}

const ENCODER = new TextEncoder();

function writeAll(stream: { writeSync(p: Uint8Array): number }, text: string): void {
  let bytes = ENCODER.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
}
