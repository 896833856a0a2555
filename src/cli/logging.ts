import { configure, getLogger, type LogLevel, type LogRecord, reset } from "@logtape/logtape";
import type { Log } from "../api/log.ts";
import { fileErrorText } from "../util/file_errors.ts";
import { LogFileSink } from "./log_file_sink.ts";
import type { LogFileSettings, LogFormat } from "./log_settings.ts";
import { RollingFile } from "./rolling_file.ts";
import { UsageError } from "./usage_error.ts";
import { writeAllSync } from "./write_sync.ts";

/** The LogTape category every flume-ws logger lives under. */
const ROOT = "flume-ws";

/** Options of {@linkcode configureLogging}. */
export interface LoggingOptions {
  /** How lines are written. @default "text" */
  readonly format?: LogFormat;
  /** Whether lines go to stderr (Flume's `console` appender). @default true */
  readonly console?: boolean;
  /** The rolling file of Flume's `LOGFILE` appender. @default undefined */
  readonly file?: LogFileSettings;
  /** The subcommand, for the "--help" hint when the file cannot be opened. @default "agent" */
  readonly command?: string;
}

/**
 * Configures LogTape once for the process: lines as {@linkcode formatRecord}
 * or {@linkcode formatJsonRecord} writes them, to stderr and/or a rolling
 * file; `null` turns logging off. Once stderr's reader has gone (a closed
 * pipe), its lines are dropped and the process carries on. A log file that
 * cannot be opened is a UsageError naming it (exit 2); one that fails
 * later is said on stderr (see LogFileSink).
 */
export async function configureLogging(
  level: LogLevel | null,
  options: LoggingOptions = {},
): Promise<void> {
  const { format = "text", console = true, file, command = "agent" } = options;
  const formatter = format === "json" ? formatJsonRecord : formatRecord;
  const toStderr = (line: string): void => {
    writeAllSync(Deno.stderr, line);
  };
  const sinks: Record<string, (record: LogRecord) => void> = {};
  if (console) sinks.stderr = (record: LogRecord): void => toStderr(formatter(record));
  if (file && level !== null) {
    const sink = new LogFileSink(openLogFile(file, command), {
      format: formatter,
      stderr: toStderr,
      divert: !console,
      now: Date.now,
    });
    sinks.logfile = Object.assign((record: LogRecord): void => sink.write(record), {
      [Symbol.dispose]: (): void => sink[Symbol.dispose](),
    });
  }
  const names = level === null ? [] : Object.keys(sinks);
  await reset();
  await configure({
    sinks,
    loggers: [
      { category: ROOT, lowestLevel: level ?? "fatal", sinks: names },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: Object.keys(sinks) },
    ],
  });
}

/** Opens the LOGFILE appender's file, or throws a UsageError naming it. */
function openLogFile(settings: LogFileSettings, command: string): RollingFile {
  try {
    return RollingFile.open(settings.path, settings);
  } catch (err) {
    throw new UsageError(
      `Cannot open log file "${settings.path}" (-Dflume.log.dir, -Dflume.log.file): ` +
        fileErrorText(err),
      command,
    );
  }
}

/**
 * The logger of one component, e.g. `logFor("sink", "l1")`. Messages are
 * passed as template values, so braces in them (event dumps, JSON) are
 * printed as they are, never read as placeholders.
 */
export function logFor(category: string, name: string): Log {
  const logger = getLogger([ROOT, category, name]);
  return {
    debug: (message: string): void => logger.debug`${message}`,
    info: (message: string): void => logger.info`${message}`,
    warn: (message: string): void => logger.warn`${message}`,
    error: (message: string): void => logger.error`${message}`,
  };
}

/**
 * An INFO logger of one component whose records also carry structured
 * `fields` (the JSON format writes them; the text format shows the message
 * only). The message is printed as it is, never read as a template.
 */
export function infoWithFieldsFor(
  category: string,
  name: string,
): (message: string, fields: object) => void {
  const logger = getLogger([ROOT, category, name]);
  return (message, fields): void => logger.with({ ...fields }).info`${message}`;
}

/** A record's level as the text format prints it: `INFO`, `WARN`, … */
function levelName(record: LogRecord): string {
  return record.level === "warning" ? "WARN" : record.level.toUpperCase();
}

/** A record's component, e.g. `source.w1` (its category without `flume-ws`). */
function componentOf(record: LogRecord): string {
  return record.category.slice(1).join(".");
}

/** A record's message as one string. */
function messageOf(record: LogRecord): string {
  return record.message.map((part) => String(part)).join("");
}

/**
 * Formats one record as a single line (with a final line break):
 * `2026-11-27 23:59:01.123 INFO  sink.l1: message`, in local time.
 */
export function formatRecord(record: LogRecord): string {
  const t = new Date(record.timestamp);
  const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
  const stamp = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ` +
    `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}.` +
    `${pad(t.getMilliseconds(), 3)}`;
  return `${stamp} ${levelName(record).padEnd(5)} ${componentOf(record)}: ${messageOf(record)}\n`;
}

/**
 * Formats one record as one JSON object on one line (with a final line
 * break): `{"time":"2026-11-27T22:59:01.123Z","level":"INFO","component":"sink.l1",
 * "message":"…"}`, plus `"fields":{…}` when the record has structured
 * properties. `time` is ISO 8601 in UTC; control characters in the message
 * are escaped by JSON, so a line never breaks.
 */
export function formatJsonRecord(record: LogRecord): string {
  const line: Record<string, unknown> = {
    time: new Date(record.timestamp).toISOString(),
    level: levelName(record),
    component: componentOf(record),
    message: messageOf(record),
  };
  if (Object.keys(record.properties).length > 0) line.fields = record.properties;
  try {
    return JSON.stringify(line) + "\n";
  } catch {
    // A property JSON cannot hold (a BigInt, a cycle): keep the line, say so.
    line.fields = { unserializable: Object.keys(record.properties) };
    return JSON.stringify(line) + "\n";
  }
}
