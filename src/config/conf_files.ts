/**
 * Several configuration files read as one (`-f example.conf -f
 * override.conf`): the stages see one run of lines, each file's lines
 * after the previous file's, so that a line number names one key of one
 * file; an issue is placed back in its file at the end.
 *
 * @module
 */
import type { ConfigIssue } from "./diagnostics.ts";

/** One configuration file's text, as read. */
export interface ConfText {
  /** The path, as messages show it. */
  readonly file: string;
  readonly text: string;
}

/** Where one file's lines sit in the run of all files' lines. */
export interface ConfSpan {
  readonly file: string;
  /** Added to the file's own line numbers. */
  readonly offset: number;
  /** How many lines the file has. */
  readonly lines: number;
}

/** The name of the files together, for what no one file holds: `a.conf + b.conf`. */
export function confLabel(files: readonly { readonly file: string }[]): string {
  return files.map((f) => f.file).join(" + ");
}

/** Each file's place in the run of lines, in the order given. */
export function layoutFiles(files: readonly ConfText[]): ConfSpan[] {
  const spans: ConfSpan[] = [];
  let offset = 0;
  for (const { file, text } of files) {
    // As parseProperties counts them: \n, \r and \r\n each end a line.
    const lines = text.split(/\r\n|\r|\n/).length;
    spans.push({ file, offset, lines });
    offset += lines;
  }
  return spans;
}

/** What {@linkcode placeIssues} needs of a loaded configuration. */
export interface PlacedFiles {
  /** The label the stages gave their issues ({@linkcode confLabel}). */
  readonly file: string;
  /** @default undefined (one file: lines are the file's own) */
  readonly files?: readonly ConfSpan[];
}

/**
 * The issues with each line of the run put back in its own file
 * (`override.conf:3`), in the same order. An issue already placed, or
 * without a line, stays as it is.
 */
export function placeIssues(issues: readonly ConfigIssue[], where: PlacedFiles): ConfigIssue[] {
  const spans = where.files ?? [];
  return issues.map((issue) => {
    const { line } = issue;
    if (line === undefined || issue.file !== where.file) return issue;
    const span = spans.find((s) => line > s.offset && line <= s.offset + s.lines);
    return span ? { ...issue, file: span.file, line: line - span.offset } : issue;
  });
}

/**
 * Placed issues ordered as the files were given, then by line, errors
 * first on one line; those of no one file come first.
 */
export function sortPlacedIssues(
  issues: readonly ConfigIssue[],
  where: PlacedFiles,
): ConfigIssue[] {
  const spans = where.files ?? [];
  const order = (issue: ConfigIssue): number => spans.findIndex((s) => s.file === issue.file);
  const rank = (issue: ConfigIssue): number => issue.severity === "error" ? 0 : 1;
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) =>
      order(a.issue) - order(b.issue) || (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
      rank(a.issue) - rank(b.issue) || a.index - b.index
    )
    .map(({ issue }) => issue);
}
