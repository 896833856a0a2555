/**
 * One line for a failed produce: the client nests its errors (a
 * MultipleErrors of retries, each of MultipleErrors, …); the line gives the
 * distinct innermost causes, without stack traces.
 *
 * @module
 */

/** The distinct innermost messages of `err`, joined: `connect ECONNREFUSED 127.0.0.1:9092`. */
export function kafkaErrorText(err: unknown): string {
  const leaves: string[] = [];
  collect(err, leaves, 0);
  const unique = [
    ...new Set(leaves.map((m) => m.replace(/\s+/g, " ").trim().replace(/\.$/, ""))),
  ].filter((m) => m !== "");
  return unique.length === 0 ? String(err) : unique.slice(0, 3).join("; ");
}

function collect(err: unknown, into: string[], depth: number): void {
  if (depth > 8) return;
  if (!(err instanceof Error)) {
    into.push(String(err));
    return;
  }
  const nested = err instanceof AggregateError ? err.errors : [];
  const cause = (err as { cause?: unknown }).cause;
  if (nested.length === 0 && cause === undefined) {
    into.push(err.message);
    return;
  }
  for (const inner of nested) collect(inner, into, depth + 1);
  if (cause !== undefined) collect(cause, into, depth + 1);
}
