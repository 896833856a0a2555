/** What a property's value must look like. */
export type PropertyKind =
  | "int" // a whole number, as Java's Integer/Long.parseLong reads it
  | "number" // a decimal number (seconds with a fraction, for example)
  | "boolean" // true or false, any case
  | "string"
  | "list"; // whitespace- or comma-separated names

/** A property value after parsing. */
export type PropertyValue = number | boolean | string | readonly string[];

/** One property a component understands. */
export interface PropertySpec {
  readonly name: string;
  readonly kind: PropertyKind;
  /** Used when the property is absent; absent and no default means unset. */
  readonly default?: PropertyValue;
  /** How the default is shown in `check` and the README when it is computed. */
  readonly defaultText?: string;
  /** @default false */
  readonly required?: boolean;
  /** Never printed: masked in `check` output and logs. @default false */
  readonly secret?: boolean;
  /** How `check` shows a value that may hold secrets (a URL with a token). */
  readonly redact?: (value: string) => string;
  /** Smallest allowed value of a number. */
  readonly min?: number;
  /** Largest allowed value of a number. */
  readonly max?: number;
  /** Allowed values of a string, compared case-insensitively. */
  readonly oneOf?: readonly string[];
  /** One line for `check` and the README. */
  readonly doc: string;
}

/** Properties whose names follow a pattern (`cookie.ID.name`, `header.NAME`). */
export interface PatternSpec {
  /** Matches the whole property name. */
  readonly pattern: RegExp;
  /** Shown in messages and the README, e.g. `cookie.ID.value`. */
  readonly display: string;
  readonly kind: PropertyKind;
  /** @default false */
  readonly secret?: boolean;
  readonly doc: string;
}

const INT = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/**
 * Parses a raw property value by kind; returns the value, or a message
 * saying what was expected.
 */
export function parseValue(
  spec: Pick<PropertySpec, "kind" | "min" | "max" | "oneOf" | "name">,
  raw: string,
): { value: PropertyValue } | { error: string } {
  const text = raw.trim();
  switch (spec.kind) {
    case "int":
    case "number": {
      const pattern = spec.kind === "int" ? INT : NUMBER;
      if (!pattern.test(text)) {
        const expected = spec.kind === "int" ? "a whole number" : "a number";
        return { error: `Invalid ${spec.name} "${raw}": expected ${expected}` };
      }
      const value = Number(text);
      if (!Number.isSafeInteger(Math.trunc(value))) {
        return { error: `Invalid ${spec.name} "${raw}": number out of range` };
      }
      if (spec.min !== undefined && value < spec.min) {
        return { error: `Invalid ${spec.name} "${raw}": must be at least ${spec.min}` };
      }
      if (spec.max !== undefined && value > spec.max) {
        return { error: `Invalid ${spec.name} "${raw}": must be at most ${spec.max}` };
      }
      return { value };
    }
    case "boolean": {
      const lower = text.toLowerCase();
      if (lower === "true" || lower === "false") return { value: lower === "true" };
      return { error: `Invalid ${spec.name} "${raw}": expected true or false` };
    }
    case "list":
      return { value: splitList(text) };
    case "string": {
      if (spec.oneOf && !spec.oneOf.some((o) => o.toLowerCase() === text.toLowerCase())) {
        return {
          error: `Invalid ${spec.name} "${raw}": expected one of ${spec.oneOf.join(", ")}`,
        };
      }
      return { value: raw };
    }
  }
}

/** Splits a Flume name list on whitespace (and commas, as the seed's `cookies` uses). */
export function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s.length > 0);
}

/** Shows a value as `check` prints it. */
export function showValue(value: PropertyValue): string {
  return Array.isArray(value) ? value.join(" ") : String(value);
}
