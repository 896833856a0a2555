/**
 * The logging calls components make. The CLI passes LogTape loggers
 * (configured once in `cli/logging.ts`); tests pass recorders.
 */
export interface Log {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A Log that discards everything. */
export const SILENT_LOG: Log = Object.freeze({
  debug(): void {},
  info(): void {},
  warn(): void {},
  error(): void {},
});
