/**
 * The LOGFILE appender as a LogTape sink: records go to a RollingFile,
 * and a file that stops taking them (a full disk, a removed directory, a
 * closed handle) is said on stderr, never silently.
 *
 * @module
 */
import type { LogRecord } from "@logtape/logtape";
import { fileErrorText } from "../util/file_errors.ts";
import type { RollingFile } from "./rolling_file.ts";

/** How long the file is left alone after a failed write, before it is tried again. */
export const LOG_FILE_RETRY_MS = 5000;

/** Options of {@linkcode LogFileSink}. */
export interface LogFileSinkOptions {
  /** Turns a record into its line (text or JSON). */
  readonly format: (record: LogRecord) => string;
  /** Writes a line to stderr, where the failure is said. */
  readonly stderr: (line: string) => void;
  /**
   * Whether records go to stderr while the file cannot be written: true
   * unless the console appender already prints them there.
   */
  readonly divert: boolean;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** @default LOG_FILE_RETRY_MS */
  readonly retryMs?: number;
}

/** The category of the sink's own notices: `log` in the line. */
const CATEGORY = ["flume-ws", "log"] as const;

/**
 * Writes each record to the file. When a write fails, one WARN line on
 * stderr says why and that records go to stderr meanwhile (or, with the
 * console appender on, that they are on stderr only); the file is tried
 * again every `retryMs`, and the first write that succeeds is preceded by a
 * WARN in the file (and on stderr) saying how many records it missed.
 */
export class LogFileSink implements Disposable {
  readonly #file: RollingFile;
  readonly #options: LogFileSinkOptions;
  #failedAt: number | undefined;
  #missed = 0;

  /** A sink writing to `file`, which it closes when disposed. */
  constructor(file: RollingFile, options: LogFileSinkOptions) {
    this.#file = file;
    this.#options = options;
  }

  /** Writes one record (a LogTape sink: bind it or call it as `sink.write(record)`). */
  write(record: LogRecord): void {
    const { format, now, divert, stderr, retryMs = LOG_FILE_RETRY_MS } = this.#options;
    const line = format(record);
    if (this.#failedAt !== undefined && now() - this.#failedAt < retryMs) {
      this.#missed++;
      if (divert) stderr(line);
      return;
    }
    try {
      if (this.#failedAt !== undefined) {
        const notice = format(this.#notice(
          `Log file "${this.#file.path}" written again: ${this.#missed} line(s) ` +
            `${divert ? "went to stderr" : "were written to stderr only"} meanwhile`,
          record.timestamp,
        ));
        this.#file.write(notice);
        stderr(notice);
        this.#failedAt = undefined;
        this.#missed = 0;
      }
      this.#file.write(line);
    } catch (err) {
      const first = this.#failedAt === undefined;
      this.#failedAt = now();
      this.#missed++;
      if (first) {
        stderr(format(this.#notice(
          `Cannot write log file "${this.#file.path}": ${fileErrorText(err)}: ` +
            `${divert ? "logging to stderr instead" : "logging to stderr only"}, ` +
            `trying the file again every ${retryMs / 1000} s`,
          record.timestamp,
        )));
      }
      if (divert) stderr(line);
    }
  }

  /** Closes the file. */
  [Symbol.dispose](): void {
    this.#file.close();
  }

  #notice(message: string, timestamp: number): LogRecord {
    return {
      category: CATEGORY,
      level: "warning",
      message: [message],
      rawMessage: message,
      timestamp,
      properties: {},
    };
  }
}
