/** The message of an error, with its cause's message when it has one. */
export function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.cause instanceof Error && !err.message.includes(err.cause.message)
    ? `${err.message} (${err.cause.message})`
    : err.message;
}
