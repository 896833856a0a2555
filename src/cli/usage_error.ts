/** A command line the CLI cannot act on; exits 2 with a hint to `--help`. */
export class UsageError extends Error {
  override name = "UsageError";
  /** The subcommand whose help applies, if any. */
  readonly command?: string;

  /** An error for `command`'s arguments. */
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}
