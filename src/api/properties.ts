/**
 * How a component declares its properties: once, with kind, range, default
 * and a line of documentation. Validation, `check`, the README reference
 * and the typed configuration handed to the component's factory are all
 * read from the declaration, so a misspelled property name is a compile
 * error and a default is written in one place.
 *
 * @module
 */

/** What a property's value must look like in the file. */
export type PropertyKind =
  | "int"
  | "number"
  | "duration"
  | "boolean"
  | "enum"
  | "string"
  | "secret"
  | "url"
  | "path"
  | "list";

/** A duration's unit as written in the file; the typed value is always milliseconds. */
export type DurationUnit = "s" | "ms";

/** What every declaration has. */
interface PropertyBase {
  /** One line for `check` and the README. */
  readonly doc: string;
  /** @default false */
  readonly required?: boolean;
  /** How the default is shown when it is computed (`80% of the V8 heap limit`). */
  readonly defaultText?: string;
}

/** A whole number, as Java's `Long.parseLong` reads it. */
export interface IntProperty extends PropertyBase {
  readonly kind: "int";
  readonly default?: number;
  /** @default 0 */
  readonly min?: number;
  /** @default 2147483647 (Java's Integer.MAX_VALUE) */
  readonly max?: number;
}

/** A decimal number. */
export interface NumberProperty extends PropertyBase {
  readonly kind: "number";
  readonly default?: number;
  readonly min?: number;
  readonly max?: number;
}

/**
 * A length of time written in `unit` (whole or, with `fractions`, decimal);
 * the configuration holds it in milliseconds. Its range is in `unit` and
 * never exceeds what a timer can hold (about 24.8 days).
 */
export interface DurationProperty extends PropertyBase {
  readonly kind: "duration";
  readonly unit: DurationUnit;
  /** Decimals allowed (`retryDelay = 0.5`). @default false */
  readonly fractions?: boolean;
  /** In `unit`. */
  readonly default?: number;
  /** Smallest value, in `unit`. @default 0 */
  readonly min?: number;
  /** The value must be greater than this, in `unit` (`retryDelay` > 0). */
  readonly above?: number;
  /** Largest value, in `unit`. @default the largest a timer holds (or, with `timer: false`, any safe integer) */
  readonly max?: number;
  /** False for a duration that is compared with the clock, never waited on by a timer. @default true */
  readonly timer?: boolean;
}

/** `true` or `false`, any case. */
export interface BooleanProperty extends PropertyBase {
  readonly kind: "boolean";
  readonly default?: boolean;
}

/** One of `values`, any case; the configuration holds the value as declared. */
export interface EnumProperty<V extends string = string> extends PropertyBase {
  readonly kind: "enum";
  readonly values: readonly V[];
  readonly default?: V;
}

/** Text, kept as written (quotes and spaces included). */
export interface StringProperty extends PropertyBase {
  readonly kind: "string";
  readonly default?: string;
}

/** Text that is never printed: masked in `check` output and logs. */
export interface SecretProperty extends PropertyBase {
  readonly kind: "secret";
}

/** A URL with one of `schemes`; shown without user info and with query values masked. */
export interface UrlProperty extends PropertyBase {
  readonly kind: "url";
  /** Allowed schemes without the colon: `["ws", "wss"]`. */
  readonly schemes: readonly string[];
  /** The hint for a value that is not such a URL: `use ws://host:port/path`. */
  readonly hint?: string;
  /** Several URLs separated by whitespace are allowed. @default false */
  readonly several?: boolean;
}

/** A file or directory path, trimmed. */
export interface PathProperty extends PropertyBase {
  readonly kind: "path";
  readonly default?: string;
}

/** Names separated by spaces or commas. */
export interface ListProperty extends PropertyBase {
  readonly kind: "list";
  readonly default?: readonly string[];
}

/** Any property declaration. */
export type PropertyDecl =
  | IntProperty
  | NumberProperty
  | DurationProperty
  | BooleanProperty
  | EnumProperty
  | StringProperty
  | SecretProperty
  | UrlProperty
  | PathProperty
  | ListProperty;

/** A component's properties by name. */
export type PropertyDecls = { readonly [name: string]: PropertyDecl };

/** Properties whose names follow a pattern (`cookie.ID.name`, `header.NAME`). */
export interface PatternDecl {
  /** Matches the whole property name. */
  readonly pattern: RegExp;
  /** Shown in messages and the README, e.g. `cookie.ID.value`. */
  readonly display: string;
  readonly kind: "string" | "secret" | "boolean" | "int" | "list";
  readonly doc: string;
  /** For `int`: the smallest value. @default 0 */
  readonly min?: number;
  /** For `int`: the largest value. @default 2147483647 */
  readonly max?: number;
}

