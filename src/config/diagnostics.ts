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

/** Warnings of one shape shown at most; the rest are counted in one line. */
export const MAX_ALIKE_WARNINGS = 25;

/**
 * The issues with warnings of the same shape (the same message once quoted
 * names are taken out, such as `Unknown key "…": ignored`) cut to the
 * first `max`; one warning after them says how many more there were.
 * Errors are all kept. The issues stay in their order.
 */
export function foldAlikeWarnings(
  issues: readonly ConfigIssue[],
  max: number = MAX_ALIKE_WARNINGS,
): ConfigIssue[] {
  const shapes = new Map<string, { shown: number; folded: number; last: ConfigIssue }>();
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    if (issue.severity !== "warning") {
      out.push(issue);
      continue;
    }
    const shape = issue.message.replace(/"[^"]*"/g, '""');
    const seen = shapes.get(shape) ?? { shown: 0, folded: 0, last: issue };
    shapes.set(shape, seen);
    if (seen.shown < max) {
      seen.shown++;
      seen.last = issue;
      out.push(issue);
    } else {
      seen.folded++;
    }
  }
  for (const { folded, last } of shapes.values()) {
    if (folded === 0) continue;
    const at = out.indexOf(last) + 1;
    out.splice(at, 0, {
      severity: "warning",
      file: last.file,
      message:
        `${folded.toLocaleString("en-US")} more warning${
          folded === 1 ? "" : "s"
        } like the one above not shown ` +
        `(${last.message.replace(/"[^"]*"/g, '"…"')})`,
      hint: "fix the ones shown and run check again",
    });
  }
  return out;
}
