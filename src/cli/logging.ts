import { configure, getLogger, type LogLevel, type LogRecord, reset } from "@logtape/logtape";
import type { Log } from "../api/log.ts";
import { writeAllSync } from "./write_sync.ts";

/** Log levels as `-Dflume.root.logger=LEVEL,console` names them. */
const LOG4J_LEVELS: Record<string, LogLevel | null> = {
  TRACE: "trace",
  DEBUG: "debug",
  INFO: "info",
  WARN: "warning",
  ERROR: "error",
  FATAL: "fatal",
  OFF: null,
};

/** The LogTape category every flume-ws logger lives under. */
const ROOT = "flume-ws";

/**
 * Reads Flume's `flume.root.logger` value (`INFO,console`): the level and
 * appender. Returns undefined for an unknown level.
 */
export function parseRootLogger(value: string): LogLevel | null | undefined {
  const level = value.split(",")[0].trim().toUpperCase();
  return level in LOG4J_LEVELS ? LOG4J_LEVELS[level] : undefined;
}

/** The accepted level names, for messages. */
export const LEVEL_NAMES: readonly string[] = Object.keys(LOG4J_LEVELS);

/**
 * Configures LogTape once for the process: lines to stderr as
 * `2026-11-27 23:59:01.123 INFO  sink.l1: message`, without colour;
 * `null` turns logging off. Once stderr's reader has gone (a closed pipe),
 * lines are dropped and the process carries on.
 */
export async function configureLogging(level: LogLevel | null): Promise<void> {
  await reset();
  await configure({
    sinks: {
      stderr(record: LogRecord): void {
        writeAllSync(Deno.stderr, formatRecord(record));
      },
    },
    loggers: [
      { category: ROOT, lowestLevel: level ?? "fatal", sinks: level === null ? [] : ["stderr"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
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

/** Formats one record as a single line (with a final line break). */
export function formatRecord(record: LogRecord): string {
  const t = new Date(record.timestamp);
  const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
  const stamp = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ` +
    `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}.` +
    `${pad(t.getMilliseconds(), 3)}`;
  const level = record.level === "warning" ? "WARN" : record.level.toUpperCase();
  const category = record.category.slice(1).join(".");
  const message = record.message.map((part) => String(part)).join("");
  return `${stamp} ${level.padEnd(5)} ${category}: ${message}\n`;
}
