/** How serious a configuration problem is. */
export type Severity = "error" | "warning";

/** One problem found in a configuration file. */
export interface ConfigIssue {
  readonly severity: Severity;
  /** The file the problem is in. */
  readonly file: string;
  /** 1-based line of the offending key, when there is one. */
  readonly line?: number;
  /** The component, as `sources.w1`, `channels.c1`, `sinks.l1`. */
  readonly component?: string;
  /** The offending property of that component. */
  readonly property?: string;
  readonly message: string;
  /** A suggestion such as `did you mean "retryDelay"?`. */
  readonly hint?: string;
}

/** Raised when a configuration has errors; carries every issue found. */
export class ConfigError extends Error {
  override name = "ConfigError";
  /** Every issue found, errors and warnings, in file order. */
  readonly issues: readonly ConfigIssue[];

  /** Wraps the issues; the message lists the errors. */
  constructor(issues: readonly ConfigIssue[]) {
    const errors = issues.filter((i) => i.severity === "error");
    super(errors.map(formatIssue).join("\n"));
    this.issues = issues;
  }
}

/**
 * Formats an issue as `file:line: severity: component property: message`,
 * with the hint on its own indented line.
 */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  const what = [issue.component, issue.property].filter((p) => p).join(" ");
  const head = `${where}: ${issue.severity}: ${what ? `${what}: ` : ""}${issue.message}`;
  return issue.hint ? `${head}\n  hint: ${issue.hint}` : head;
}

/** Orders issues by line, errors before warnings on the same line. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) =>
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1)
  );
}
