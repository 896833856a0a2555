/** A stream written synchronously: `Deno.stdout`, `Deno.stderr`, a file. */
export interface SyncWriter {
  /** Writes some of `bytes`; returns how many. */
  writeSync(bytes: Uint8Array): number;
}

const ENCODER = new TextEncoder();

/**
 * Writes all of `text` to `stream`. Returns false, having written what it
 * could, when the reader has gone (`flume-ws check | head` after head
 * exits: a broken pipe), so that the caller can end quietly as a Unix tool
 * does; any other write error is thrown.
 */
export function writeAllSync(stream: SyncWriter, text: string | Uint8Array): boolean {
  let bytes = typeof text === "string" ? ENCODER.encode(text) : text;
  try {
    while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
  } catch (err) {
    if (err instanceof Deno.errors.BrokenPipe) return false;
    throw err;
  }
  return true;
}
