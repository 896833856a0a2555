/**
 * A keystore that cannot be used: missing, unrecognised, damaged, locked
 * with another password, or without the private key asked for. The message
 * names the file and the cause, never a password.
 */
export class KeyStoreError extends Error {
  override name = "KeyStoreError";
  /** The keystore's path, when it came from a file. */
  readonly path?: string;

  /** An error about the keystore at `path` (if any). */
  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.path = options.path;
  }
}
