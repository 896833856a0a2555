import type { PatternDecl, PropertyDecl, UrlProperty } from "../api/properties.ts";
import { redactUrl } from "../util/redact.ts";

/** A parsed property value. */
export type PropertyValue = number | boolean | string | readonly string[];

/** Java's Integer.MAX_VALUE: the default upper bound of a whole number. */
export const INT_MAX = 2 ** 31 - 1;
/** The longest wait a JavaScript timer holds, in milliseconds (about 24.8 days). */
export const TIMER_MAX_MS = 2 ** 31 - 1;

const INT = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** What a value parsed to, or why it did not. */
export type Parsed = { readonly value: PropertyValue } | {
  readonly error: string;
  readonly hint?: string;
};

/** How many milliseconds one unit of a duration is. */
export function unitMs(unit: "s" | "ms"): number {
  return unit === "s" ? 1000 : 1;
}

/** The largest value a duration declared in `unit` may take, in that unit. */
export function durationMax(decl: { unit: "s" | "ms"; max?: number; timer?: boolean }): number {
  const limit = decl.timer === false ? Number.MAX_SAFE_INTEGER : TIMER_MAX_MS;
  return Math.min(decl.max ?? Infinity, Math.floor(limit / unitMs(decl.unit)));
}

/**
 * Parses a raw value by its declaration: the typed value (a duration in
 * milliseconds, an enum as declared), or a message saying what was
 * expected. Messages quote the value as written, a URL redacted.
 */
export function parseValue(name: string, decl: PropertyDecl | PatternDecl, raw: string): Parsed {
  const text = raw.trim();
  const invalid = (detail: string, hint?: string): Parsed => ({
    error: `Invalid ${name} "${raw}": ${detail}`,
    hint,
  });
  switch (decl.kind) {
    case "int":
    case "number":
    case "duration": {
      const whole = decl.kind === "int" || (decl.kind === "duration" && !decl.fractions);
      if (!(whole ? INT : NUMBER).test(text)) {
        return invalid(whole ? "expected a whole number" : "expected a number");
      }
      const value = Number(text);
      if (!Number.isSafeInteger(Math.trunc(value))) return invalid("number out of range");
      const min = decl.min ?? (decl.kind === "number" ? undefined : 0);
      const max = decl.kind === "duration"
        ? durationMax(decl)
        : decl.max ?? (decl.kind === "int" ? INT_MAX : undefined);
      if (decl.kind === "duration" && decl.above !== undefined && value <= decl.above) {
        return invalid(`must be greater than ${decl.above}`);
      }
      if (min !== undefined && value < min) return invalid(`must be at least ${min}`);
      if (max !== undefined && value > max) {
        return invalid(
          `must be at most ${max}`,
          decl.kind === "duration" && decl.timer !== false &&
            max === durationMax({ unit: decl.unit })
            ? "that is about 24.8 days, the longest wait a timer holds"
            : undefined,
        );
      }
      return { value: decl.kind === "duration" ? Math.round(value * unitMs(decl.unit)) : value };
    }
    case "boolean": {
      const lower = text.toLowerCase();
      if (lower === "true" || lower === "false") return { value: lower === "true" };
      return invalid("expected true or false");
    }
    case "enum": {
      const found = decl.values.find((v) => v.toLowerCase() === text.toLowerCase());
      return found === undefined ? invalid(`expected one of ${decl.values.join(", ")}`) : {
        value: found,
      };
    }
    case "list":
      return { value: splitList(text) };
    case "url": {
      const urls = decl.several ? text.split(/\s+/) : [text];
      for (const one of urls) {
        const problem = _urlProblem(name, decl, one, urls.length > 1 ? one : raw);
        if (problem !== undefined) return problem;
      }
      return { value: text };
    }
    case "path":
      return text === "" && decl.required ? invalid("must not be empty") : { value: text };
    case "string":
    case "secret":
      return { value: raw };
  }
}

/** Why `text` is not a URL that `decl` accepts (`raw` is how messages quote it), if it is not. */
function _urlProblem(
  name: string,
  decl: UrlProperty,
  text: string,
  raw: string,
): Parsed | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: `Invalid ${name} "${scrubUrlText(raw)}": not a URL`, hint: decl.hint };
  }
  if (!decl.schemes.includes(url.protocol.slice(0, -1))) {
    const names = decl.schemes.map((s) => `${s}://`);
    const article = /^[aeiouh]/.test(names[0]) ? "an" : "a";
    return {
      error: `Invalid ${name} "${redactUrl(raw)}": expected ${article} ${names.join(" or ")} URL`,
      hint: decl.hint,
    };
  }
  if (url.hostname === "" || /^[a-z][a-z0-9+.-]*:\/\/\//i.test(text)) {
    return {
      error: `Invalid ${name} "${scrubUrlText(raw)}": no host after the scheme's "//"`,
      hint: decl.hint,
    };
  }
  return undefined;
}

/**
 * Text that did not parse as a URL, with what looks like user info
 * (`//user:pass@`) and query values masked, so that a malformed endpoint's
 * credentials do not reach a message.
 */
export function scrubUrlText(text: string): string {
  return text.replace(/\/\/[^/?#\s]*@/, "//***@").replace(/([?&][^=&#\s]*)=[^&#\s]*/g, "$1=***");
}

/** Splits a Flume name list on whitespace (and commas, as the seed's `cookies` uses). */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s.length > 0);
}

/** Shows a value as `check` prints it. */
export function showValue(value: PropertyValue): string {
  return Array.isArray(value) ? value.join(" ") : String(value);
}

/** A declaration's default as the reference and `check` show it, in the file's unit. */
export function showDefault(decl: PropertyDecl): string | undefined {
  if (decl.defaultText !== undefined) return decl.defaultText;
  if (!("default" in decl) || decl.default === undefined) return undefined;
  return showValue(decl.default);
}
