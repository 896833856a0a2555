import type { Log } from "../../src/api/log.ts";

/** A log level, as the Log interface names its methods. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** One recorded log call. */
export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
}

/** A Log that keeps every call so a test can assert what was logged. */
export class RecordingLog implements Log {
  /** Every call, in order. */
  readonly entries: LogEntry[] = [];

  /** Records a debug line. */
  debug(message: string): void {
    this.entries.push({ level: "debug", message });
  }

  /** Records an info line. */
  info(message: string): void {
    this.entries.push({ level: "info", message });
  }

  /** Records a warning. */
  warn(message: string): void {
    this.entries.push({ level: "warn", message });
  }

  /** Records an error. */
  error(message: string): void {
    this.entries.push({ level: "error", message });
  }

  /** The messages logged at `level`, in order. */
  messages(level: LogLevel): string[] {
    return this.entries.filter((e) => e.level === level).map((e) => e.message);
  }
}
