import type { Reporter } from "../api/properties.ts";

/** Java's inline flags at the start of a pattern that JavaScript has as flags. */
const LEADING_FLAGS = /^\(\?([ims]+)\)/;

/**
 * Compiles a regular expression written for Flume (Java syntax) as
 * JavaScript understands it: the common syntax is the same; a leading
 * `(?i)`, `(?s)` or `(?m)` becomes a flag; Unicode mode is used when the
 * pattern allows it (so `\p{L}` works), else the lenient mode (so escaped
 * punctuation such as `\:` works, as in Java). `anchored` makes it match
 * the whole text (Java's `matches()`) instead of any part (`find()`).
 * Throws SyntaxError for an invalid pattern.
 */
export function compileRegex(source: string, options: { anchored?: boolean } = {}): RegExp {
  const leading = LEADING_FLAGS.exec(source);
  const flags = leading ? [...new Set(leading[1])].join("") : "";
  const body = leading ? source.slice(leading[0].length) : source;
  const text = options.anchored ? `^(?:${body})$` : body;
  try {
    return new RegExp(text, flags + "u");
  } catch {
    return new RegExp(text, flags);
  }
}

/** Reports `property` when its value is set and is not a valid regular expression. */
export function checkRegex(
  property: string,
  value: string | undefined,
  report: Reporter,
): void {
  if (value === undefined) return;
  try {
    compileRegex(value);
  } catch (err) {
    // V8 says `Invalid regular expression: /(/: Unterminated group`; keep the cause.
    const detail = String(err instanceof Error ? err.message : err).split(": ").pop();
    report({
      property,
      message: `Invalid ${property} "${value}": not a regular expression: ${detail}`,
      hint: "use JavaScript (Java-compatible) regular expression syntax",
    });
  }
}

/**
 * Splits `text` around the matches of `separator` as Java's `Pattern.split`
 * does: capture groups are not included, trailing empty strings are
 * removed, and a zero-width match at the start makes no leading empty one.
 */
export function splitByRegex(text: string, separator: RegExp): string[] {
  const global = new RegExp(separator.source, separator.flags.replace("g", "") + "g");
  const parts: string[] = [];
  let start = 0;
  for (const match of text.matchAll(global)) {
    const end = match.index;
    if (match[0].length === 0 && end === 0) continue;
    if (match[0].length === 0 && end >= text.length) break;
    parts.push(text.slice(start, end));
    start = end + match[0].length;
  }
  parts.push(text.slice(start));
  while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return text === "" ? [""] : parts;
}
