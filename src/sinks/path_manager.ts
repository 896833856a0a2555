/** What Flume's DefaultPathManager builds a file name from. */
export interface DefaultFileNameParts {
  /** `sink.pathManager.prefix`; may be empty. */
  readonly prefix: string;
  /** Milliseconds since the epoch, taken once when the sink starts. */
  readonly seriesTimestamp: number;
  /** The file's number in the series, from 1. */
  readonly index: number;
  /** `sink.pathManager.extension`, without the dot; may be empty. */
  readonly extension: string;
}

/**
 * A file name as Flume's DefaultPathManager builds it:
 * `<prefix><seriesTimestamp>-<index>`, then `.<extension>` when there is one
 * (`events-1700000000000-3.log`).
 */
export function defaultFileName(parts: DefaultFileNameParts): string {
  const { prefix, seriesTimestamp, index, extension } = parts;
  const name = `${prefix}${seriesTimestamp}-${index}`;
  return extension.length > 0 ? `${name}.${extension}` : name;
}
