/**
 * File-system errors in plain words for messages: what is wrong with the
 * path, without Deno's error class, the OS error number, the system call
 * or Deno's own "run again with --allow-…" advice.
 *
 * @module
 */

/** Why a file could not be read or written, in words that fit after "Cannot read X: ". */
export function fileErrorText(err: unknown): string {
  if (err instanceof Deno.errors.NotFound) return "file not found";
  if (err instanceof Deno.errors.IsADirectory) return "it is a directory, not a file";
  if (err instanceof Deno.errors.NotADirectory) {
    return "a part of the path is a file, not a directory";
  }
  if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (err instanceof Deno.errors.NotCapable) {
    return "not allowed by Deno's permissions (flume-ws reads its files with --allow-read)";
  }
  const text = err instanceof Error ? err.message : String(err);
  const plain = text.replace(/^[A-Za-z]+: /, "").replace(/ \(os error \d+\).*$/s, "")
    .replace(/, run again with the --allow-[a-z]+ flag.*$/s, "");
  return plain.charAt(0).toLowerCase() + plain.slice(1);
}