/** The value a declaration gives the configuration. */
export type ValueOf<P> = P extends { readonly kind: "int" | "number" | "duration" } ? number
  : P extends { readonly kind: "boolean" } ? boolean
  : P extends { readonly kind: "enum"; readonly values: readonly (infer V)[] } ? V
  : P extends { readonly kind: "list" } ? readonly string[]
  : string;

/** True when the property always has a value: required, or with a default. */
type Always<P> = P extends { readonly required: true } ? true
  : P extends { readonly default: unknown } ? true
  : false;

/**
 * The configuration a component's factory receives: one field per declared
 * property, typed by its kind; `undefined` only for a property that is
 * neither required nor defaulted and was not set.
 */
export type ConfigOf<D extends PropertyDecls> = {
  readonly [K in keyof D]: Always<D[K]> extends true ? ValueOf<D[K]> : ValueOf<D[K]> | undefined;
};

/** A whole number. */
export function int<const O extends Omit<IntProperty, "kind">>(o: O): O & { kind: "int" } {
  return { ...o, kind: "int" };
}

/** A decimal number. */
export function number<const O extends Omit<NumberProperty, "kind">>(
  o: O,
): O & { kind: "number" } {
  return { ...o, kind: "number" };
}

/** A duration written in `o.unit`, held in milliseconds. */
export function duration<const O extends Omit<DurationProperty, "kind">>(
  o: O,
): O & { kind: "duration" } {
  return { ...o, kind: "duration" };
}

/** `true` or `false`. */
export function boolean<const O extends Omit<BooleanProperty, "kind">>(
  o: O,
): O & { kind: "boolean" } {
  return { ...o, kind: "boolean" };
}

/** One of `o.values`. */
export function oneOf<const O extends Omit<EnumProperty, "kind">>(o: O): O & { kind: "enum" } {
  return { ...o, kind: "enum" };
}

/** Text kept as written. */
export function string<const O extends Omit<StringProperty, "kind">>(
  o: O,
): O & { kind: "string" } {
  return { ...o, kind: "string" };
}

/** Text that is never shown. */
export function secret<const O extends Omit<SecretProperty, "kind">>(
  o: O,
): O & { kind: "secret" } {
  return { ...o, kind: "secret" };
}

/** A URL with one of `o.schemes`. */
export function url<const O extends Omit<UrlProperty, "kind">>(o: O): O & { kind: "url" } {
  return { ...o, kind: "url" };
}

/** A path. */
export function path<const O extends Omit<PathProperty, "kind">>(o: O): O & { kind: "path" } {
  return { ...o, kind: "path" };
}

/** A list of names. */
export function list<const O extends Omit<ListProperty, "kind">>(o: O): O & { kind: "list" } {
  return { ...o, kind: "list" };
}

/** A problem a component reports about its own properties. */
export interface PropertyProblem {
  /** The property at fault; the component's `type` line when absent. */
  readonly property?: string;
  readonly message: string;
  readonly hint?: string;
  /** @default "error" */
  readonly severity?: "error" | "warning";
}

/** Records one problem. */
export type Reporter = (problem: PropertyProblem) => void;

/** A raw property value with the line it came from. */
export interface RawProperty {
  readonly value: string;
  readonly line: number;
  /** True when a `${…}` in it named a variable that is not set (reported on its line). */
  readonly unresolved?: boolean;
}

/** A component's properties as written in the file (for patterns and lines). */
export interface RawProperties {
  /** True when the property was set in the file. */
  has(name: string): boolean;
  /** The value as written (after `${…}` substitution), if set. */
  raw(name: string): string | undefined;
  /** The line the property was set on, if it was. */
  line(name: string): number | undefined;
  /** Raw properties whose names match `pattern`, in name order. */
  matching(pattern: RegExp): [string, RawProperty][];
}

/**
 * What a component's cross-property check sees: the parsed value of each
 * property (`undefined` when it did not parse, so that a rule about it is
 * skipped rather than reported twice) and the raw properties.
 */
export interface CheckedProperties<D extends PropertyDecls> extends RawProperties {
  /** The parsed value or the default; undefined when unset without default or invalid. */
  get<K extends keyof D & string>(name: K): ValueOf<D[K]> | undefined;
  /** False when the property was set but did not parse. */
  isValid(name: keyof D & string): boolean;
}

/** Thrown by a component's `prepare` to report a problem with one property. */
export class PropertyError extends Error {
  override name = "PropertyError";
  /** The property at fault. */
  readonly property: string;
  /** What to do about it. */
  readonly hint?: string;

  /** An error about `property`. */
  constructor(property: string, message: string, options?: ErrorOptions & { hint?: string }) {
    super(message, options);
    this.property = property;
    this.hint = options?.hint;
  }
}
