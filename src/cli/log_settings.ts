/**
 * Where and how the agent logs, read from Flume's system properties as
 * Flume's `conf/log4j.properties` reads them: `-Dflume.root.logger=LEVEL,APPENDER…`
 * (`console` is stderr, `LOGFILE` the rolling file
 * `${flume.log.dir}/${flume.log.file}`), plus `--log-format`. A pure parser:
 * nothing is opened here.
 *
 * @module
 */
import type { LogLevel } from "@logtape/logtape";
import { join } from "node:path";
import { UsageError } from "./usage_error.ts";

/** Log levels as `-Dflume.root.logger=LEVEL,console` names them; OFF is `null`. */
const LOG4J_LEVELS: Readonly<Record<string, LogLevel | null>> = {
  TRACE: "trace",
  DEBUG: "debug",
  INFO: "info",
  WARN: "warning",
  ERROR: "error",
  FATAL: "fatal",
  OFF: null,
};

/** The accepted level names, for messages. */
export const LEVEL_NAMES: readonly string[] = Object.keys(LOG4J_LEVELS);

/** The `--log-format` values. */
export const LOG_FORMATS = ["text", "json"] as const;

/** How each log line is written: `text` (one readable line) or `json` (one object per line). */
export type LogFormat = typeof LOG_FORMATS[number];

/**
 * The defaults of Flume's `conf/log4j.properties`: `flume.log.dir=./logs`,
 * `flume.log.file=flume.log`, and its LOGFILE appender's `MaxFileSize=100MB`
 * and `MaxBackupIndex=10`.
 */
export const LOG_FILE_DEFAULTS: {
  readonly dir: string;
  readonly file: string;
  readonly maxFileSize: number;
  readonly maxBackupIndex: number;
} = Object.freeze({
  dir: "./logs",
  file: "flume.log",
  maxFileSize: 100 * 1024 * 1024,
  maxBackupIndex: 10,
});

/** The most backups `-Dflume.log.maxBackupIndex` may keep. */
const MAX_BACKUP_INDEX = 1000;

/** The rolling log file of the LOGFILE appender. */
export interface LogFileSettings {
  /** `${flume.log.dir}/${flume.log.file}`. */
  readonly path: string;
  /** Bytes a file may hold before it rolls (`-Dflume.log.maxFileSize`). @default 100 MiB */
  readonly maxFileSize: number;
  /** Backups kept, `flume.log.1` (newest) to `flume.log.N` (`-Dflume.log.maxBackupIndex`). @default 10 */
  readonly maxBackupIndex: number;
}

/** Everything `configureLogging` needs. */
export interface LogSettings {
  /** The lowest level logged; `null` is OFF. @default "info" */
  readonly level: LogLevel | null;
  /** @default "text" */
  readonly format: LogFormat;
  /** Whether lines go to stderr (the `console` appender). @default true */
  readonly console: boolean;
  /** The rolling file, when the root logger names LOGFILE. @default undefined */
  readonly file?: LogFileSettings;
}

/**
 * Reads Flume's `flume.root.logger` value (`INFO,console`): the level only.
 * Returns undefined for an unknown level.
 */
export function parseRootLogger(value: string): LogLevel | null | undefined {
  const level = value.split(",")[0].trim().toUpperCase();
  return level in LOG4J_LEVELS ? LOG4J_LEVELS[level] : undefined;
}

/** Options of {@linkcode parseLogSettings}. */
export interface LogSettingsOptions {
  /** The `--log-format` value, checked here. @default "text" */
  readonly format?: string;
  /** The subcommand, for the "--help" hint. */
  readonly command: string;
}

/**
 * The log settings of `-D` properties `sys` and `--log-format`:
 * `flume.root.logger` (default `INFO,console`; a level alone logs to the
 * console), `flume.log.dir`, `flume.log.file`, `flume.log.maxFileSize`
 * (log4j's `100MB`, `512KB`, `1GB` or bytes) and `flume.log.maxBackupIndex`.
 * Throws a UsageError naming the property or option at fault.
 */
export function parseLogSettings(
  sys: Readonly<Record<string, string>>,
  options: LogSettingsOptions,
): LogSettings {
  const { format = "text", command } = options;
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(
      `Invalid --log-format "${format}": expected ${LOG_FORMATS.join(" or ")}`,
      command,
    );
  }
  const rootLogger = sys["flume.root.logger"] ?? "INFO,console";
  const level = parseRootLogger(rootLogger);
  if (level === undefined) {
    throw new UsageError(
      `Invalid -Dflume.root.logger="${rootLogger}": expected one of ${LEVEL_NAMES.join(", ")}`,
      command,
    );
  }
  const appenders = rootLogger.split(",").slice(1).map((a) => a.trim()).filter((a) => a !== "");
  for (const appender of appenders) {
    if (!/^(console|LOGFILE)$/i.test(appender)) {
      throw new UsageError(
        `Invalid -Dflume.root.logger="${rootLogger}": unknown appender "${appender}": ` +
          `expected console or LOGFILE`,
        command,
      );
    }
  }
  const logfile = appenders.some((a) => /^LOGFILE$/i.test(a));
  const console = appenders.length === 0 || appenders.some((a) => /^console$/i.test(a));
  const dir = sys["flume.log.dir"] ?? LOG_FILE_DEFAULTS.dir;
  const file = sys["flume.log.file"] ?? LOG_FILE_DEFAULTS.file;
  if (dir === "") throw new UsageError(`Invalid -Dflume.log.dir="": expected a directory`, command);
  if (file === "" || /[/\\]$/.test(file)) {
    throw new UsageError(`Invalid -Dflume.log.file="${file}": expected a file name`, command);
  }
  const maxFileSize = parseFileSize(sys["flume.log.maxFileSize"], command);
  const maxBackupIndex = parseBackupIndex(sys["flume.log.maxBackupIndex"], command);
  return {
    level,
    format: format as LogFormat,
    console,
    file: logfile ? { path: join(dir, file), maxFileSize, maxBackupIndex } : undefined,
  };
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
};

/**
 * A size as log4j's `MaxFileSize` writes it (`100MB`, `512KB`, `1GB`, or
 * bytes; units of 1024, case-insensitive), at least 1 byte.
 */
function parseFileSize(text: string | undefined, command: string): number {
  if (text === undefined) return LOG_FILE_DEFAULTS.maxFileSize;
  const match = /^(\d+)\s*(B|KB|MB|GB)?$/i.exec(text.trim());
  const bytes = match ? Number(match[1]) * SIZE_UNITS[(match[2] ?? "").toUpperCase()] : NaN;
  if (bytes >= 1 && Number.isSafeInteger(bytes)) return bytes;
  throw new UsageError(
    `Invalid -Dflume.log.maxFileSize="${text}": expected a size such as 100MB, 512KB, 1GB ` +
      `or a number of bytes`,
    command,
  );
}

/** `flume.log.maxBackupIndex`: 0 to MAX_BACKUP_INDEX. */
function parseBackupIndex(text: string | undefined, command: string): number {
  if (text === undefined) return LOG_FILE_DEFAULTS.maxBackupIndex;
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (value >= 0 && value <= MAX_BACKUP_INDEX) return value;
  throw new UsageError(
    `Invalid -Dflume.log.maxBackupIndex="${text}": expected a whole number from 0 to ` +
      `${MAX_BACKUP_INDEX}`,
    command,
  );
}
